"""Scope parsing and the Graph delegated permissions the simulator knows.

Scope forms as in https://learn.microsoft.com/entra/identity-platform/scopes-oidc and
permissions-consent-overview: "https://graph.microsoft.com/Calendars.ReadWrite", the short
"Calendars.ReadWrite" (Graph is the default resource), "https://graph.microsoft.com/.default",
plus the OIDC scopes openid, profile, email, offline_access. Which scopes need admin consent
follows https://learn.microsoft.com/graph/permissions-reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

GRAPH_PREFIXES = (
    "https://graph.microsoft.com/",
    "00000003-0000-0000-c000-000000000000/",
)
OIDC_SCOPES = ("openid", "profile", "email", "offline_access")

# Short name -> (German consent text like Microsoft's consent page, admin consent required)
GRAPH_SCOPES: dict[str, tuple[str, bool]] = {
    "User.Read": (_("Anmelden und Ihr Profil lesen"), False),
    "User.ReadBasic.All": (_("Grundlegende Profile aller Benutzer lesen"), False),
    "User.Read.All": (_("Vollständige Profile aller Benutzer lesen"), True),
    "Calendars.Read": (_("Ihre Kalender lesen"), False),
    "Calendars.ReadWrite": (_("Vollzugriff auf Ihre Kalender"), False),
    "Calendars.Read.Shared": (_("Kalender lesen, auf die Sie Zugriff haben"), False),
    "Calendars.ReadWrite.Shared": (
        _("Kalender lesen und schreiben, auf die Sie Zugriff haben"),
        False,
    ),
    "MailboxSettings.Read": (_("Ihre Postfacheinstellungen lesen"), False),
    # v2-admin-consent.md's example asks for it (with Calendars.Read).
    "Mail.Send": (_("E-Mails in Ihrem Namen senden"), False),
    "OnlineMeetings.ReadWrite": (_("Onlinebesprechungen lesen und erstellen"), False),
    "Place.Read.All": (_("Alle Unternehmensorte lesen"), True),
}
OIDC_TEXT = {
    "openid": _("Anmelden"),
    "profile": _("Ihr Basisprofil anzeigen"),
    "email": _("Ihre E-Mail-Adresse anzeigen"),
    "offline_access": _("Zugriff auf Daten beibehalten, für die Sie Zugriff erteilt haben"),
}


class UnknownScope(ValueError):
    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope


class ForeignScope(UnknownScope):
    """A scope of another resource than Graph (the token endpoint answers AADSTS70011)."""


@dataclass(frozen=True)
class ScopeRequest:
    """A parsed `scope` parameter: Graph short names, OIDC scopes, `.default` used or not."""

    graph: tuple[str, ...]
    oidc: tuple[str, ...]
    default: bool

    @property
    def all(self) -> tuple[str, ...]:
        """Everything that needs consent (Graph scopes first, then OIDC scopes)."""
        return (
            self.graph
            + tuple(s for s in self.oidc if s != "offline_access")
            + (("offline_access",) if "offline_access" in self.oidc else ())
        )


def _canonical(name: str) -> str:
    for known in list(GRAPH_SCOPES) + list(OIDC_SCOPES):
        if known.lower() == name.lower():
            return known
    raise UnknownScope(name)


def parse(raw: str, *, app_scopes: list[str] | None = None) -> ScopeRequest:
    """Split a space-separated scope string; `.default` expands to the app's registered scopes.

    Raises UnknownScope for a scope Graph does not have (AADSTS650053) or another resource.
    """
    graph: list[str] = []
    oidc: list[str] = []
    default = False
    for token in raw.split():
        lowered = token.lower()
        short = token
        for prefix in GRAPH_PREFIXES:
            if lowered.startswith(prefix):
                short = token[len(prefix) :]
                break
        else:
            if "://" in token or "/" in token:
                raise ForeignScope(token)
        if short == ".default":
            default = True
            for name in app_scopes or []:
                bucket = oidc if name in OIDC_SCOPES else graph
                if name not in bucket:
                    bucket.append(name)
            continue
        name = _canonical(short)
        bucket = oidc if name in OIDC_SCOPES else graph
        if name not in bucket:
            bucket.append(name)
    return ScopeRequest(graph=tuple(graph), oidc=tuple(oidc), default=default)


def needs_admin(name: str) -> bool:
    return GRAPH_SCOPES.get(name, ("", False))[1]


def describe(name: str) -> str:
    if name in OIDC_TEXT:
        return str(OIDC_TEXT[name])
    return str(GRAPH_SCOPES[name][0])
