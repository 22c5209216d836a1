"""What went wrong at Microsoft, in EBMS terms: a closed list of sign-in outcomes.

The identity platform reports errors as an OAuth `error` plus an AADSTS number inside
`error_description` (redirects) or `error_codes` (token endpoint). We branch on the number
where Microsoft documents one and fall back to `error`; anything unknown is shown with its
number so support can look it up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["ERROR_CODES", "Kind", "Problem", "aadsts_code", "classify"]


class Kind(StrEnum):
    CONSENT_REQUIRED = "consent_required"  # 65001: nobody consented yet (user consent may do)
    ADMIN_CONSENT = "admin_consent"  # 90093/90094/90095, rooms not granted: only an admin can
    NOT_ASSIGNED = "not_assigned"  # 50105
    APP_NOT_IN_TENANT = "app_not_in_tenant"  # 700016
    CANCELLED = "cancelled"  # access_denied / 65004
    INVALID_STATE = "invalid_state"  # missing, unknown, tampered or expired state
    REPLAYED = "replayed"  # flow already used, or code redeemed twice (54005)
    WRONG_USER = "wrong_user"  # the flow was started by another EBMS user
    FOREIGN_TENANT = "foreign_tenant"  # account of another tenant than the company's
    ACCOUNT_TAKEN = "account_taken"  # the Microsoft account is linked to another EBMS user
    RECONNECT = "reconnect"  # refresh token unusable: 70008, 700082, 50173, invalid_grant
    UNREACHABLE = "unreachable"  # no answer from Microsoft (connection refused, timeout)
    OTHER = "other"


# Consent problems count towards "no second redirect in a row".
CONSENT_KINDS = frozenset({Kind.CONSENT_REQUIRED, Kind.ADMIN_CONSENT})
RECONNECT_CODES = frozenset({70008, 700082, 50173, 70043, 50076, 50079, 50078, 50074, 53003})


@dataclass(frozen=True)
class Problem:
    kind: Kind
    code: int | None = None  # AADSTS number
    error: str = ""  # OAuth error, e.g. access_denied
    description: str = ""  # Microsoft's text (first line, without trace ids)

    @property
    def code_label(self) -> str:
        return f"AADSTS{self.code}" if self.code else (self.error or "")


_AADSTS = re.compile(r"AADSTS(\d{4,9})")


def aadsts_code(description: str, codes: list | None = None) -> int | None:
    """The AADSTS number from `error_codes` (token endpoint) or the description text."""
    for value in codes or []:
        try:
            return int(value)
        except (TypeError, ValueError):
            continue
    match = _AADSTS.search(description or "")
    return int(match.group(1)) if match else None


def _first_line(description: str) -> str:
    return (description or "").strip().splitlines()[0][:300] if description else ""


def classify(*, error: str, description: str = "", codes: list | None = None) -> Problem:
    """Map an identity-platform error (redirect or token response) to a Problem."""
    code = aadsts_code(description, codes)
    text = _first_line(description)
    kind = Kind.OTHER
    if code == 65001 or (error == "consent_required" and code is None):
        kind = Kind.CONSENT_REQUIRED
    elif code in (90093, 90094, 90095, 900941):
        kind = Kind.ADMIN_CONSENT
    elif code == 50105:
        kind = Kind.NOT_ASSIGNED
    elif code == 700016:
        kind = Kind.APP_NOT_IN_TENANT
    elif code == 54005:
        kind = Kind.REPLAYED
    elif code == 65004 or (error == "access_denied" and code is None):
        kind = Kind.CANCELLED
    elif code in RECONNECT_CODES or (
        error in ("invalid_grant", "interaction_required") and code is None
    ):
        kind = Kind.RECONNECT
    return Problem(kind=kind, code=code, error=error, description=text)


# For the admin information page (F11) and docs: code, meaning, what to do.
ERROR_CODES: list[tuple[str, StrOrPromise, StrOrPromise]] = [
    (
        "AADSTS65001",
        _("Für die App wurde noch keine Zustimmung erteilt."),
        _("Erneut verbinden und zustimmen; für Räume erteilt ein Administrator die Zustimmung."),
    ),
    (
        "AADSTS90093",
        _("Die Firma erlaubt Benutzern nicht, Apps selbst zuzustimmen."),
        _(
            "Ein Administrator öffnet den Link zur Administrator-Zustimmung oder erteilt sie im "
            "Entra Admin Center unter Unternehmensanwendungen › EBMS › Berechtigungen."
        ),
    ),
    (
        "AADSTS90094",
        _("Die angefragte Berechtigung (z. B. Räume) braucht die Zustimmung eines Administrators."),
        _(
            "Ein Administrator öffnet den Link zur Administrator-Zustimmung oder erteilt sie im "
            "Entra Admin Center unter Unternehmensanwendungen › EBMS › Berechtigungen."
        ),
    ),
    (
        "AADSTS90095",
        _("Benutzer dürfen Apps nicht zustimmen; eine Genehmigungsanfrage wurde gesendet."),
        _(
            "Ein Administrator prüft die Anfrage unter Unternehmensanwendungen › Administratorzustimmungsanforderungen."
        ),
    ),
    (
        "AADSTS50105",
        _("Die App verlangt eine Zuweisung, der Benutzer ist nicht zugewiesen."),
        _(
            "Administrator: Unternehmensanwendungen › EBMS › Benutzer und Gruppen › Benutzer zuweisen."
        ),
    ),
    (
        "AADSTS700016",
        _("Die App ist im Tenant noch nicht vorhanden."),
        _(
            "Der erste Verbindungsversuch legt die Unternehmensanwendung an; danach die "
            "Administrator-Zustimmung erteilen und erneut verbinden."
        ),
    ),
    (
        "AADSTS65004",
        _("Die Anmeldung oder Zustimmung wurde abgebrochen."),
        _("Erneut verbinden und der Anfrage zustimmen."),
    ),
    (
        "AADSTS700082 / AADSTS70008",
        _("Die Anmeldung ist abgelaufen (90 Tage nicht benutzt) oder wurde widerrufen."),
        _("Der Recruiter verbindet sein Konto erneut."),
    ),
    (
        "AADSTS50020 / AADSTS50034",
        _("Das Konto gehört zu einem anderen Tenant oder existiert nicht."),
        _("Mit dem Arbeitskonto der Firma anmelden."),
    ),
]
