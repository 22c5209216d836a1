"""Celery tasks of the sync: thin wrappers taking ids. Delays live in the database
(next_attempt_at), never as broker ETAs; a redelivered task finds the record's state.
The names are explicit: the beat schedule and queued messages use them (outbox.EVENT_TASK)."""

from __future__ import annotations

from celery import shared_task

from ..models import MicrosoftConnection
from .delta import delta_pull as delta_run
from .engine import event_sync as event_run
from .holds import holds_sync as holds_run
from .push import (
    pulls_due,
    subscription_create,
    subscription_reauthorize,
    subscriptions_maintain,
)
from .services import sync_sweep as sweep_run

__all__ = [
    "delta_pull",
    "event_sync",
    "holds_sync",
    "mailbox_subscribe",
    "outlook_changes",
    "outlook_pulls",
    "subscription_reauthorize_task",
    "sync_sweep",
]


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


@shared_task(name="calendar_integration.sync.tasks.outlook_changes")
def outlook_changes() -> dict[str, int]:
    """Beat (every 5 minutes): subscriptions created/renewed/dropped (and the due pulls)."""
    return subscriptions_maintain()


@shared_task(name="calendar_integration.sync.tasks.outlook_pulls")
def outlook_pulls() -> int:
    """Beat (every minute): the due delta pulls, the safety net or the poll (one query)."""
    return pulls_due()


@shared_task(name="calendar_integration.sync.tasks.delta_pull", acks_late=True)
def delta_pull(connection_id: int) -> str:
    """One coalesced delta pull of a mailbox (after notifications, or due by the beat)."""
    return delta_run(connection_id)


@shared_task(name="calendar_integration.sync.tasks.mailbox_subscribe")
def mailbox_subscribe(connection_id: int) -> str:
    """Create the mailbox's subscription (after sign-in, after subscriptionRemoved)."""
    connection = MicrosoftConnection.objects.select_related("company", "user").get(pk=connection_id)
    row = subscription_create(connection=connection)
    return row.status if row is not None else "off"


@shared_task(name="calendar_integration.sync.tasks.subscription_reauthorize")
def subscription_reauthorize_task(connection_id: int) -> str:
    """After reauthorizationRequired."""
    return subscription_reauthorize(connection_id=connection_id)
