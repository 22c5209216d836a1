"""What Exchange does after the request answered: room answers, attendee responses, late
Teams join URLs (PendingChange rows with a due time on the simulator clock).

- Rooms: the resource booking assistant processes the meeting request after the create or
  time change; until then the organizer's copy shows the room's response as "none"
  (https://learn.microsoft.com/graph/api/user-post-events, intro on booking rooms).
- Attendees answer whenever they like; their response (and a proposed new time,
  resources/attendee `proposedNewTime`) appears on the organizer's event
  (resources/responsestatus).
- Teams: a create may answer without `onlineMeeting`; the URL appears on the event later
  (resources/onlinemeetinginfo; microsoft-graph-docs issues 9741, 12937).

No background thread: `apply_due()` runs at the start of every Graph request and ops page,
so anything that reads after the due time sees the change. Each row is claimed by deleting
it, so two concurrent requests never apply the same change twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from m365sim import clock
from m365sim.models import Event, Mailbox, PendingChange

from .timezones import format_in

DB = "m365sim"
RESPONSES = ("accepted", "tentativelyAccepted", "declined")
JOIN_URL_DELAY = timedelta(seconds=30)

__all__ = [
    "JOIN_URL_DELAY",
    "apply_due",
    "attendee_answer_schedule",
    "join_url_schedule",
    "room_answer_schedule",
]


def room_answer_schedule(event: Event, room: Mailbox) -> None:
    """The room answers `room.answer_delay_seconds` after this write (an older request of
    the same meeting is superseded: the booking assistant processes the latest)."""
    PendingChange.objects.filter(
        event=event, kind=PendingChange.Kind.ROOM_ANSWER, attendee=room
    ).delete()
    PendingChange.objects.create(
        event=event,
        kind=PendingChange.Kind.ROOM_ANSWER,
        attendee=room,
        due_at=clock.now() + timedelta(seconds=room.answer_delay_seconds),
    )


def attendee_answer_schedule(
    *,
    event: Event,
    attendee: Mailbox,
    response: str,
    after: timedelta = timedelta(0),
    proposed_start: datetime | None = None,
    proposed_end: datetime | None = None,
) -> PendingChange:
    """An attendee answers the organizer's `event` after `after` (simulated time)."""
    if response not in RESPONSES:
        raise ValueError(f"response must be one of {RESPONSES}")
    if proposed_start is not None and not event.allow_new_time_proposals:
        raise ValueError("the organizer does not allow new time proposals")
    addresses = {a["emailAddress"]["address"].lower() for a in event.attendees}
    if attendee.email not in addresses:
        raise ValueError(f"{attendee.email} is not invited")
    return PendingChange.objects.create(
        event=event,
        kind=PendingChange.Kind.ATTENDEE_ANSWER,
        attendee=attendee,
        response=response,
        proposed_start=proposed_start,
        proposed_end=proposed_end,
        due_at=clock.now() + after,
    )


def join_url_schedule(event: Event, *, after: timedelta = JOIN_URL_DELAY) -> None:
    PendingChange.objects.create(
        event=event, kind=PendingChange.Kind.JOIN_URL, due_at=clock.now() + after
    )


def apply_due(now: datetime | None = None) -> int:
    """Apply every change due by `now` (simulator clock); returns how many were applied."""
    now = now or clock.now()
    applied = 0
    for change in PendingChange.objects.filter(due_at__lte=now).select_related(
        "event__mailbox", "attendee"
    ):
        with transaction.atomic(using=DB):
            if not PendingChange.objects.filter(pk=change.pk).delete()[0]:
                continue  # another request applied it
            _apply(change)
        applied += 1
    return applied


def _apply(change: PendingChange) -> None:
    from . import events  # events imports us

    # Locked and read fresh: a PATCH that committed meanwhile (new attendees, new time) is
    # what the answer applies to; only the one attendee's status is written back.
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("mailbox")
        .filter(pk=change.event_id)
        .first()
    )
    if event is None:
        return
    if change.kind == PendingChange.Kind.JOIN_URL:
        events.meeting_arrives(event)
    elif change.kind == PendingChange.Kind.ROOM_ANSWER:
        _set_status(event, change.attendee, events.room_answer(event, change.attendee))
    else:
        _attendee_answers(event, change)


def _attendee_answers(event: Event, change: PendingChange) -> None:
    now = clock.now()
    status = {"response": change.response, "time": _stamp(now)}
    extra = {}
    if change.proposed_start and change.proposed_end:
        tz = event.original_start_tz or "UTC"
        extra["proposedNewTime"] = {
            "start": format_in(change.proposed_start, tz),
            "end": format_in(change.proposed_end, tz),
        }
    copy = Event.objects.filter(mailbox=change.attendee, ical_uid=event.ical_uid).first()
    if copy is not None:
        copy.response = change.response
        copy.response_time = now
        copy.show_as = {"accepted": "busy", "declined": "free"}.get(change.response, "tentative")
        copy.modified_at = now
        copy.save()
    _set_status(event, change.attendee, status, extra)


def _set_status(event: Event, mailbox: Mailbox, status: dict, extra: dict | None = None) -> None:
    from .events import new_change_key

    for attendee in event.attendees:
        if attendee["emailAddress"]["address"].lower() == mailbox.email:
            attendee["status"] = status
            attendee.pop("proposedNewTime", None)
            attendee.update(extra or {})
    Event.objects.filter(pk=event.pk).update(
        attendees=event.attendees, change_key=new_change_key(), modified_at=clock.now()
    )
    from .changes import touched

    touched(event.pk)


def _stamp(value: datetime) -> str:
    from .serializers import graph_timestamp

    return graph_timestamp(value)
