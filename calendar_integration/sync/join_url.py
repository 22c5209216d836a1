"""Teams join information from an event read back from Graph: the join URL (onlineMeeting
.joinUrl, resources/onlinemeetinginfo) and Microsoft's join block in the body.

A create can answer `isOnlineMeeting: true` without `onlineMeeting` (microsoft-graph-docs
issues 9741, 12937): the record waits as "Teams-Link ausstehend" and followup.py reads the
event again until the URL is there; then the join information replaces the placeholder and
recruiting sends the candidate's invitation.
"""

from __future__ import annotations

from django.utils import timezone

from ebms.recruiting.models import Appointment
from ebms.recruiting.services import appointment_join_info_set

from .models import CalendarEvent
from .payloads import join_block_extract, join_text

__all__ = ["join_fields", "join_url_of", "promised_without_url"]


def join_url_of(event: dict) -> str:
    return (event.get("onlineMeeting") or {}).get("joinUrl") or ""


def promised_without_url(event: dict) -> bool:
    """The event is a Teams meeting whose join URL Exchange has not filled in yet."""
    return bool(event.get("isOnlineMeeting")) and not join_url_of(event)


def join_fields(record: CalendarEvent, appointment: Appointment, event: dict) -> dict:
    """Record fields for the join URL the event carries; hands it to recruiting when new."""
    url = join_url_of(event)
    if not url:
        return {}
    block = join_block_extract((event.get("body") or {}).get("content", "")) or record.join_block
    fields = {"join_url": url, "join_block": block, "teams_missing": False, "teams_pending": False}
    if record.join_url and record.join_url != url:
        fields["join_url_changed_at"] = timezone.now()
    if appointment.join_url != url:
        appointment_join_info_set(
            appointment=appointment,
            join_url=url,
            join_info_html=block,
            join_info_text=join_text(block, url),
        )
    return fields
