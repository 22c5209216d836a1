"""The outbox (queue): recruiting's announcements bump the wanted version of a record inside
the change's transaction; the task is only a wake-up sent on commit (the sweep repairs lost
ones). A wake-up names its task, as on the wire; this module never imports the tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ebms.accounts.models import User
from ebms.recruiting.models import Appointment, Proposal

from ..models import ConnectionState, MicrosoftConnection
from .models import CalendarEvent, SyncStatus

logger = logging.getLogger(__name__)

# Fields that never reach Outlook: a change of only these needs no sync.
NOT_SYNCED = {"candidate_message"}
# The registered Celery names (sync/tasks.py); queued messages and the beat use them.
EVENT_TASK = "calendar_integration.sync.tasks.event_sync"
HOLDS_TASK = "calendar_integration.sync.tasks.holds_sync"

__all__ = [
    "EVENT_TASK",
    "HOLDS_TASK",
    "backfill_connection",
    "connection_for",
    "dispatch",
    "enqueue_event",
    "enqueue_holds",
    "enqueue_task",
    "on_recruiting_event",
    "record_bump",
    "send_event",
    "send_holds",
]


def connection_for(user: User) -> MicrosoftConnection | None:
    """The recruiter's connection unless he never connected or disconnected on purpose."""
    return (
        MicrosoftConnection.objects.filter(user=user)
        .exclude(state=ConnectionState.DISCONNECTED)
        .first()
    )


def celery_dispatch(task_name: str, arg: int) -> None:
    """Publish the wake-up (eager in the embedded mode and in tests)."""
    current_app.tasks[task_name].delay(arg)


# How wake-ups travel: Celery in production. A documented seam: the sync tests swap it for
# an inbox (sync/tests/conftest.py `sync_inbox`) to deliver messages late, twice or never.
dispatch: Callable[[str, int], None] = celery_dispatch


def _send(task_name: str, arg: int) -> None:
    try:
        dispatch(task_name, arg)
    except Exception:  # noqa: BLE001 - broker down: the sweep re-enqueues, nothing is lost
        logger.warning("could not enqueue %s(%s); the sweep will pick it up", task_name, arg)


def send_event(record_id: int) -> None:
    """Wake a worker for the record now (outside any transaction)."""
    _send(EVENT_TASK, record_id)


def send_holds(proposal_id: int) -> None:
    """Wake a worker for the proposal's holds now."""
    _send(HOLDS_TASK, proposal_id)


def enqueue_event(record_id: int) -> None:
    """Wake a worker for the record once the current transaction commits."""
    transaction.on_commit(lambda: _send(EVENT_TASK, record_id))


def enqueue_task(task_name: str, arg: int) -> None:
    """Wake any of the sync's tasks (by registered name) once the transaction commits."""
    transaction.on_commit(lambda: _send(task_name, arg))


def enqueue_holds(proposal_id: int) -> None:
    """Wake a worker for the proposal's holds once the current transaction commits."""
    transaction.on_commit(lambda: _send(HOLDS_TASK, proposal_id))


def record_bump(records: QuerySet[CalendarEvent], **fields: Any) -> int:
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


def backfill_connection(*, connection: MicrosoftConnection) -> int:
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


def on_recruiting_event(event: str, **payload: Any) -> None:
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


def _holds(proposal: Proposal) -> QuerySet[CalendarEvent]:
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
