"""Celery tasks of the sync: thin wrappers taking ids. Delays live in the database
(next_attempt_at), never as broker ETAs; a redelivered task finds the record's state.
The names are explicit: the beat schedule and queued messages use them (outbox.EVENT_TASK)."""

from __future__ import annotations

from celery import shared_task

from .drift import drifts_sweep
from .engine import event_sync as event_run
from .holds import holds_sync as holds_run
from .services import sync_sweep as sweep_run

__all__ = ["drift_sweep", "event_sync", "holds_sync", "sync_sweep"]


@shared_task(
    name="calendar_integration.sync.tasks.event_sync", acks_late=True, reject_on_worker_lost=True
)
def event_sync(record_id: int) -> str:
    """Reconcile one appointment's Outlook event (claimed with a lease; idempotent)."""
    return event_run(record_id)


@shared_task(
    name="calendar_integration.sync.tasks.holds_sync", acks_late=True, reject_on_worker_lost=True
)
def holds_sync(proposal_id: int) -> str:
    """Create or delete a proposal's tentative holds with JSON batches."""
    return holds_run(proposal_id)


@shared_task(name="calendar_integration.sync.tasks.sync_sweep")
def sync_sweep() -> dict[str, int]:
    """Beat (every minute): re-enqueue due records, resume parked ones that may run again."""
    return sweep_run()


@shared_task(name="calendar_integration.sync.tasks.drift_sweep")
def drift_sweep() -> int:
    """Beat (every 30 minutes): read back upcoming events and flag Outlook changes."""
    return drifts_sweep()
