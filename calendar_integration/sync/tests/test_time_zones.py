"""Companies outside Germany: Outlook gets the Windows zone name (Graph refuses IANA names off
its list, resources/datetimetimezone) and shows the EBMS times, also across a DST switch."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ebms.recruiting.services import appointment_cancel, appointment_create, appointment_update

from .conftest import events_of, record_of


def _day_before_next_dst_switch(zone: ZoneInfo) -> datetime:
    day = timezone.localdate(timezone.now(), zone) + timedelta(days=2)
    while True:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
        if (noon + timedelta(days=1)).utcoffset() != noon.utcoffset():
            return noon.replace(hour=10)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("zone", "windows"),
    [
        ("Europe/Vienna", "W. Europe Standard Time"),
        ("Europe/Zurich", "W. Europe Standard Time"),
        ("Europe/London", "GMT Standard Time"),
    ],
)
def test_outlook_times_equal_ebms_times_across_the_dst_switch(
    m365, rita, muster, alice, application, zone, windows
):
    muster.time_zone = zone
    muster.full_clean()
    muster.save()
    local = ZoneInfo(zone)
    start = _day_before_next_dst_switch(local)

    appointment = appointment_create(
        by=alice, application=application, recruiter=alice, observers=[], kind="onsite",
        starts_at=start, ends_at=start + timedelta(hours=1), location="Ring 1",
        title="Vorstellungsgespräch",
    )  # fmt: skip

    (event,) = events_of(m365.recruiter)
    assert event.original_start_tz == windows
    assert (event.start, event.end) == (appointment.starts_at, appointment.ends_at)

    later = (start + timedelta(days=3)).replace(tzinfo=local)  # same wall time, other offset
    assert later.utcoffset() != start.utcoffset()
    appointment_update(
        appointment=appointment, by=alice, starts_at=later, ends_at=later + timedelta(hours=1)
    )

    event.refresh_from_db()
    assert (event.start, event.end) == (later, later + timedelta(hours=1))
    assert event.start.astimezone(local).hour == 10

    appointment_cancel(appointment=appointment, by=alice, reason="Stelle besetzt")

    assert not events_of(m365.recruiter)
    assert record_of(appointment).removed
