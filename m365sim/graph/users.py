"""GET /me, GET /users/{id|userPrincipalName}, GET /me/calendar.

Shapes: https://learn.microsoft.com/graph/api/user-get (default property set) and
https://learn.microsoft.com/graph/api/calendar-get (allowedOnlineMeetingProviders,
defaultOnlineMeetingProvider: https://learn.microsoft.com/graph/outlook-calendar-online-meetings).
"""

from __future__ import annotations

import base64
import hashlib

from m365sim.models import Mailbox

from .auth import CALENDAR_READ, USER_READ_OTHERS, USER_READ_SELF, require
from .context import Ctx
from .core import GRAPH_ROOT, GraphResponse
from .errors import GraphError
from .odata import apply_select


def user_json(mailbox: Mailbox) -> dict:
    return {
        "businessPhones": [],
        "displayName": mailbox.display_name,
        "givenName": mailbox.given_name or None,
        "jobTitle": mailbox.job_title or None,
        "mail": mailbox.email if mailbox.mailbox_enabled else None,
        "mobilePhone": None,
        "officeLocation": None,
        "preferredLanguage": None,
        "surname": mailbox.surname or None,
        "userPrincipalName": mailbox.email,
        "id": str(mailbox.object_id),
    }


def user_get(ctx: Ctx) -> GraphResponse:
    target = ctx.target
    if target.pk == ctx.caller.mailbox_id:
        require(ctx.caller, USER_READ_SELF)
    elif not ctx.caller.has_any(USER_READ_OTHERS):
        # Directory objects answer with Entra's code, not Exchange's.
        raise GraphError(
            403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
        )
    body = {"@odata.context": f"{GRAPH_ROOT}/$metadata#users/$entity", **user_json(target)}
    return GraphResponse(200, apply_select(body, ctx.req.query))


def calendar_id(mailbox: Mailbox) -> str:
    digest = hashlib.sha256(f"calendar:{mailbox.object_id}".encode()).digest()
    return "AAMkA" + base64.urlsafe_b64encode(digest).decode()


def calendar_get(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_READ)
    mailbox = ctx.target
    teams = mailbox.teams_licensed and not mailbox.is_room
    body = {
        "@odata.context": f"{GRAPH_ROOT}/$metadata#users('{mailbox.object_id}')/calendar/$entity",
        # calendar-get.md example: users('{oid}@{tid}')/calendars('{id}')
        "@odata.id": f"{GRAPH_ROOT}/users('{mailbox.object_id}@{mailbox.tenant_id}')"
        f"/calendars('{calendar_id(mailbox)}')",
        "id": calendar_id(mailbox),
        "name": "Kalender",
        "color": "auto",
        "hexColor": "",
        "isDefaultCalendar": True,
        "changeKey": base64.b64encode(hashlib.md5(mailbox.email.encode()).digest()).decode(),  # noqa: S324
        "canShare": True,
        "canViewPrivateItems": True,
        "canEdit": True,
        "isRemovable": False,
        "isTallyingResponses": True,
        # Without a Teams licence the calendar offers no online meeting provider.
        "allowedOnlineMeetingProviders": ["teamsForBusiness"] if teams else [],
        "defaultOnlineMeetingProvider": "teamsForBusiness" if teams else "unknown",
        "owner": {"name": mailbox.display_name, "address": mailbox.email},
    }
    return GraphResponse(200, apply_select(body, ctx.req.query))
