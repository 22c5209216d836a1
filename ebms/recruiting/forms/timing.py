"""Dates and times typed in the company's time zone, never the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Dates outside this range are typing errors; outside it time zone arithmetic overflows.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
# The largest id a database integer holds (SQLite raises OverflowError beyond it).
MAX_ID = 2**63 - 1


def date_in_range(value: date) -> None:
    """Validator: a date between 1900 and 2100."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(
            _("Bitte ein Datum zwischen %(first)d und %(last)d angeben."),
            code="date_out_of_range",
            params={"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
        )


TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


def zoned(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """`day` at `clock` in `zone` as an aware datetime.

    A wall time skipped by the spring DST change (02:30 on the last Sunday of March in
    Berlin) does not exist; it is refused instead of being shifted silently. A wall time
    the autumn change repeats (02:30 on the last Sunday of October) is ambiguous: refused
    too, as nobody can tell which of the two the candidate would read.
    """
    local = datetime.combine(day, clock).replace(tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise forms.ValidationError(
            _("Die Uhrzeit %(time)s gibt es am %(date)s wegen der Zeitumstellung nicht."),
            code="nonexistent",
            params={"time": clock.strftime("%H:%M"), "date": formats.date_format(day)},
        )
    if local.utcoffset() != local.replace(fold=1).utcoffset():
        raise forms.ValidationError(
            _(
                "Die Uhrzeit %(time)s gibt es am %(date)s wegen der Zeitumstellung zweimal. "
                "Bitte eine Uhrzeit davor oder danach wählen."
            ),
            code="ambiguous",
            params={"time": clock.strftime("%H:%M"), "date": formats.date_format(day)},
        )
    return local


def split(value: datetime, zone: ZoneInfo) -> tuple[date, time]:
    """Date and wall time of `value` in `zone` (for form initial values)."""
    local = value.astimezone(zone)
    return local.date(), local.time().replace(second=0, microsecond=0)
