"""Reads for the ops pages: a mailbox's week, fault rules, the request log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from m365sim.graph.timezones import UnknownTimeZone, zone
from m365sim.models import Event, Mailbox, RequestLogEntry

DAY_START_HOUR = 7
DAY_END_HOUR = 20
PX_PER_MINUTE = 1.2  # 72 px an hour: a 30-minute event shows its title and time


@dataclass
class Block:
    event: Event
    start: datetime
    end: datetime
    top: int
    height: int
    join_url: str


@dataclass
class Day:
    date: date
    blocks: list[Block]


def mailbox_zone(mailbox: Mailbox):
    try:
        return zone(mailbox.time_zone or "Europe/Berlin")
    except UnknownTimeZone:
        return zone("Europe/Berlin")


def week_of(mailbox: Mailbox, *, monday: date) -> list[Day]:
    """Seven days from `monday` with their events laid out as blocks (local time)."""
    tz = mailbox_zone(mailbox)
    start = datetime.combine(monday, time.min, tzinfo=tz)
    end = start + timedelta(days=7)
    events = list(
        Event.objects.filter(mailbox=mailbox, start__lt=end, end__gt=start).order_by("start", "pk")
    )
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_start = datetime.combine(day, time(DAY_START_HOUR), tzinfo=tz)
        day_end = datetime.combine(day, time(DAY_END_HOUR), tzinfo=tz)
        blocks = []
        for ev in events:
            s, e = ev.start.astimezone(tz), ev.end.astimezone(tz)
            if (
                s.date() > day
                or e.date() < day
                or (e.date() == day and e.time() == time.min and s.date() < day)
            ):
                continue
            shown_s, shown_e = max(s, day_start), min(e, day_end)
            if shown_e <= shown_s:
                shown_s, shown_e = day_start, day_start + timedelta(minutes=30)
            top = int((shown_s - day_start).total_seconds() / 60 * PX_PER_MINUTE)
            height = max(int((shown_e - shown_s).total_seconds() / 60 * PX_PER_MINUTE), 18)
            blocks.append(
                Block(ev, s, e, top, height, (ev.online_meeting or {}).get("joinUrl", ""))
            )
        days.append(Day(day, blocks))
    return days


def hours() -> list[dict]:
    return [
        {"label": f"{h:02d}:00", "top": int((h - DAY_START_HOUR) * 60 * PX_PER_MINUTE)}
        for h in range(DAY_START_HOUR, DAY_END_HOUR)
    ]


def log_entries(*, mailbox: str = "", limit: int = 200) -> list[RequestLogEntry]:
    qs = RequestLogEntry.objects.order_by("-at", "-pk")
    if mailbox:
        qs = qs.filter(mailbox__iexact=mailbox)
    return list(qs[:limit])
