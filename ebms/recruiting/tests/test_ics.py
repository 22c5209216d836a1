"""The candidate's .ics: parsed back with icalendar, including DST in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from icalendar import Calendar

from ebms.recruiting.ics import appointment_ics
from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER, Appointment
from ebms.recruiting.services import appointment_cancel, appointment_update
from ebms.recruiting.tests import factories as f

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def w():
    return f.world()


def parse(appointment: Appointment, **kwargs):
    calendar = Calendar.from_ical(appointment_ics(appointment, **kwargs))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def stored(w, start: datetime, **fields) -> Appointment:
    """Created in the database directly: the date may already be past (rendering only)."""
    appointment = Appointment.objects.create(
        company=w.company,
        application=w.application,
        recruiter=w.alice,
        kind=fields.pop("kind", "onsite"),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        title=fields.pop("title", "Vorstellungsgespräch"),
        location=fields.pop("location", "Hauptstraße 1"),
        **fields,
    )
    return Appointment.objects.select_related("company", "recruiter", "application__candidate").get(
        pk=appointment.pk
    )


def test_it_describes_the_appointment_for_the_candidate_only(w):
    appointment = f.appointment(
        application=w.application,
        by=w.alice,
        observers=[w.bob],
        internal_description="INTERN: Gehaltsband B",
        candidate_message="Bitte Zeugnisse mitbringen.",
    )
    calendar, event = parse(appointment)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{appointment.ical_uid}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Vorstellungsgespräch"
    assert str(event["LOCATION"]) == "Hauptstraße 1, Berlin"
    assert str(event["DESCRIPTION"]) == "Bitte Zeugnisse mitbringen."
    assert event.get("DTSTAMP") is not None
    assert str(event["ORGANIZER"]) == f"mailto:{w.alice.email}"
    assert event["ORGANIZER"].params["CN"] == "Alice Beispiel"
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list)  # exactly one attendee: the candidate
    assert str(attendee) == "mailto:dana@bewerber.example"
    raw = appointment_ics(appointment).decode()
    assert "INTERN" not in raw and w.bob.email not in raw and "Gehaltsband" not in raw


def test_the_uid_domain_follows_site_url(w):
    appointment = f.appointment(application=w.application, by=w.alice)
    with override_settings(SITE_URL="https://ebms.example.com"):
        _calendar, event = parse(appointment)
    assert str(event["UID"]).endswith("@ebms.example.com")


def test_uid_is_stable_and_sequence_rises_on_time_change_and_cancel(w):
    appointment = f.appointment(application=w.application, by=w.alice)
    _c, first = parse(appointment)
    moved = appointment_update(
        appointment=appointment,
        by=w.alice,
        starts_at=appointment.starts_at + timedelta(hours=1),
        ends_at=appointment.ends_at + timedelta(hours=1),
    )
    _c, second = parse(moved)
    retitled = appointment_update(appointment=moved, by=w.alice, location="Nebenstraße 2")
    _c, third = parse(retitled)
    cancelled = appointment_cancel(appointment=retitled, by=w.alice, reason="krank")
    calendar, fourth = parse(cancelled)
    assert len({str(e["UID"]) for e in (first, second, third, fourth)}) == 1
    assert [e["SEQUENCE"] for e in (first, second, third, fourth)] == [0, 1, 1, 2]
    assert calendar["METHOD"] == "CANCEL" and fourth["STATUS"] == "CANCELLED"


def test_times_carry_the_company_tzid_with_a_vtimezone(w):
    appointment = f.appointment(application=w.application, by=w.alice)
    raw = appointment_ics(appointment).decode()
    assert "DTSTART;TZID=Europe/Berlin:" in raw and "DTEND;TZID=Europe/Berlin:" in raw
    calendar = Calendar.from_ical(raw)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Berlin"


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        # Sunday 2026-10-25: back to CET (UTC+1) at 03:00.
        (datetime(2026, 10, 25, 10, 0), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
        # Sunday 2027-03-28: to CEST (UTC+2) at 02:00.
        (datetime(2027, 3, 28, 10, 0), datetime(2027, 3, 28, 8, 0, tzinfo=UTC)),
        # The days before, still on the other offset.
        (datetime(2026, 10, 24, 10, 0), datetime(2026, 10, 24, 8, 0, tzinfo=UTC)),
        (datetime(2027, 3, 27, 10, 0), datetime(2027, 3, 27, 9, 0, tzinfo=UTC)),
    ],
)
def test_dst_days_resolve_through_the_files_own_vtimezone(w, local, utc):
    appointment = stored(w, local.replace(tzinfo=BERLIN))
    assert appointment.starts_at == utc
    calendar, event = parse(appointment)
    raw_start = event["DTSTART"].to_ical().decode()
    assert raw_start == local.strftime("%Y%m%dT%H%M%S")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    # Resolve with the VTIMEZONE in the file, not the system's zone database.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    zone_from_file = vtimezone.to_tz(lookup_tzid=False)
    assert local.replace(tzinfo=zone_from_file).astimezone(UTC) == utc
    assert event.decoded("DTSTART").astimezone(UTC) == utc
    assert event.decoded("DTEND").astimezone(UTC) == utc + timedelta(hours=1)


def test_an_appointment_spanning_the_autumn_change_keeps_its_real_duration(w):
    # 02:30 CEST to 04:30 CET on 2026-10-25: two hours on the clock, three real hours.
    start = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    appointment = stored(w, start)
    Appointment.objects.filter(pk=appointment.pk).update(ends_at=start + timedelta(hours=3))
    appointment.refresh_from_db()
    _calendar, event = parse(appointment)
    assert event["DTSTART"].to_ical().decode() == "20261025T023000"  # CEST
    assert event["DTEND"].to_ical().decode() == "20261025T043000"  # CET
    # Aware datetimes in one zone subtract by wall clock in Python: compare in UTC.
    duration = event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC)
    assert duration == timedelta(hours=3)


def test_html_in_texts_is_plain_text_in_the_file(w):
    appointment = f.appointment(
        application=w.application,
        by=w.alice,
        title="<b>Gespräch</b>",
        location='<img src=x onerror="alert(1)">',
        candidate_message="<script>alert(1)</script>\nZeile 2; mit, Kommas",
    )
    _calendar, event = parse(appointment)
    assert str(event["SUMMARY"]) == "<b>Gespräch</b>"  # text, never interpreted as markup
    assert str(event["DESCRIPTION"]) == "<script>alert(1)</script>\nZeile 2; mit, Kommas"
    raw = appointment_ics(appointment).decode()
    assert "Zeile 2\\; mit\\, Kommas" in raw  # RFC 5545 escaping, no injected properties
    assert "\nBEGIN:VALARM" not in raw


def test_a_newline_in_the_title_cannot_inject_properties(w):
    appointment = stored(
        w, datetime(2027, 3, 28, 10, tzinfo=BERLIN), title="X\nATTENDEE:mailto:evil@x"
    )
    _calendar, event = parse(appointment)
    assert str(event["ATTENDEE"]) == "mailto:dana@bewerber.example"


def test_phone_and_online_locations(w):
    phone = f.appointment(application=w.application, by=w.alice, kind="phone")
    assert str(parse(phone)[1]["LOCATION"]) == "Telefon"
    online = f.appointment(
        application=w.application,
        by=w.alice,
        kind="online",
        meeting_link="https://meet.example/abc",
        candidate_message=f"Teilnahme: {JOIN_INFO_PLACEHOLDER}",
    )
    _calendar, event = parse(online)
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    assert str(event["DESCRIPTION"]) == "Teilnahme: https://meet.example/abc"


def test_a_candidate_without_email_is_no_attendee(db):
    w = f.world(email="")
    appointment = f.appointment(application=w.application, by=w.alice)
    _calendar, event = parse(appointment)
    assert "ATTENDEE" not in event
