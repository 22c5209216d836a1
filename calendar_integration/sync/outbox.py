"""The outbox side: recruiting's announcements bump the wanted version of a record inside the
change's transaction; the task is only a wake-up sent on commit (the sweep repairs lost ones).

Also the claim (a conditional UPDATE with a lease) every worker takes before touching a
record, so two workers never sync the same record at once and a dead worker's claim expires.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from ebms.recruiting.models import Appointment, Proposal

from ..models import ConnectionState, MicrosoftConnection
from .models import CalendarEvent, SyncStatus

logger = logging.getLogger(__name__)

# Longer than one reconcile may take (a few Graph calls with a 30 s read timeout each).
LEASE = timedelta(seconds=getattr(settings, "CALENDAR_SYNC_LEASE_SECONDS", 300))
# Fields that never reach Outlook: a change of only these needs no sync.
NOT_SYNCED = {"candidate_message"}

__all__ = [
    "LEASE",
    "backfill_connection",
    "claim",
    "mark_synced",
    "connection_for",
    "enqueue_event",
    "enqueue_holds",
    "on_recruiting_event",
    "record_bump",
    "release",
    "send_event",
    "send_holds",
]


def connection_for(user) -> MicrosoftConnection | None:
    """The recruiter's connection unless he never connected or disconnected on purpose."""
    return (
        MicrosoftConnection.objects.filter(user=user)
        .exclude(state=ConnectionState.DISCONNECTED)
        .first()
    )


def _send(task, arg: int) -> None:
    # CALENDAR_SYNC_DISPATCH (dotted path, tests only) takes the wake-up instead of the broker,
    # so a test can deliver it later, twice or out of order: `dispatch(task=task, arg=arg)`.
    dispatch = getattr(settings, "CALENDAR_SYNC_DISPATCH", "")
    try:
        if dispatch:
            import_string(dispatch)(task=task, arg=arg)
        else:
            task.delay(arg)
    except Exception:  # noqa: BLE001 - broker down: the sweep re-enqueues, nothing is lost
        logger.warning("could not enqueue %s(%s); the sweep will pick it up", task.name, arg)


def send_event(record_id: int) -> None:
    """Wake a worker for the record now (outside any transaction)."""
    from .tasks import event_sync

    _send(event_sync, record_id)


def send_holds(proposal_id: int) -> None:
    from .tasks import holds_sync

    _send(holds_sync, proposal_id)


def enqueue_event(record_id: int) -> None:
    """Wake a worker for the record once the current transaction commits."""
    from .tasks import event_sync

    transaction.on_commit(lambda: _send(event_sync, record_id))


def enqueue_holds(proposal_id: int) -> None:
    from .tasks import holds_sync

    transaction.on_commit(lambda: _send(holds_sync, proposal_id))


def record_bump(records, **fields) -> int:
    """Raise the wanted version (a queryset of records): due now, whatever failed before."""
    return records.update(
        wanted_version=F("wanted_version") + 1,
        status=SyncStatus.PENDING,
        next_attempt_at=timezone.now(),
        attempts=0,
        retry_reason="",
        **fields,
    )


def _appointment_record(appointment: Appointment) -> CalendarEvent | None:
    record = CalendarEvent.objects.filter(appointment=appointment).first()
    if record is not None:
        record_bump(CalendarEvent.objects.filter(pk=record.pk))
        return record
    connection = connection_for(appointment.recruiter)
    if connection is None:
        return None
    return CalendarEvent.objects.create(
        company_id=appointment.company_id,
        appointment=appointment,
        connection=connection,
        next_attempt_at=timezone.now(),
    )


def backfill_connection(*, connection) -> int:
    """Appointments the recruiter planned before connecting: now they go to Outlook too.

    Only future, planned appointments without a record; the number of records created.
    """
    waiting = Appointment.objects.filter(
        recruiter_id=connection.user_id,
        status=Appointment.Status.PLANNED,
        ends_at__gt=timezone.now(),
        calendar_event__isnull=True,
    )
    now = timezone.now()
    with transaction.atomic():
        records = CalendarEvent.objects.bulk_create(
            CalendarEvent(
                company_id=appointment.company_id,
                appointment=appointment,
                connection=connection,
                next_attempt_at=now,
            )
            for appointment in waiting.select_for_update(of=("self",))
        )
        for record in records:
            enqueue_event(record.pk)
    return len(records)


def on_recruiting_event(event: str, **payload) -> None:
    """The hooks listener (runs inside the change's transaction)."""
    if event in ("appointment_created", "appointment_changed", "appointment_cancelled"):
        appointment = payload["appointment"]
        changed = payload.get("changed")
        if changed is not None and not (set(changed) - NOT_SYNCED):
            return
        if event == "appointment_cancelled" and not hasattr(appointment, "calendar_event"):
            return
        record = _appointment_record(appointment)
        if record is not None:
            enqueue_event(record.pk)
    elif event == "proposal_sent":
        _holds_create(payload["proposal"])
    elif event == "proposal_picked":
        _holds_pick(payload["proposal"], payload["appointment"])
    elif event == "proposal_withdrawn":
        proposal = payload["proposal"]
        if record_bump(_holds(proposal).filter(wanted=True), wanted=False):
            enqueue_holds(proposal.pk)


def _holds(proposal: Proposal):
    return CalendarEvent.objects.filter(proposal=proposal, kind=CalendarEvent.Kind.HOLD)


def _holds_create(proposal: Proposal) -> None:
    connection = connection_for(proposal.recruiter)
    if connection is None:
        return
    now = timezone.now()
    CalendarEvent.objects.bulk_create(
        CalendarEvent(
            company_id=proposal.company_id,
            kind=CalendarEvent.Kind.HOLD,
            proposal=proposal,
            slot=slot,
            connection=connection,
            next_attempt_at=now,
        )
        for slot in proposal.slots.all()
    )
    enqueue_holds(proposal.pk)


def _holds_pick(proposal: Proposal, appointment: Appointment) -> None:
    """The picked slot's hold becomes the appointment's event; the other holds go."""
    picked = _holds(proposal).filter(slot_id=proposal.picked_slot_id, wanted=True).first()
    if picked is not None:
        record_bump(
            CalendarEvent.objects.filter(pk=picked.pk),
            kind=CalendarEvent.Kind.APPOINTMENT,
            appointment=appointment,
        )
        enqueue_event(picked.pk)
    else:
        record = _appointment_record(appointment)
        if record is not None:
            enqueue_event(record.pk)
    if record_bump(_holds(proposal).filter(wanted=True), wanted=False):
        enqueue_holds(proposal.pk)


# --- claims -------------------------------------------------------------------------------


def claim(record_id: int, *, now: datetime | None = None) -> str | None:
    """Take the record for one run (conditional UPDATE); None when another run holds it."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    taken = (
        CalendarEvent.objects.filter(pk=record_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE, lease_token=token)
    )
    return token if taken else None


def mark_synced(record_id: int, token: str, version: int) -> bool:
    """The record reached `version` (compare-and-set); False when EBMS wants a newer one
    or another run holds the lease."""
    return bool(
        CalendarEvent.objects.filter(
            pk=record_id, lease_token=token, wanted_version=version
        ).update(
            synced_version=version,
            status=SyncStatus.SYNCED,
            attempts=0,
            retry_reason="",
            last_error_code="",
            last_error_message="",
            next_attempt_at=None,
            synced_at=timezone.now(),
        )
    )


def release(record_id: int, token: str, **fields) -> bool:
    """Give the record back, storing `fields`; False when the lease was lost meanwhile."""
    return bool(
        CalendarEvent.objects.filter(pk=record_id, lease_token=token).update(
            lease_until=None, lease_token="", **fields
        )
    )
