"""The lease: the claim (a conditional UPDATE with an expiry) every run takes before touching a
record, so two workers never sync the same record at once and a dead worker's claim expires;
each step's outcome is stored only while the lease is held.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import CalendarEvent, SyncStatus

# Longer than one reconcile may take (a few Graph calls with a 30 s read timeout each).
LEASE = timedelta(seconds=getattr(settings, "CALENDAR_SYNC_LEASE_SECONDS", 300))

__all__ = ["CHANGED_MEANWHILE", "LEASE", "LeaseLost", "claim", "mark_synced", "release", "store"]

# The outcome of a run whose mark_synced found a newer wanted version: run again.
CHANGED_MEANWHILE = "changed meanwhile"


class LeaseLost(Exception):
    """Another run took the record over (our lease expired): stop without writing."""


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


def release(record_id: int, token: str, **fields: Any) -> bool:
    """Give the record back, storing `fields`; False when the lease was lost meanwhile."""
    return bool(
        CalendarEvent.objects.filter(pk=record_id, lease_token=token).update(
            lease_until=None, lease_token="", **fields
        )
    )


def store(record: CalendarEvent, token: str, **fields: Any) -> None:
    """Persist a step's outcome now, only while we still hold the lease."""
    if not CalendarEvent.objects.filter(pk=record.pk, lease_token=token).update(**fields):
        raise LeaseLost(record.pk)
    for name, value in fields.items():
        setattr(record, name, value)
