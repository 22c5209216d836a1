"""Time zone names as Graph accepts them: Windows names plus a documented list of IANA names.

dateTimeTimeZone.timeZone and `Prefer: outlook.timezone` take "any of the time zones
supported by Windows, as well as the following time zone names" — a fixed list of IANA names
(https://learn.microsoft.com/graph/api/resources/datetimetimezone, transcribed below).
Europe/Berlin is on it; Europe/Vienna, Europe/Zurich, Europe/Amsterdam are not, and Graph
answers them with 400 TimeZoneNotSupportedException (microsoft-graph-docs issue 4758).
Windows names -> IANA: Unicode CLDR's windowsZones, from tzlocal (full table) and icalendar.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from tzlocal.windows_tz import tz_win, win_tz

from .errors import GraphError

_WINDOWS = {name.lower(): iana for name, iana in {**WINDOWS_TO_OLSON, **win_tz}.items()}
_WINDOWS.update({"utc": "UTC", "coordinated universal time": "UTC"})
_IANA_TO_WINDOWS = {iana: name for name, iana in WINDOWS_TO_OLSON.items()}
_IANA_TO_WINDOWS.update(tz_win)

# The "additional time zones" of resources/datetimetimezone.md, as listed there. The page
# writes a few with their old name in brackets ("Europe/Kyiv (Kiev)"): both are taken.
DOCUMENTED_IANA = frozenset(
    """
    Etc/GMT+12 Etc/GMT+11 Pacific/Honolulu America/Anchorage America/Santa_Isabel
    America/Los_Angeles America/Phoenix America/Chihuahua America/Denver America/Guatemala
    America/Chicago America/Mexico_City America/Regina America/Bogota America/New_York
    America/Indiana/Indianapolis America/Caracas America/Asuncion America/Halifax America/Cuiaba
    America/La_Paz America/Santiago America/St_Johns America/Sao_Paulo
    America/Argentina/Buenos_Aires America/Cayenne America/Godthab America/Montevideo
    America/Bahia Etc/GMT+2 Atlantic/Azores Atlantic/Cape_Verde Africa/Casablanca Etc/GMT
    Europe/London Atlantic/Reykjavik Europe/Berlin Europe/Budapest Europe/Paris Europe/Warsaw
    Africa/Lagos Africa/Windhoek Europe/Bucharest Asia/Beirut Africa/Cairo Asia/Damascus
    Africa/Johannesburg Europe/Kyiv Europe/Kiev Europe/Istanbul Asia/Jerusalem Asia/Amman
    Asia/Baghdad Europe/Kaliningrad Asia/Riyadh Africa/Nairobi Asia/Tehran Asia/Dubai Asia/Baku
    Europe/Moscow Indian/Mauritius Asia/Tbilisi Asia/Yerevan Asia/Kabul Asia/Karachi
    Asia/Toshkent Asia/Tashkent Asia/Kolkata Asia/Colombo Asia/Kathmandu Asia/Astana
    Asia/Almaty Asia/Dhaka Asia/Yekaterinburg Asia/Yangon Asia/Rangoon Asia/Bangkok
    Asia/Novosibirsk Asia/Shanghai Asia/Krasnoyarsk Asia/Singapore Australia/Perth Asia/Taipei
    Asia/Ulaanbaatar Asia/Irkutsk Asia/Tokyo Asia/Seoul Australia/Adelaide Australia/Darwin
    Australia/Brisbane Australia/Sydney Pacific/Port_Moresby Australia/Hobart Asia/Yakutsk
    Pacific/Guadalcanal Asia/Vladivostok Pacific/Auckland Etc/GMT-12 Pacific/Fiji Asia/Magadan
    Pacific/Tongatapu Pacific/Apia Pacific/Kiritimati
    """.split()  # noqa: SIM905 - kept as the page lists them
)
# Names on the list that tzdata spells otherwise.
_TZDATA = {"Asia/Toshkent": "Asia/Tashkent", "Asia/Astana": "Asia/Almaty"}


class UnknownTimeZone(ValueError):
    pass


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The zone for a Windows or IANA name; raises UnknownTimeZone."""
    cleaned = (name or "").strip().strip('"')
    if not cleaned:
        raise UnknownTimeZone(name)
    iana = _WINDOWS.get(cleaned.lower())
    if iana is None:
        if cleaned not in DOCUMENTED_IANA:
            raise UnknownTimeZone(name)  # not Windows, not on Microsoft's list
        iana = _TZDATA.get(cleaned, cleaned)
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
