"""POST /me/calendar/getSchedule: free/busy of users, rooms and equipment.

Request/response: https://learn.microsoft.com/graph/api/calendar-getschedule and
https://learn.microsoft.com/graph/outlook-get-free-busy-schedule. Limits: at most 100
addresses (ErrorMailboxDataArrayTooBig, github.com/microsoftgraph/microsoft-graph-docs
issue 7047), interval 5..1440 minutes (ErrorInvalidMergedFreeBusyInterval, issue 6450),
window at most 42 days (EWS ErrorTimeIntervalTooBig). An address that cannot be answered
comes back inside the 200 with `error` {message, responseCode} (issue 11225).
availabilityView: 0 free, 1 tentative, 2 busy, 3 oof; working elsewhere is reported as 0
"for backward compatibility" (https://learn.microsoft.com/graph/api/resources/scheduleinformation).
"""

from __future__ import annotations

import math
from datetime import timedelta

from m365sim.models import Event, Mailbox

from .auth import SCHEDULE_READ, require
from .context import Ctx
from .core import GRAPH_ROOT, GraphResponse
from .errors import GraphError
from .timezones import format_in, parse_local, zone_or_400

MAX_SCHEDULES = 100
MAX_WINDOW = timedelta(days=42)
DIGIT = {"free": "0", "workingElsewhere": "0", "tentative": "1", "busy": "2", "oof": "3"}
RANK = {"free": 0, "workingElsewhere": 0, "tentative": 1, "busy": 2, "oof": 3}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def _when(raw, label: str):
    if not isinstance(raw, dict):
        raise GraphError(400, "ErrorInvalidParameter", f"The parameter '{label}' is missing.")
    low = {k.lower(): v for k, v in raw.items()}
    tz_name = low.get("timezone") or "UTC"
    zone_or_400(tz_name)
    return parse_local(low.get("datetime"), tz_name)


def _interval(raw) -> int:
    if raw is None:
        return 30
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise GraphError(400, "BadRequest", f"Cannot convert the literal '{raw}' to Edm.Int32.")


def get_schedule(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, SCHEDULE_READ)
    body = {k.lower(): v for k, v in ctx.json_body().items()}
    schedules = body.get("schedules")
    if not isinstance(schedules, list) or not schedules:
        raise GraphError(400, "ErrorInvalidParameter", "The parameter 'Schedules' is missing.")
    if len(schedules) > MAX_SCHEDULES:
        raise GraphError(
            400,
            "ErrorMailboxDataArrayTooBig",
            "There are too many target users in the EmailAddress array. The allowed size = "
            f"{MAX_SCHEDULES}; the actual size = {len(schedules)}.",
        )
    start = _when(body.get("starttime"), "StartTime")
    end = _when(body.get("endtime"), "EndTime")
    if end <= start:
        raise GraphError(
            400, "ErrorInvalidTimeInterval", "The end time must be after the start time."
        )
    if end - start > MAX_WINDOW:
        raise GraphError(
            400,
            "ErrorTimeIntervalTooBig",
            "The time window specified is larger than the allowed limit. The allowed limit is 42 "
            "days.",
        )
    interval = _interval(body.get("availabilityviewinterval"))
    if not 5 <= interval <= 1440 or timedelta(minutes=interval) > end - start:
        raise GraphError(
            400,
            "ErrorInvalidMergedFreeBusyInterval",
            "The specified merged free/busy interval is not valid. Specify an interval that is "
            "less than the free/busy time window and  between 5 and 1440 minutes.",
        )
    tz = ctx.response_tz()
    caller = ctx.caller_mailbox
    mailboxes = {
        m.email: m
        for m in Mailbox.objects.filter(
            tenant_id=caller.tenant_id, email__in=[str(s).strip().lower() for s in schedules]
        )
    }
    value = [
        _one(
            str(address),
            mailboxes.get(str(address).strip().lower()),
            caller,
            start,
            end,
            interval,
            tz,
        )
        for address in schedules
    ]
    return GraphResponse(
        200,
        {
            "@odata.context": f"{GRAPH_ROOT}/$metadata#Collection(microsoft.graph.scheduleInformation)",
            "value": value,
        },
    )


def _one(address, mailbox, caller, start, end, interval, tz) -> dict:
    if mailbox is None or not mailbox.mailbox_enabled:
        return {
            "scheduleId": address,
            "error": {
                "message": f"Unable to resolve e-mail address {address} to an Active Directory "
                "object.",
                "responseCode": "5009",
            },
        }
    own = mailbox.pk == caller.pk
    if not own and not mailbox.freebusy_shared:
        return {
            "scheduleId": address,
            "error": {
                "message": "Microsoft.Exchange.InfoWorker.Common.Availability."
                "NoFreeBusyAccessException: No free/busy access for the requested mailbox.",
                "responseCode": "ErrorNoFreeBusyAccess",
            },
        }
    busy = list(
        Event.objects.filter(mailbox=mailbox, is_cancelled=False, start__lt=end, end__gt=start)
        .exclude(show_as="free")
        .order_by("start", "pk")
    )
    slots = math.ceil((end - start) / timedelta(minutes=interval))
    view = []
    for i in range(slots):
        s = start + timedelta(minutes=interval * i)
        e = min(s + timedelta(minutes=interval), end)
        statuses = [ev.show_as for ev in busy if ev.start < e and ev.end > s]
        top = max(statuses, key=lambda st: RANK.get(st, 0), default="free")
        view.append(DIGIT.get(top, "0"))
    items = []
    for ev in busy:
        item = {
            "isPrivate": ev.sensitivity == "private",
            "status": ev.show_as,
            "isMeeting": bool(ev.attendees),
            "isRecurring": False,
            "isException": False,
            "isReminderSet": ev.is_reminder_on,
            "start": format_in(ev.start, tz),
            "end": format_in(ev.end, tz),
        }
        if own:
            # Others' calendars share free/busy only (Exchange's default "AvailabilityOnly").
            item["subject"] = ev.subject
            item["location"] = (ev.location or {}).get("displayName", "")
        items.append(item)
    return {
        "scheduleId": address,
        "availabilityView": "".join(view),
        "scheduleItems": items,
        "workingHours": {
            "daysOfWeek": WEEKDAYS,
            "startTime": "08:00:00.0000000",
            "endTime": "17:00:00.0000000",
            "timeZone": {"name": mailbox.time_zone or "W. Europe Standard Time"},
        },
    }
