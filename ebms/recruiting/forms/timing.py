"""Dates and times typed in the company's time zone, never the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


def zoned(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """`day` at `clock` in `zone` as an aware datetime.

    A wall time skipped by the spring DST change (02:30 on the last Sunday of March in
    Berlin) does not exist; it is refused instead of being shifted silently. An ambiguous
    autumn time takes its first occurrence (summer time).
    """
    local = datetime.combine(day, clock).replace(tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise forms.ValidationError(
            _("Die Uhrzeit %(time)s gibt es am %(date)s wegen der Zeitumstellung nicht."),
            code="nonexistent",
            params={"time": clock.strftime("%H:%M"), "date": formats.date_format(day)},
        )
    return local


def split(value: datetime, zone: ZoneInfo) -> tuple[date, time]:
    """Date and wall time of `value` in `zone` (for form initial values)."""
    local = value.astimezone(zone)
    return local.date(), local.time().replace(second=0, microsecond=0)
