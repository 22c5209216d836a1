"""Time arithmetic of the picker: working hours, intervals, zones (Graph date-times:
microsoft/time.py).

Everything inside is aware UTC; wall times exist only where a zone is named (the
company's, or a mailbox's working-hours zone). Working hours are expanded day by day
in their own zone, so a day across a DST change keeps its 08:00-17:00 wall times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..microsoft.time import zone_named

__all__ = [
    "GRID",
    "Interval",
    "WorkingHours",
    "intervals_merge",
]

GRID = timedelta(minutes=15)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

Interval = tuple[datetime, datetime]


def intervals_merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of `intervals`."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _clock(value: str) -> time | None:
    try:
        return time.fromisoformat(str(value).split(".")[0])
    except ValueError:
        return None


@dataclass(frozen=True)
class WorkingHours:
    """Working days and wall-clock hours in a zone (Graph's workingHours, or our default)."""

    weekdays: frozenset[int]  # 0 = Monday
    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def default(cls, zone: ZoneInfo) -> WorkingHours:
        """Monday to Friday, 08:00-17:00 (Exchange's default working hours)."""
        return cls(frozenset(range(5)), time(8), time(17), zone)

    @classmethod
    def from_graph(cls, raw: dict | None, *, fallback_zone: ZoneInfo) -> WorkingHours | None:
        """Graph workingHours {daysOfWeek, startTime, endTime, timeZone{name}}; None if unusable."""
        if not isinstance(raw, dict):
            return None
        days = {
            WEEKDAYS.index(d.lower()) for d in raw.get("daysOfWeek") or [] if d.lower() in WEEKDAYS
        }
        start, end = _clock(raw.get("startTime", "")), _clock(raw.get("endTime", ""))
        if not days or start is None or end is None:
            return None
        zone = zone_named((raw.get("timeZone") or {}).get("name")) or fallback_zone
        return cls(frozenset(days), start, end, zone)

    def to_json(self) -> dict:
        return {
            "weekdays": sorted(self.weekdays),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "zone": self.zone.key,
        }

    @classmethod
    def from_json(cls, raw: dict) -> WorkingHours:
        return cls(
            frozenset(raw["weekdays"]),
            time.fromisoformat(raw["start"]),
            time.fromisoformat(raw["end"]),
            ZoneInfo(raw["zone"]),
        )

    def intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """The working intervals (UTC) overlapping [start, end), day by day in self.zone."""
        day: date = start.astimezone(self.zone).date() - timedelta(days=1)
        last: date = end.astimezone(self.zone).date()
        found: list[Interval] = []
        while day <= last:
            if day.weekday() in self.weekdays:
                begin = datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)
                if self.end > self.start:
                    stop = datetime.combine(day, self.end, tzinfo=self.zone)
                else:  # hours past midnight (night shift): end on the next day
                    stop = datetime.combine(day + timedelta(days=1), self.end, tzinfo=self.zone)
                begin, stop = max(begin, start), min(stop.astimezone(UTC), end)
                if begin < stop:
                    found.append((begin, stop))
            day += timedelta(days=1)
        return found
