"""The one Graph date/time module: dateTimeTimeZone out (UTC or a named zone) and in
(7 fractional digits, IANA or Windows zone names such as "W. Europe Standard Time").

https://learn.microsoft.com/graph/api/resources/datetimetimezone
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

__all__ = ["graph_parse", "graph_utc", "graph_when", "zone_named"]

FORMAT = "%Y-%m-%dT%H:%M:%S"
_WINDOWS = {name.lower(): iana for name, iana in WINDOWS_TO_OLSON.items()}
_WINDOWS.update({"utc": "UTC", "coordinated universal time": "UTC"})


@lru_cache(maxsize=128)
def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone for a Windows ("W. Europe Standard Time") or IANA name; None if unknown."""
    cleaned = (name or "").strip()
    if not cleaned:
        return None
    try:
        return ZoneInfo(_WINDOWS.get(cleaned.lower(), cleaned))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def graph_utc(value: datetime) -> dict[str, str]:
    """A dateTimeTimeZone in UTC (Graph answers in UTC too unless told otherwise)."""
    return {"dateTime": value.astimezone(UTC).strftime(FORMAT), "timeZone": "UTC"}


def graph_when(value: datetime, zone_name: str) -> dict[str, str]:
    """A dateTimeTimeZone in the named zone (wall time, no offset inside dateTime)."""
    local = value.astimezone(ZoneInfo(zone_name))
    return {"dateTime": local.strftime(FORMAT), "timeZone": zone_name}


def graph_parse(value: object) -> datetime | None:
    """A dateTimeTimeZone from Graph as aware UTC; None when it is not one."""
    if not isinstance(value, dict) or not value.get("dateTime"):
        return None
    text = str(value["dateTime"]).strip().removesuffix("Z")
    head, _dot, fraction = text.partition(".")
    try:
        parsed = datetime.fromisoformat(head)
    except ValueError:
        return None
    if fraction[:6].isdigit():
        parsed = parsed.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone_named(value.get("timeZone")) or UTC)
    return parsed.astimezone(UTC)
