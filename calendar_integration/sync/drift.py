"""Drift (F7): one direction only, but with eyes. Read the event back ($select of start, end,
isCancelled, attendees, onlineMeeting) and flag what Outlook changed that EBMS owns: the time,
a deletion or cancellation, a room that declined, a new join URL. `drift_check` reads one
event (the "Status prüfen" button, a delta round's removed entry); `drift_observe` judges an
event a delta round brought (sync/delta.py), without another call.

The two answers to "In Outlook geändert": apply the EBMS time again (PATCH), or move the
appointment in EBMS to the Outlook time (recruiting's appointment_update: the candidate is
notified, and the sync has nothing left to send).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ebms.accounts.models import User
from ebms.recruiting.models import Appointment
from ebms.recruiting.services import appointment_join_info_set, appointment_update

from ..microsoft import errors
from ..microsoft.graph import GraphClient, Recorder
from ..microsoft.mailbox import mailbox_paused_until
from ..microsoft.time import graph_parse, graph_when
from .calls import paused_fields
from .join_url import join_fields
from .models import CalendarEvent
from .outbox import enqueue_event, record_bump
from .responses import answer_fields

logger = logging.getLogger(__name__)

MIN_INTERVAL = timedelta(minutes=1)  # per appointment, however often the page is opened
SELECT = "start,end,isCancelled,attendees,onlineMeeting"

__all__ = ["drift_check", "drift_move", "drift_observe", "drift_reapply"]


def _checkable(record: CalendarEvent) -> bool:
    return (
        record.kind == CalendarEvent.Kind.APPOINTMENT
        and bool(record.graph_id)
        and not record.removed
        and not record.is_dirty  # a pending sync would show a false alarm
    )


class CheckDeferred(Exception):
    """A strict check (delta round) could not read the event now: the round must not move on."""

    code = "checkDeferred"


def drift_check(
    record: CalendarEvent, *, interval: timedelta = MIN_INTERVAL, strict: bool = False
) -> bool:
    """Read the event once (at most every `interval`); True when Microsoft was asked.

    `strict` (a delta round): a failed read raises the GraphError, and a read not done now
    (another check at it, mailbox paused) raises CheckDeferred, instead of skipping, so that
    the round keeps its old delta link and the removal is seen again."""
    now = timezone.now()
    if not _checkable(record):
        return False
    # Conditional UPDATE: two page views at once cost one Graph call.
    # Only a record whose last sync is complete: a change EBMS made meanwhile is no drift.
    taken = (
        CalendarEvent.objects.filter(pk=record.pk, synced_version=F("wanted_version"))
        .filter(Q(drift_checked_at__isnull=True) | Q(drift_checked_at__lt=now - interval))
        .update(drift_checked_at=now)
    )
    version = CalendarEvent.objects.values_list("wanted_version", flat=True).get(pk=record.pk)
    if strict and not taken and record.appointment_id is not None:
        raise CheckDeferred("another check reads it right now")
    if not taken or record.appointment_id is None:
        return False
    appointment = Appointment.objects.select_related("company").get(pk=record.appointment_id)
    if appointment.is_cancelled or appointment.ends_at <= now:
        return False
    if paused_fields(record.connection) or mailbox_paused_until(record.connection_id):
        if strict:
            raise CheckDeferred("mailbox paused")
        return False
    recorder = Recorder(record.pk, operation="drift check")
    try:
        with GraphClient(record.connection, recorder=recorder) as client:
            event = client.get_event(event_id=record.graph_id, select=SELECT)
    except errors.NotFound:
        _flag(record, version=version, drift=CalendarEvent.Drift.DELETED)
        return True
    except errors.GraphError as exc:  # MailboxBusy included
        if strict:
            raise
        logger.info("drift check of record %s skipped: %s", record.pk, exc)
        return True
    _observe(record, appointment, event, version=version)
    return True


def drift_observe(record: CalendarEvent, event: dict[str, Any]) -> bool:
    """Store what an event read elsewhere (a delta round) shows; False when the record is
    not to be judged now (dirty, past, cancelled in EBMS)."""
    if not _checkable(record) or record.appointment_id is None:
        return False
    version = record.wanted_version
    appointment = Appointment.objects.select_related("company").get(pk=record.appointment_id)
    if appointment.is_cancelled or appointment.ends_at <= timezone.now():
        return False
    _observe(record, appointment, event, version=version)
    return True


def _observe(
    record: CalendarEvent, appointment: Appointment, event: dict[str, Any], *, version: int
) -> None:
    """Flag what Outlook shows: time, deletion, answers, a join URL that appeared or changed.
    The same event seen twice stores the same values (nothing changes twice)."""
    now = timezone.now()
    fields: dict[str, Any] = {"drift": "", "outlook_start": None, "outlook_end": None}
    if event.get("isCancelled"):
        fields["drift"] = CalendarEvent.Drift.DELETED
    else:
        start, end = graph_parse(event.get("start")), graph_parse(event.get("end"))
        if start and end and (start, end) != (appointment.starts_at, appointment.ends_at):
            fields.update(drift=CalendarEvent.Drift.CHANGED, outlook_start=start, outlook_end=end)
    fields.update(answer_fields(event, appointment))  # the room's and observers' answers
    url = (event.get("onlineMeeting") or {}).get("joinUrl") or ""
    if appointment.is_online and url and not record.join_url:
        fields.update(join_fields(record, appointment, event))  # a late Teams link appeared
    elif appointment.is_online and url and url != record.join_url:
        fields.update(join_url=url, join_url_changed_at=now)
        # Only the link is known from here; the candidate gets it (recruiting mails the update).
        appointment_join_info_set(
            appointment=appointment, join_url=url, join_info_html="", join_info_text=url
        )
    _flag(record, version=version, **fields)


def _flag(record: CalendarEvent, *, version: int, **fields: Any) -> None:
    """Store what Outlook shows, unless EBMS changed the appointment since it was read."""
    if CalendarEvent.objects.filter(
        pk=record.pk, wanted_version=version, synced_version=version
    ).update(**fields):
        for name, value in fields.items():
            setattr(record, name, value)


def drift_reapply(*, record: CalendarEvent) -> None:
    """ "EBMS-Zeit wieder anwenden": PATCH the time again, or recreate a deleted event."""
    fields: dict[str, Any] = {"drift": "", "outlook_start": None, "outlook_end": None}
    if record.drift == CalendarEvent.Drift.DELETED:
        # A new event needs a new transactionId (Graph rejects reusing one for another event).
        fields.update(
            graph_id="",
            ical_uid="",
            snapshot={},
            pending_snapshot={},
            create_sent_at=None,
            join_block="",
            generation=F("generation") + 1,
        )
    else:
        snapshot = {k: v for k, v in record.snapshot.items() if k not in ("start", "end")}
        fields["snapshot"] = snapshot
    record_bump(CalendarEvent.objects.filter(pk=record.pk), **fields)
    enqueue_event(record.pk)


def drift_move(*, record: CalendarEvent, by: User) -> Appointment:
    """ "In EBMS verschieben": the appointment takes Outlook's time; the candidate is told."""
    if record.appointment_id is None:
        raise ValueError("not an appointment's event")
    appointment = Appointment.objects.select_related("company").get(pk=record.appointment_id)
    start, end = record.outlook_start, record.outlook_end
    if start is None or end is None:
        raise ValueError("no Outlook time to move to")
    # Outlook already shows this time: record it as sent, so the sync has nothing to PATCH.
    zone = appointment.company.time_zone
    payload_time = {"start": graph_when(start, zone), "end": graph_when(end, zone)}
    # One transaction: a refused move (past, too long) leaves the warning in place.
    with transaction.atomic():
        CalendarEvent.objects.filter(pk=record.pk).update(
            snapshot={**record.snapshot, **payload_time},
            drift="",
            outlook_start=None,
            outlook_end=None,
        )
        return appointment_update(appointment=appointment, by=by, starts_at=start, ends_at=end)
