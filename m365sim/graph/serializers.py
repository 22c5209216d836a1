"""Event -> Graph JSON, shaped like the examples in
https://learn.microsoft.com/graph/api/user-post-events and
https://learn.microsoft.com/graph/api/resources/event.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import quote

from m365sim.models import Event

from .core import GRAPH_ROOT
from .odata import apply_select
from .timezones import format_in

NEVER = "0001-01-01T00:00:00Z"
_TAGS = re.compile(r"<(script|style|head)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def graph_timestamp(value: datetime | None) -> str:
    """2017-08-30T07:06:33.8673345Z (UTC, 7 fractional digits)."""
    if value is None:
        return NEVER
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0Z"


def body_preview(event: Event) -> str:
    text = event.body_content
    if event.body_content_type == "html":
        text = html.unescape(_TAGS.sub(" ", text))
    return " ".join(text.split())[:255]


def event_json(
    event: Event,
    *,
    tz: str = "UTC",
    query: dict | None = None,
    expand_ids: list[str] | None = None,
    context: str | None = None,
    immutable: bool = False,
) -> dict:
    query = query or {}
    oid = event.mailbox.object_id
    item_id = event.immutable_id if immutable and event.immutable_id else event.graph_id
    item: dict = {}
    if context is not None:
        item["@odata.context"] = context
    item.update(
        {
            "@odata.etag": f'W/"{event.change_key}"',
            "id": item_id,
            "createdDateTime": graph_timestamp(event.created_at),
            "lastModifiedDateTime": graph_timestamp(event.modified_at),
            "changeKey": event.change_key,
            "categories": list(event.categories),
            "transactionId": event.transaction_id,
            "originalStartTimeZone": event.original_start_tz,
            "originalEndTimeZone": event.original_end_tz,
            "iCalUId": event.ical_uid,
            "uid": event.ical_uid,
            "reminderMinutesBeforeStart": event.reminder_minutes,
            "isReminderOn": event.is_reminder_on,
            "hasAttachments": False,
            "subject": event.subject,
            "bodyPreview": body_preview(event),
            "importance": event.importance,
            "sensitivity": event.sensitivity,
            "isAllDay": event.is_all_day,
            "isCancelled": event.is_cancelled,
            "isOrganizer": event.is_organizer,
            "responseRequested": event.response_requested,
            "seriesMasterId": None,
            "showAs": event.show_as,
            "type": "singleInstance",
            "webLink": "https://outlook.office365.com/owa/?itemid="
            + quote(item_id, safe="")
            + "&exvsurl=1&path=/calendar/item",
            "onlineMeetingUrl": None,
            "isOnlineMeeting": event.is_online_meeting,
            "onlineMeetingProvider": event.online_meeting_provider,
            "allowNewTimeProposals": event.allow_new_time_proposals,
            "occurrenceId": None,
            "isDraft": False,
            "hideAttendees": event.hide_attendees,
            "responseStatus": {
                "response": event.response,
                "time": graph_timestamp(event.response_time),
            },
            "body": {"contentType": event.body_content_type, "content": event.body_content},
            "start": format_in(event.start, tz),
            "end": format_in(event.end, tz),
            "location": event.location or empty_location(),
            "locations": list(event.locations),
            "recurrence": None,
            "attendees": list(event.attendees),
            "organizer": {
                "emailAddress": {"name": event.organizer_name, "address": event.organizer_address}
            },
            "onlineMeeting": event.online_meeting,
        }
    )
    if expand_ids is not None:
        wanted = {i.lower() for i in expand_ids}
        props = [
            {"id": p["id"], "value": p["value"]}
            for p in event.extended_properties
            if not wanted or str(p.get("id", "")).lower() in wanted
        ]
        item["singleValueExtendedProperties@odata.context"] = (
            f"{GRAPH_ROOT}/$metadata#users('{oid}')/events('{item_id}')"
            "/singleValueExtendedProperties"
        )
        item["singleValueExtendedProperties"] = props
    return apply_select(item, query)


def empty_location() -> dict:
    return {
        "displayName": "",
        "locationType": "default",
        "uniqueIdType": "unknown",
        "address": {},
        "coordinates": {},
    }
