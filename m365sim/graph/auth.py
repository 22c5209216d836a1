"""Bearer token check and per-endpoint scopes.

401 InvalidAuthenticationToken and 403 ErrorAccessDenied as Graph sends them
(https://learn.microsoft.com/graph/errors; https://learn.microsoft.com/graph/resolve-auth-errors).
Scopes per endpoint follow each API page's permissions table.
"""

from __future__ import annotations

from m365sim.models import Mailbox
from m365sim.tokens import InvalidAccessToken, validate_access_token

from .core import Caller, Headers
from .errors import GraphError

# Least privileged first; any of them is enough (the API pages' permission tables).
CALENDAR_READ = ("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite")
CALENDAR_WRITE = ("Calendars.ReadWrite",)
# https://learn.microsoft.com/graph/api/calendar-getschedule
SCHEDULE_READ = ("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite")
# https://learn.microsoft.com/graph/api/user-get
USER_READ_SELF = (
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
)
USER_READ_OTHERS = (
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
)
# https://learn.microsoft.com/graph/api/place-list
PLACE_READ = ("Place.Read.All", "Place.ReadWrite.All")

_MESSAGES = {
    "missing": "Access token is empty.",
    "malformed": "IDX14100: JWT is not well formed, there are no dots (.).",
    "bad_signature": "Access token validation failure. Invalid signature.",
    "wrong_audience": "Access token validation failure. Invalid audience.",
    "expired": "Access token has expired or is not yet valid.",
    "not_yet_valid": "Access token has expired or is not yet valid.",
    "unknown_user": "Access token validation failure. Invalid user.",
}


def _unauthorized(reason: str) -> GraphError:
    return GraphError(
        401,
        "InvalidAuthenticationToken",
        _MESSAGES.get(reason, _MESSAGES["malformed"]),
        headers={
            "WWW-Authenticate": 'Bearer realm="", authorization_uri='
            '"https://login.microsoftonline.com/common/oauth2/authorize", '
            'client_id="00000003-0000-0000-c000-000000000000"'
        },
    )


def authenticate(headers: Headers) -> Caller:
    """The caller of a request, or GraphError 401."""
    raw = headers.get("authorization", "")
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("missing")
    try:
        claims = validate_access_token(token.strip())
    except InvalidAccessToken as exc:
        raise _unauthorized(exc.reason)
    mailbox = Mailbox.objects.filter(
        object_id=claims.get("oid"), tenant_id=claims.get("tid")
    ).first()
    if mailbox is None or not mailbox.account_enabled:
        raise _unauthorized("unknown_user")
    scopes = frozenset(str(claims.get("scp", "")).split())
    return Caller(
        tenant_id=str(mailbox.tenant_id),
        mailbox_id=mailbox.pk,
        upn=mailbox.email,
        scopes=scopes,
        app_id=str(claims.get("appid") or claims.get("azp") or ""),
    )


def require(caller: Caller, scopes: tuple[str, ...]) -> None:
    if not caller.has_any(scopes):
        raise GraphError(
            403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
        )
