"""Event writes (services): create with transactionId, update, cancel, delete, and the
propagation to attendee copies and room mailboxes.

Behaviour follows https://learn.microsoft.com/graph/api/user-post-events (201, invitations
sent at once, transactionId), event-update (partial PATCH), event-cancel (organizer only,
202) and event-delete (204). Rooms answer per their calendar processing policy and
free/busy, as Exchange's resource booking assistant does.
"""

from __future__ import annotations

import base64
import html
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction

from m365sim import clock
from m365sim.models import AutoAcceptPolicy, BookingType, Event, Mailbox

from . import later, teams
from .errors import GraphError
from .eventfields import apply_fields, normalise_attendees

DB = "m365sim"
# How long a transactionId is remembered per mailbox. Microsoft documents the purpose
# (avoid redundant POSTs of a retried create, resources/event) but no window; we choose
# 24 hours: longer than any client's retry series, short enough that a product must not
# rely on it for a later re-create (docs/m365sim-graph.md).
TRANSACTION_ID_WINDOW = timedelta(hours=24)


def new_graph_id() -> str:
    # REST ids are URL-safe base64 (they still end in "=").
    return "AAMkA" + base64.urlsafe_b64encode(secrets.token_bytes(71)).decode()


def new_ical_uid() -> str:
    return "040000008200E00074C5B7101A82E00800000000" + secrets.token_hex(28).upper()


def new_change_key() -> str:
    return base64.b64encode(secrets.token_bytes(15)).decode()


def wrap_html(content: str) -> str:
    if "<html" in content.lower():
        return content
    return f"<html>\r\n<head>\r\n</head>\r\n<body>\r\n{content}\r\n</body>\r\n</html>\r\n"


def _as_html(event: Event) -> None:
    if event.body_content_type == "text":
        escaped = html.escape(event.body_content).replace("\n", "<br>\r\n")
        event.body_content = wrap_html(escaped)
        event.body_content_type = "html"


def _add_meeting(event: Event, organizer: Mailbox) -> None:
    event.online_meeting = teams.new_meeting(organizer)
    event.is_online_meeting = True
    event.online_meeting_provider = "teamsForBusiness"
    _as_html(event)
    event.body_content = teams.append_block(wrap_html(event.body_content), event.online_meeting)


def _drop_meeting(event: Event) -> None:
    event.is_online_meeting = False
    event.online_meeting_provider = "unknown"
    event.online_meeting = None


def _wants_teams(data: dict, organizer: Mailbox) -> bool:
    provider = data.get("onlineMeetingProvider") or (
        "teamsForBusiness" if organizer.teams_licensed else "unknown"
    )
    return bool(data.get("isOnlineMeeting")) and str(provider).lower() == "teamsforbusiness"


def event_create(
    *, organizer: Mailbox, data: dict, join_url_late: timedelta | None = None
) -> tuple[Event, bool]:
    """Create the organizer's event and the copies; (event, created). A known
    transactionId in this mailbox returns the existing event instead. `join_url_late`: the
    Teams meeting is promised (isOnlineMeeting true) but its join URL arrives that much later."""
    transaction_id = data.get("transactionId") or None
    if transaction_id:
        existing = Event.objects.filter(mailbox=organizer, transaction_id=transaction_id).first()
        if existing is not None and existing.created_at >= clock.now() - TRANSACTION_ID_WINDOW:
            return existing, False
        if existing is not None:
            # Forgotten after the window: the old event keeps existing, the id is free again.
            Event.objects.filter(pk=existing.pk).update(transaction_id=None)
    now = clock.now()
    event = Event(
        mailbox=organizer,
        graph_id=new_graph_id(),
        ical_uid=new_ical_uid(),
        transaction_id=transaction_id,
        change_key=new_change_key(),
        created_at=now,
        modified_at=now,
        organizer_name=organizer.display_name,
        organizer_address=organizer.email,
        is_organizer=True,
        response="organizer",
    )
    if "start" not in data or "end" not in data:
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. The event requires a start and an end time.",
        )
    apply_fields(event, data, tenant_id=organizer.tenant_id, creating=True)
    if event.body_content_type == "html":
        event.body_content = wrap_html(event.body_content)
    # Teams only for licensed organizers; otherwise the event is created without a meeting
    # (isOnlineMeeting false, provider unknown), as Outlook does.
    late = False
    if _wants_teams(data, organizer) and organizer.teams_licensed:
        if join_url_late is None:
            _add_meeting(event, organizer)
        else:
            event.is_online_meeting, event.online_meeting_provider = True, "teamsForBusiness"
            late = True
    try:
        with transaction.atomic(using=DB):
            event.save()
    except IntegrityError:
        existing = Event.objects.filter(mailbox=organizer, transaction_id=transaction_id).first()
        if existing is None:
            raise
        return existing, False
    sync_copies(event, previous=[], time_changed=True)
    if late:
        later.join_url_schedule(event, after=join_url_late)
    return event, True


def meeting_arrives(event: Event) -> None:
    """The late Teams meeting: join URL and block appear on the event and its copies."""
    if event.online_meeting or not event.is_online_meeting:
        return
    _add_meeting(event, event.mailbox)
    event.change_key = new_change_key()
    event.modified_at = clock.now()
    event.save()
    attendees = [dict(a) for a in event.attendees]
    sync_copies(event, previous=attendees, time_changed=False)


def event_update(*, event: Event, data: dict) -> Event:
    """Partial update; attendee copies and rooms follow when the organizer changes it."""
    organizer = event.mailbox
    old_start, old_end = event.start, event.end
    previous = [dict(a) for a in event.attendees]
    had_block = teams.has_block(event.body_content, event.online_meeting)
    apply_fields(event, data, tenant_id=organizer.tenant_id, creating=False)
    if "body" in data and event.body_content_type == "html":
        event.body_content = wrap_html(event.body_content)
    if event.is_online_meeting and had_block and "body" in data:
        if not teams.has_block(event.body_content, event.online_meeting):
            if data.get("isOnlineMeeting") is True:
                event.body_content = teams.append_block(event.body_content, event.online_meeting)
            else:
                _drop_meeting(event)  # Outlook: the body lost its join block
        elif not teams.block_intact(event.body_content, event.online_meeting):
            # The join block came back altered: Exchange turns the meeting off and on again
            # with a new join URL (docs-contrib issues 311, 3670, 16336).
            event.online_meeting = teams.new_meeting(organizer)
            event.body_content = teams.replace_block(event.body_content, event.online_meeting)
    elif (
        not event.is_online_meeting
        and event.is_organizer
        and organizer.teams_licensed
        and _wants_teams(data, organizer)
    ):
        _add_meeting(event, organizer)
    time_changed = (event.start, event.end) != (old_start, old_end)
    if event.is_organizer and "attendees" in data:
        event.attendees = _keep_statuses(event.attendees, previous)
    if event.is_organizer and time_changed:
        for attendee in event.attendees:
            attendee["status"] = {"response": "none", "time": "0001-01-01T00:00:00Z"}
    event.change_key = new_change_key()
    event.modified_at = clock.now()
    event.save()
    if event.is_organizer:
        sync_copies(event, previous=previous, time_changed=time_changed)
    return event


def _keep_statuses(attendees: list[dict], previous: list[dict]) -> list[dict]:
    known = {a["emailAddress"]["address"].lower(): a.get("status") for a in previous}
    for attendee in attendees:
        status = known.get(attendee["emailAddress"]["address"].lower())
        if status:
            attendee["status"] = status
    return attendees


def event_cancel(*, event: Event, comment: str = "") -> None:
    """Organizer only (400 otherwise, https://learn.microsoft.com/graph/api/event-cancel)."""
    if not event.is_organizer:
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. You need to be an organizer to cancel a meeting.",
        )
    _cancel_copies(event)
    event.delete()  # the organizer's item moves to Deleted Items


def event_delete(*, event: Event) -> None:
    """The organizer's delete also cancels the meeting for the attendees (event-delete)."""
    if event.is_organizer and event.attendees:
        _cancel_copies(event)
    event.delete()


def _cancel_copies(event: Event) -> None:
    now = clock.now()
    for copy in Event.objects.filter(ical_uid=event.ical_uid).exclude(pk=event.pk):
        copy.mailbox.refresh_from_db(fields=["kind"])
        if copy.mailbox.is_room:
            copy.delete()  # the booking assistant removes the room's booking
        else:
            copy.is_cancelled = True
            copy.change_key = new_change_key()
            copy.modified_at = now
            copy.save()


def sync_copies(event: Event, *, previous: list[dict], time_changed: bool) -> None:
    """Bring every participating mailbox of the tenant in line with the organizer's event."""
    tenant_mailboxes = {
        m.email: m
        for m in Mailbox.objects.filter(
            tenant_id=event.mailbox.tenant_id,
            email__in=[a["emailAddress"]["address"].lower() for a in event.attendees + previous],
        )
    }
    current = set()
    changed_statuses = False
    for attendee in event.attendees:
        address = attendee["emailAddress"]["address"].lower()
        mailbox = tenant_mailboxes.get(address)
        if mailbox is None or mailbox.pk == event.mailbox_id or not mailbox.mailbox_enabled:
            continue
        current.add(address)
        was_there = any(p["emailAddress"]["address"].lower() == address for p in previous)
        if mailbox.is_room:
            if time_changed or not was_there:
                # Answered later by the booking assistant; until then "none".
                attendee["status"] = {"response": "none", "time": "0001-01-01T00:00:00Z"}
                changed_statuses = True
                later.room_answer_schedule(event, mailbox)
            elif attendee["status"]["response"] == "accepted":
                _upsert_copy(event, mailbox, room=True, reset=False)
        else:
            _upsert_copy(event, mailbox, room=False, reset=time_changed or not was_there)
    for old in previous:
        address = old["emailAddress"]["address"].lower()
        mailbox = tenant_mailboxes.get(address)
        if address in current or mailbox is None:
            continue
        for copy in Event.objects.filter(mailbox=mailbox, ical_uid=event.ical_uid):
            if mailbox.is_room:
                copy.delete()
            else:
                copy.is_cancelled = True
                copy.change_key = new_change_key()
                copy.save()
    if changed_statuses:
        Event.objects.filter(pk=event.pk).update(attendees=event.attendees)
        from .changes import touched

        touched(event.pk)


def room_answer(event: Event, room: Mailbox) -> dict:
    """The booking assistant's answer (accept or decline), keeping the room's calendar in
    line; decided when it processes the request (see later.py), not at the create."""
    now = clock.now()
    allowed = {a.strip().lower() for a in room.book_in_policy.replace(";", ",").split(",")}
    allowed.discard("")
    if (
        room.booking_type == BookingType.RESERVED
        or room.auto_accept == AutoAcceptPolicy.DECLINE_ALL
        or event.start > now + timedelta(days=room.booking_window_days)  # outside the window
        or (allowed and event.organizer_address.lower() not in allowed)  # BookInPolicy
    ):
        answer = "declined"
    elif room.auto_accept == AutoAcceptPolicy.MANUAL:
        answer = "none"
    elif room.auto_accept == AutoAcceptPolicy.ALWAYS_ACCEPT:
        answer = "accepted"
    else:
        conflict = (
            Event.objects.filter(
                mailbox=room, is_cancelled=False, start__lt=event.end, end__gt=event.start
            )
            .exclude(ical_uid=event.ical_uid)
            .exclude(show_as="free")
            .exists()
        )
        answer = "declined" if conflict else "accepted"
    if answer == "declined":
        Event.objects.filter(mailbox=room, ical_uid=event.ical_uid).delete()
        return {"response": "declined", "time": _stamp(now)}
    _upsert_copy(event, room, room=True, reset=True, answer=answer)
    return {"response": answer, "time": _stamp(now) if answer != "none" else "0001-01-01T00:00:00Z"}


def _stamp(value) -> str:
    from .serializers import graph_timestamp

    return graph_timestamp(value)


_COPIED = (
    "subject",
    "body_content_type",
    "body_content",
    "start",
    "end",
    "original_start_tz",
    "original_end_tz",
    "is_all_day",
    "location",
    "locations",
    "attendees",
    "organizer_name",
    "organizer_address",
    "is_online_meeting",
    "online_meeting_provider",
    "online_meeting",
    "sensitivity",
    "importance",
    "response_requested",
    "allow_new_time_proposals",
    "hide_attendees",
    "is_cancelled",
)


def _upsert_copy(
    event: Event, mailbox: Mailbox, *, room: bool, reset: bool, answer: str = ""
) -> None:
    now = clock.now()
    copy = Event.objects.filter(mailbox=mailbox, ical_uid=event.ical_uid).first()
    if copy is None:
        copy = Event(
            mailbox=mailbox,
            graph_id=new_graph_id(),
            ical_uid=event.ical_uid,
            created_at=now,
            is_organizer=False,
        )
        reset = True
    for name in _COPIED:
        setattr(copy, name, getattr(event, name))
    if room:
        # Exchange's room defaults: subject replaced by the organizer, comments deleted.
        copy.subject = event.organizer_name
        copy.body_content = ""
        copy.response = answer or copy.response or "none"
        copy.show_as = "busy" if copy.response == "accepted" else "tentative"
        copy.response_time = now if answer else copy.response_time
    elif reset:
        # A new or rescheduled request sits tentatively in the attendee's calendar.
        copy.response = "notResponded"
        copy.response_time = None
        copy.show_as = "tentative"
    copy.change_key = new_change_key()
    copy.modified_at = now
    copy.save()


__all__ = ["event_cancel", "event_create", "event_delete", "event_update", "normalise_attendees"]
