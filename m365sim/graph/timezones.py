"""Time zone names as Graph accepts them: Windows names plus IANA names.

dateTimeTimeZone.timeZone and `Prefer: outlook.timezone` take Windows names (e.g.
"W. Europe Standard Time") or IANA names (e.g. "Europe/Berlin")
(https://learn.microsoft.com/graph/api/resources/datetimetimezone). The Windows -> IANA
table is Unicode CLDR's windowsZones (the "001" territory), which Microsoft's list follows;
we take it from icalendar, already a dependency.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from .errors import GraphError

_WINDOWS = {name.lower(): iana for name, iana in WINDOWS_TO_OLSON.items()}
_WINDOWS.update({"utc": "UTC", "coordinated universal time": "UTC"})
_IANA_TO_WINDOWS = {iana: name for name, iana in WINDOWS_TO_OLSON.items()}


class UnknownTimeZone(ValueError):
    pass


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The zone for a Windows or IANA name; raises UnknownTimeZone."""
    cleaned = (name or "").strip().strip('"')
    if not cleaned:
        raise UnknownTimeZone(name)
    iana = _WINDOWS.get(cleaned.lower(), cleaned)
    if "/" not in iana and iana.upper() != "UTC":
        raise UnknownTimeZone(name)  # offsets like "GMT+6:30" are not names
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(name)


def windows_name(iana: str) -> str:
    """Windows name for an IANA zone (or the name itself when there is none)."""
    return _IANA_TO_WINDOWS.get(iana, iana)


def zone_or_400(name: str) -> ZoneInfo:
    try:
        return zone(name)
    except UnknownTimeZone:
        raise GraphError(
            400,
            "TimeZoneNotSupportedException",
            f"A valid TimeZone value must be specified. The following TimeZone value is not "
            f"supported: '{name}'.",
        )


def parse_local(value: str, tz_name: str) -> datetime:
    """dateTimeTimeZone -> aware UTC datetime. An offset inside dateTime wins over timeZone."""
    if not isinstance(value, str) or not value:
        raise GraphError(400, "ErrorInvalidRequest", "Missing dateTime value.")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Graph sends 7 fractional digits; Python takes up to 6.
    if "." in text:
        head, _, frac = text.partition(".")
        digits = "".join(c for c in frac if c.isdigit())
        rest = frac[len(digits) :]
        text = f"{head}.{digits[:6]}{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            f"Cannot convert the literal '{value}' to the expected type 'Edm.DateTime'.",
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone_or_400(tz_name or "UTC"))
    return parsed.astimezone(UTC)


def format_in(value: datetime, tz_name: str) -> dict:
    """Aware datetime -> {"dateTime": "YYYY-MM-DDTHH:MM:SS.0000000", "timeZone": tz_name}."""
    local = value.astimezone(zone(tz_name))
    return {
        "dateTime": local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}0",
        "timeZone": tz_name,
    }


def prefer_timezone(prefer_header: str) -> str | None:
    """The zone named in `Prefer: outlook.timezone="..."`, if any."""
    for part in (prefer_header or "").split(","):
        key, _, val = part.strip().partition("=")
        if key.strip().lower() == "outlook.timezone" and val:
            return val.strip().strip('"')
    return None
