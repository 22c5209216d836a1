"""The first slot where everybody (and the room) is free, within everybody's working hours.

A pure function over intervals, so it is exact across DST changes: working hours are
expanded per day in their own zone (timegrid.WorkingHours), candidates move on a
15-minute grid of absolute time (every zone offset in use is a multiple of 15 minutes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .timegrid import GRID, Interval, intervals_merge

__all__ = ["CONFLICT_STATUSES", "RowTimes", "first_common_free_slot", "grid_ceil"]

# Working elsewhere is available (e.g. at home); tentative counts as taken.
CONFLICT_STATUSES = frozenset({"tentative", "busy", "oof", "unknown"})


@dataclass(frozen=True)
class RowTimes:
    """One row for the search: its taken intervals, and its working intervals (None: any time)."""

    busy: list[Interval]
    working: list[Interval] | None


def grid_ceil(value: datetime, step: timedelta = GRID) -> datetime:
    """`value` rounded up to the grid (absolute time, UTC)."""
    value = value.astimezone(UTC)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    remainder = (value - epoch) % step
    return value if not remainder else value + (step - remainder)


def _containing(intervals: list[Interval], start: datetime, end: datetime) -> bool:
    return any(b <= start and end <= e for b, e in intervals)


def _next_start(intervals: list[Interval], after: datetime) -> datetime | None:
    later = [b for b, _e in intervals if b > after]
    return min(later) if later else None


def first_common_free_slot(
    *,
    rows: list[RowTimes],
    after: datetime,
    duration: timedelta,
    until: datetime,
    step: timedelta = GRID,
) -> Interval | None:
    """The earliest [start, start+duration) on the grid at or after `after`, ending by
    `until`, inside every row's working hours and overlapping nobody's busy time."""
    if duration <= timedelta(0):
        raise ValueError("duration must be positive")
    busy = intervals_merge([iv for row in rows for iv in row.busy])
    workings = [intervals_merge(row.working) for row in rows if row.working is not None]
    candidate = grid_ceil(after, step)
    while candidate + duration <= until:
        end = candidate + duration
        jump: datetime | None = None
        for working in workings:
            if not _containing(working, candidate, end):
                upcoming = _next_start(working, candidate)
                if upcoming is None:
                    return None
                jump = upcoming if jump is None else max(jump, upcoming)
        if jump is not None:
            candidate = grid_ceil(jump, step)
            continue
        clash = [e for b, e in busy if b < end and e > candidate]
        if clash:
            candidate = grid_ceil(max(clash), step)
            continue
        return candidate, end
    return None
