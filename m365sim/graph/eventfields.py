"""Parsing of event properties sent in POST/PATCH bodies (event resource, writable part).

Property names are matched case-insensitively and enum values are answered in lower camel
case, as Graph does (https://learn.microsoft.com/graph/api/resources/event).
"""

from __future__ import annotations

from m365sim.models import Event, Mailbox

from .errors import GraphError
from .timezones import parse_local, zone_or_400

WRITABLE = (
    "subject",
    "body",
    "start",
    "end",
    "location",
    "locations",
    "attendees",
    "isAllDay",
    "isOnlineMeeting",
    "onlineMeetingProvider",
    "showAs",
    "sensitivity",
    "importance",
    "categories",
    "responseRequested",
    "allowNewTimeProposals",
    "hideAttendees",
    "isReminderOn",
    "reminderMinutesBeforeStart",
    "transactionId",
    "singleValueExtendedProperties",
)
_CANON = {name.lower(): name for name in WRITABLE}
_ENUMS = {
    "showAs": {"free", "tentative", "busy", "oof", "workingelsewhere", "unknown"},
    "sensitivity": {"normal", "personal", "private", "confidential"},
    "importance": {"low", "normal", "high"},
}
_CAMEL = {"workingelsewhere": "workingElsewhere"}
_ATTENDEE_TYPES = {"required", "optional", "resource"}


def canonical(data: dict) -> dict:
    """Top-level keys in Graph's spelling; unknown keys are kept as sent."""
    return {_CANON.get(str(k).lower(), k): v for k, v in data.items()}


def _invalid(message: str) -> GraphError:
    return GraphError(400, "ErrorInvalidRequest", message)


def _enum(name: str, value) -> str:
    low = str(value or "").lower()
    if low not in _ENUMS[name]:
        raise GraphError(
            400,
            "BadRequest",
            f"Cannot convert the literal '{value}' to the expected type 'microsoft.graph.{name}'.",
        )
    return _CAMEL.get(low, low)


def _location(raw, tenant_id) -> dict:
    if not isinstance(raw, dict):
        raise _invalid("Invalid location.")
    name = str(raw.get("displayName") or "")
    email = str(raw.get("locationEmailAddress") or "").lower()
    room = (
        Mailbox.objects.filter(tenant_id=tenant_id, email=email, kind="room").first()
        if email
        else None
    )
    loc = {"displayName": name, "locationType": "conferenceRoom" if room else "default"}
    if email:
        loc["locationEmailAddress"] = email
    if name or email:
        loc["uniqueId"] = email or name
        loc["uniqueIdType"] = "directory" if room else "private"
    else:
        loc["uniqueIdType"] = "unknown"
    loc["address"] = raw.get("address") or {}
    loc["coordinates"] = raw.get("coordinates") or {}
    return loc


def normalise_attendees(raw, *, tenant_id) -> list[dict]:
    if not isinstance(raw, list):
        raise _invalid("attendees must be a collection.")
    names = {
        m.email: m.display_name
        for m in Mailbox.objects.filter(
            tenant_id=tenant_id,
            email__in=[
                str((a.get("emailAddress") or {}).get("address") or "").lower()
                for a in raw
                if isinstance(a, dict)
            ],
        )
    }
    out, seen = [], set()
    for item in raw:
        email = (item or {}).get("emailAddress") or {}
        address = str(email.get("address") or "").strip()
        if not address or "@" not in address:
            raise GraphError(
                400,
                "ErrorInvalidRecipients",
                "At least one recipient isn't valid., A message "
                "can't be sent because it contains no recipients.",
            )
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        kind = str(item.get("type") or "required").lower()  # default type is required
        if kind not in _ATTENDEE_TYPES:
            raise GraphError(
                400,
                "BadRequest",
                f"Cannot convert the literal '{item.get('type')}' to the "
                "expected type 'microsoft.graph.attendeeType'.",
            )
        out.append(
            {
                "type": kind,
                "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                "emailAddress": {
                    "name": email.get("name") or names.get(address.lower()) or address,
                    "address": address,
                },
            }
        )
    return out


def apply_fields(event: Event, data: dict, *, tenant_id, creating: bool) -> None:
    """Set the given writable properties on `event` (PATCH semantics: only those sent)."""
    if "subject" in data:
        event.subject = str(data["subject"] or "")[:255]
    if "body" in data:
        body = data["body"] or {}
        kind = str(body.get("contentType") or "text").lower()
        if kind not in ("html", "text"):
            raise _invalid("Invalid body contentType.")
        event.body_content_type = kind
        event.body_content = str(body.get("content") or "")
    for key in ("start", "end"):
        if key in data:
            value = data[key]
            if not isinstance(value, dict):
                raise _invalid(f"Invalid {key} value.")
            tz_name = value.get("timeZone") or "UTC"
            zone_or_400(tz_name)
            when = parse_local(value.get("dateTime"), tz_name)
            setattr(event, key, when)
            setattr(event, f"original_{key}_tz", tz_name)
    if event.start and event.end and event.end < event.start:
        raise _invalid(
            "Your request can't be completed. The end time must be after the start time."
        )
    if "location" in data:
        event.location = _location(data["location"] or {}, tenant_id)
        event.locations = [event.location] if event.location.get("displayName") else []
    if "locations" in data and isinstance(data["locations"], list):
        event.locations = [_location(loc, tenant_id) for loc in data["locations"]]
        if "location" not in data and event.locations:
            names = "; ".join(loc["displayName"] for loc in event.locations)
            event.location = _location({"displayName": names}, tenant_id)
    if "attendees" in data:
        event.attendees = normalise_attendees(data["attendees"] or [], tenant_id=tenant_id)
    for key, field in (
        ("isAllDay", "is_all_day"),
        ("responseRequested", "response_requested"),
        ("allowNewTimeProposals", "allow_new_time_proposals"),
        ("hideAttendees", "hide_attendees"),
        ("isReminderOn", "is_reminder_on"),
    ):
        if key in data:
            setattr(event, field, bool(data[key]))
    for key, field in (
        ("showAs", "show_as"),
        ("sensitivity", "sensitivity"),
        ("importance", "importance"),
    ):
        if key in data:
            setattr(event, field, _enum(key, data[key]))
    if "categories" in data:
        event.categories = [str(c) for c in (data["categories"] or [])]
    if "reminderMinutesBeforeStart" in data:
        event.reminder_minutes = int(data["reminderMinutesBeforeStart"] or 0)
    if "singleValueExtendedProperties" in data:
        props = {p["id"].lower(): p for p in (event.extended_properties or [])}
        for prop in data["singleValueExtendedProperties"] or []:
            if not isinstance(prop, dict) or not prop.get("id"):
                raise _invalid("Invalid singleValueExtendedProperties.")
            props[str(prop["id"]).lower()] = {
                "id": str(prop["id"]),
                "value": str(prop.get("value")),
            }
        event.extended_properties = list(props.values())
    if creating and not event.locations and event.location.get("displayName"):
        event.locations = [event.location]
