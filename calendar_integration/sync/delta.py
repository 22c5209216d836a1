"""The delta pull (issue 13): what changed in a mailbox's calendar view since the last pull,
judged like drift (drift.py) for the events EBMS created; others are ignored.

One round per pull: the stored deltaLink, or a new round over [now - 1 day, now + 90 days]
(daily, so the window follows the calendar; after `missed` and after 410 Gone). Removed
entries ("@removed": deleted, or moved out of the window) are read once by id to tell which;
after a full round, EBMS's upcoming events the round did not bring are read the same way.
Records EBMS is changing (dirty) are skipped: their sync writes Outlook anyway.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from ebms.recruiting.models import Appointment

from ..connection.selectors import connection_unusable
from ..microsoft import errors
from ..microsoft.graph import Delta, GraphClient, Recorder
from ..microsoft.mailbox import mailbox_paused_until
from .drift import CheckDeferred, drift_check, drift_observe
from .models import CalendarEvent, MailboxSubscription
from .push import poll_interval

logger = logging.getLogger(__name__)

WINDOW_BEFORE = timedelta(days=1)
WINDOW_AFTER = timedelta(days=90)
NEW_ROUND_AFTER = timedelta(days=1)  # a new round (window) per day
PULL_RETRY = timedelta(minutes=5)  # a pull that did not end well is asked again (or the interval)

__all__ = ["delta_pull"]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _round(client: GraphClient, row: MailboxSubscription, *, full: bool, now: datetime) -> Delta:
    if full:
        return client.calendar_view_delta(
            start=_iso(now - WINDOW_BEFORE), end=_iso(now + WINDOW_AFTER)
        )
    return client.calendar_view_delta(delta_link=row.delta_link)


def delta_pull(connection_id: int) -> str:
    """Pull the mailbox's changes and flag what moved, vanished or was answered in Outlook."""
    row = (
        MailboxSubscription.objects.select_related("connection__company", "connection__user")
        .filter(connection_id=connection_id)
        .first()
    )
    if row is None:
        return "no subscription row"
    _start(row)
    connection = row.connection
    if connection_unusable(connection) is not None:
        _give_back(row)
        return "skipped"
    paused = mailbox_paused_until(connection.pk)
    if paused:  # Microsoft asked us to wait (Retry-After): ask again when that ends
        _give_back(row, retry_at=paused)
        return "skipped"
    now = timezone.now()
    full = (
        row.resync
        or not row.delta_link
        or row.window_start is None
        or row.window_start < now - WINDOW_BEFORE - NEW_ROUND_AFTER
    )
    try:
        with GraphClient(connection, recorder=Recorder(operation="delta")) as client:
            try:
                delta = _round(client, row, full=full, now=now)
            except errors.SyncStateGone:  # 410: the sync state is lost, start a new round
                full = True
                delta = _round(client, row, full=True, now=now)
    except errors.GraphError as exc:
        logger.info("delta pull of connection %s failed: %s", connection.pk, exc.code)
        _give_back(row, last_error=exc.code[:200])
        return "failed"
    try:
        changed = _apply(connection.pk, delta.items, full=full, now=now)
    except (errors.GraphError, CheckDeferred) as exc:
        # A removed event's read failed (found by the chaos run: the delete was lost for
        # good once the delta link moved on). Keep the old link: the next pull (a
        # notification or the safety net) sees the removal again.
        logger.info("delta pull of connection %s not applied: %s", connection.pk, exc.code)
        _give_back(row, last_error=exc.code[:200])
        return "failed"
    fields: dict[str, Any] = {"delta_link": delta.delta_link, "retry_at": None, "last_error": ""}
    if full:
        fields["window_start"] = now - WINDOW_BEFORE
    MailboxSubscription.objects.filter(pk=row.pk).update(pulls=F("pulls") + 1, **fields)
    return f"{len(delta.items)} items, {changed} records judged"


def _start(row: MailboxSubscription) -> None:
    """Claim the pull. `pull_requested_at` is cleared first: a notification arriving during
    this pull asks for the next one. The pull counts from the moment it was asked for (the
    beat's tick or a notification; never earlier than the one before it, for a late task),
    so a tick while it runs does not ask again and the next poll is due an interval after
    that tick. `retry_at` holds until it ends well: a failed, skipped or killed pull is asked
    again PULL_RETRY (at most the interval) later, not at every tick."""
    asked = row.pull_requested_at or timezone.now()
    if row.last_pull_at is not None:
        asked = max(asked, row.last_pull_at)
    MailboxSubscription.objects.filter(pk=row.pk).update(
        pull_requested_at=None,
        resync=False,
        last_pull_at=asked,
        retry_at=asked + min(PULL_RETRY, poll_interval()),
    )


def _give_back(row: MailboxSubscription, **fields: Any) -> None:
    """A pull that did not end well keeps what the next one must do (a resync `_start`
    cleared) and stores `fields`, in one UPDATE; `retry_at` from `_start` asks again."""
    if row.resync:
        fields["resync"] = True
    if fields:
        MailboxSubscription.objects.filter(pk=row.pk).update(**fields)


def _ours(connection_id: int, now: datetime) -> Any:
    return CalendarEvent.objects.select_related("connection").filter(
        connection_id=connection_id,
        kind=CalendarEvent.Kind.APPOINTMENT,
        removed=False,
        appointment__status=Appointment.Status.PLANNED,
        appointment__ends_at__gt=now,
    )


def _apply(connection_id: int, items: list[dict[str, Any]], *, full: bool, now: datetime) -> int:
    """Judge EBMS's records among `items`; returns how many were judged."""
    by_id = {str(item["id"]): item for item in items if item.get("id")}
    records = _ours(connection_id, now).exclude(graph_id="")
    judged = 0
    for record in records.filter(graph_id__in=list(by_id)):
        item = by_id[record.graph_id]
        if "@removed" in item:
            # Deleted, or moved out of the window: one read by id tells which.
            judged += drift_check(record, interval=timedelta(0), strict=True)
        else:
            judged += drift_observe(record, item)
    if full:
        # A new round lists what exists: ours inside the window that it lacks may be gone.
        window_end = now + WINDOW_AFTER
        for record in records.filter(appointment__starts_at__lt=window_end).exclude(
            graph_id__in=list(by_id)
        ):
            judged += drift_check(record, interval=timedelta(0), strict=True)
    return judged
