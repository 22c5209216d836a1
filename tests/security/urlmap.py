"""The project's URLs, read from the URLconf, and what each one is (access level, object id).

Every product URL must be listed in CATALOGUE; test_every_product_url_is_classified fails
when a new one appears, so a new page cannot slip past the cross-company and role tests.
The Microsoft 365 simulator (/m365/, not product) and Django's admin are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

EXCLUDED_NAMESPACES = ("admin", "m365sim")

# Access levels: "public" (no login), "member" (any user of a company), "planner"
# (recruiter or company admin), "admin" (company admin), "debug" (demo page, 404 unless DEBUG).
PUBLIC, MEMBER, PLANNER, ADMIN, DEBUG = "public", "member", "planner", "admin", "debug"


@dataclass(frozen=True)
class Entry:
    access: str
    # Key of the object (in the security world fixture) whose id the URL takes; "token"
    # for the candidate link (a signed token, tested in test_candidate_links.py); "session"
    # for the candidate's page (the proposal id; access by the session's nonce).
    obj: str | None = None
    # Answers 405 to GET before any check (require_POST outermost): nothing to look up.
    post_only: bool = False


CATALOGUE: dict[str, Entry] = {
    "dashboard": Entry(MEMBER),
    "set_language": Entry(PUBLIC),
    "accounts:login": Entry(PUBLIC),
    "accounts:logout": Entry(PUBLIC),
    "accounts:user_list": Entry(ADMIN),
    "accounts:user_create": Entry(ADMIN),
    "accounts:user_edit": Entry(ADMIN, "user"),
    "recruiting:candidate_list": Entry(MEMBER),
    "recruiting:candidate_create": Entry(PLANNER),
    "recruiting:candidate_detail": Entry(MEMBER, "candidate"),
    "recruiting:application_create": Entry(PLANNER, "candidate"),
    # GDPR (issue 15): recruiters only when the company allows it (off by default).
    "recruiting:candidate_erase": Entry(ADMIN, "candidate"),
    "recruiting:application_status": Entry(PLANNER, "application"),
    "recruiting:privacy": Entry(ADMIN),
    "recruiting:application_detail": Entry(MEMBER, "application"),
    "recruiting:appointment_create": Entry(PLANNER, "application"),
    "recruiting:proposal_create": Entry(PLANNER, "application"),
    "recruiting:appointment_list": Entry(MEMBER),
    "recruiting:appointment_detail": Entry(MEMBER, "appointment"),
    "recruiting:appointment_edit": Entry(PLANNER, "appointment"),
    "recruiting:appointment_cancel": Entry(PLANNER, "appointment"),
    "recruiting:appointment_email_preview": Entry(MEMBER, "appointment"),
    "recruiting:proposal_detail": Entry(MEMBER, "proposal"),
    "recruiting:proposal_withdraw": Entry(PLANNER, "proposal"),
    "recruiting:candidate_proposal": Entry(PUBLIC, "token"),
    # The token-free page after the link's exchange: the browser session's nonce decides.
    "recruiting:candidate_proposal_page": Entry(PUBLIC, "session"),
    "calendar_integration:connect": Entry(PLANNER),
    "calendar_integration:connect_start": Entry(PLANNER),
    # Microsoft's redirect: sends anonymous users to the login, checks the flow's owner.
    "calendar_integration:callback": Entry(PUBLIC),
    "calendar_integration:disconnect": Entry(PLANNER),
    "calendar_integration:check": Entry(PLANNER),
    "calendar_integration:admin_info": Entry(PLANNER),
    "calendar_integration:overview": Entry(ADMIN),
    "calendar_integration:sync_status": Entry(MEMBER, "appointment"),
    "calendar_integration:sync_retry": Entry(PLANNER, "appointment", post_only=True),
    "calendar_integration:sync_teams_retry": Entry(PLANNER, "appointment", post_only=True),
    "calendar_integration:sync_reapply": Entry(PLANNER, "appointment", post_only=True),
    "calendar_integration:sync_move": Entry(PLANNER, "appointment", post_only=True),
    # Observers may report a problem too (a note to the EBMS team, no change to the event).
    "calendar_integration:sync_report": Entry(MEMBER, "appointment", post_only=True),
    "calendar_integration:sync_problems": Entry(ADMIN),
    # Microsoft Graph's callbacks (issue 13): public, POST only, a body must carry the
    # subscription's secret clientState (tests/contract/test_push_product.py).
    "calendar_integration:sync_notifications": Entry(PUBLIC, post_only=True),
    "calendar_integration:sync_lifecycle": Entry(PUBLIC, post_only=True),
    # The picker takes ids in its query (appointment, recruiter): test_cross_company checks them.
    "calendar_integration:availability_picker": Entry(PLANNER),
    "calendar_integration:availability_next_slot": Entry(PLANNER),
    "calendar_integration:availability_rooms": Entry(PLANNER),
    "calendar_integration:availability_rooms_refresh": Entry(PLANNER, post_only=True),
    "mail:list": Entry(DEBUG),
    "mail:detail": Entry(DEBUG, "mail"),
    "mail:html": Entry(DEBUG, "mail"),
    "mail:ics": Entry(DEBUG, "mail"),
    "favicon": Entry(PUBLIC),
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str

    @property
    def has_argument(self) -> bool:
        return "<" in self.route


def _walk(patterns, prefix: str = "", namespaces: tuple = ()) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name or f"<unnamed {pattern.pattern}>"))
            yield Route(name=name, route=prefix + str(pattern.pattern))


def product_routes() -> list[Route]:
    """Every URL of the product (simulator and Django admin left out)."""
    return [
        route
        for route in _walk(get_resolver().url_patterns)
        if route.name.split(":")[0] not in EXCLUDED_NAMESPACES
    ]


def names(*, access: tuple[str, ...] | None = None, with_id: bool | None = None) -> list[str]:
    """Catalogue names filtered by access level and by taking an object id (not a token)."""
    found = []
    for name, entry in CATALOGUE.items():
        if access is not None and entry.access not in access:
            continue
        takes_id = entry.obj not in (None, "token", "session")
        if with_id is not None and takes_id != with_id:
            continue
        found.append(name)
    return sorted(found)
