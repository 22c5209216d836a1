"""The simulator's clock: wall clock plus a settable offset, shared by every simulator path.

Tests and the web UI move it forward (e.g. 91 days to expire a refresh token by
inactivity) without touching the product's clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from m365sim.models import SimClock


def _row() -> SimClock:
    row = SimClock.objects.order_by("pk").first()
    return row or SimClock.objects.create(offset_seconds=0)


def offset() -> timedelta:
    """How far the simulator runs ahead of (or behind) the wall clock."""
    row = SimClock.objects.order_by("pk").first()
    return timedelta(seconds=row.offset_seconds if row else 0)


def now() -> datetime:
    """The current simulated time (aware, UTC)."""
    return timezone.now() + offset()


def advance(*, delta: timedelta) -> datetime:
    """Move the simulated time forward by `delta` (negative moves it back); returns now()."""
    row = _row()
    row.offset_seconds += int(delta.total_seconds())
    row.save(update_fields=["offset_seconds"])
    return now()


def set_now(*, at: datetime) -> None:
    """Make now() return (about) `at` from here on."""
    row = _row()
    row.offset_seconds = int((at - timezone.now()).total_seconds())
    row.save(update_fields=["offset_seconds"])


def reset() -> None:
    """Back to the wall clock."""
    SimClock.objects.update(offset_seconds=0)
