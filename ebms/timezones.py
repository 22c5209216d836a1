"""IANA -> Windows time zone names, for the places where Microsoft wants Windows names.

Microsoft Graph's dateTimeTimeZone accepts Windows zone names and only a short list of IANA
names (https://learn.microsoft.com/graph/api/resources/datetimetimezone): Europe/Berlin is on
it, Europe/Vienna, Europe/Zurich and Europe/Amsterdam are not. So EBMS always writes the
Windows name. The table is Unicode CLDR's windowsZones (every territory's IANA zones), as
shipped by tzlocal (`tz_win`); icalendar's `WINDOWS_TO_OLSON` holds only the one "001" zone
per Windows name (Europe/Berlin, not Vienna or Zurich), so it fills gaps only.

Lives in `ebms` (not the calendar module) so that accounts can refuse a company zone that
has no Windows name when the company is saved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from tzlocal.windows_tz import tz_win

_IANA_TO_WINDOWS: dict[str, str] = {iana: name for name, iana in WINDOWS_TO_OLSON.items()}
_IANA_TO_WINDOWS.update(tz_win)

__all__ = ["validate_windows_zone", "windows_zone_name"]


def windows_zone_name(iana: str) -> str | None:
    """The Windows name of an IANA zone ("Europe/Vienna" -> "W. Europe Standard Time")."""
    return _IANA_TO_WINDOWS.get(iana)


def validate_windows_zone(value: str) -> None:
    """Refuse a zone Microsoft 365 cannot be told (no Windows name)."""
    if windows_zone_name(value) is None:
        raise ValidationError(
            _(
                "Die Zeitzone „%(zone)s“ kennt Microsoft 365 nicht. Bitte eine Zeitzone "
                "wählen, die Outlook anbietet (z. B. die der Hauptstadt)."
            ),
            code="no_windows_zone",
            params={"zone": value},
        )
