"""The one Graph date/time module: dateTimeTimeZone out (UTC or a named zone) and in
(7 fractional digits, IANA or Windows zone names such as "W. Europe Standard Time").

https://learn.microsoft.com/graph/api/resources/datetimetimezone
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from tzlocal.windows_tz import win_tz

from ebms.timezones import windows_zone_name

__all__ = ["graph_parse", "graph_utc", "graph_when", "zone_named"]

FORMAT = "%Y-%m-%dT%H:%M:%S"
_WINDOWS = {name.lower(): iana for name, iana in {**WINDOWS_TO_OLSON, **win_tz}.items()}
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
    """A dateTimeTimeZone in the IANA zone `zone_name`, named by its Windows name (wall time,
    no offset inside dateTime): Graph takes only a short list of IANA names
    (https://learn.microsoft.com/graph/api/resources/datetimetimezone)."""
    # Company.clean refuses zones without a Windows name; UTC stands in for older rows.
    windows = windows_zone_name(zone_name)
    if windows is None or windows == "UTC":
        return graph_utc(value)
    local = value.astimezone(ZoneInfo(zone_name))
    return {"dateTime": local.strftime(FORMAT), "timeZone": windows}


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
