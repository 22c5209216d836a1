"""Statuses of the timeline rows come from getSchedule's scheduleItems and availabilityView."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from calendar_integration.availability.freebusy import schedule_parse

from .conftest import at, client_for, mailbox, sim_event

URL = reverse("calendar_integration:availability_picker")


def _row(data, key):
    return next(r for r in data["rows"] if r["key"] == key)


def test_it_maps_each_outlook_status_of_a_colleague(m365, planner, colleague):
    olaf = colleague("olaf")
    box = mailbox(olaf.email)
    sim_event(box, at("2027-03-22", "08:00"), at("2027-03-22", "09:00"), show_as="tentative")
    sim_event(box, at("2027-03-22", "09:00"), at("2027-03-22", "10:30"), show_as="busy")
    sim_event(box, at("2027-03-22", "11:00"), at("2027-03-22", "12:00"), show_as="oof")
    sim_event(box, at("2027-03-22", "13:00"), at("2027-03-22", "14:00"), show_as="workingElsewhere")
    sim_event(box, at("2027-03-22", "15:00"), at("2027-03-22", "16:00"), show_as="free")

    response = client_for(planner).get(URL, {"start": "2027-03-22", "observers": olaf.pk})

    assert response.status_code == 200
    row = _row(response.json(), f"user-{olaf.pk}")
    assert row["known"] is True
    assert [(b["start"], b["end"], b["status"]) for b in row["blocks"]] == [
        ("2027-03-22T07:00:00Z", "2027-03-22T08:00:00Z", "tentative"),
        ("2027-03-22T08:00:00Z", "2027-03-22T09:30:00Z", "busy"),
        ("2027-03-22T10:00:00Z", "2027-03-22T11:00:00Z", "oof"),
        ("2027-03-22T12:00:00Z", "2027-03-22T13:00:00Z", "workingElsewhere"),
    ]
    # Working hours from Microsoft (Mon-Fri 08:00-17:00 W. Europe) in UTC, winter time.
    assert row["working"] == [{"start": "2027-03-22T07:00:00Z", "end": "2027-03-22T16:00:00Z"}]


def test_it_reads_the_organisers_own_calendar(m365, planner):
    rita = mailbox(m365.recruiter.email)
    sim_event(rita, at("2027-03-23", "10:00"), at("2027-03-23", "10:45"))

    data = client_for(planner).get(URL, {"start": "2027-03-23"}).json()

    row = _row(data, f"user-{planner.pk}")
    assert row["kind"] == "recruiter" and row["known"]
    assert [(b["start"], b["status"]) for b in row["blocks"]] == [("2027-03-23T09:00:00Z", "busy")]


def test_view_digits_without_items_become_blocks_with_their_status():
    start = datetime(2027, 3, 22, 7, tzinfo=UTC)
    item = {
        "scheduleId": "x@contoso.example",
        "availabilityView": "0112234400",
        "scheduleItems": [],
    }

    parsed = schedule_parse(item, start=start, interval=15)

    assert [(b.strftime("%H:%M"), e.strftime("%H:%M"), s) for b, e, s in parsed["blocks"]] == [
        ("07:15", "07:45", "tentative"),
        ("07:45", "08:15", "busy"),
        ("08:15", "08:30", "oof"),
        ("08:30", "09:00", "workingElsewhere"),
    ]
    assert parsed["error"] is None


def test_items_win_over_the_digits_they_cover():
    start = datetime(2027, 3, 22, 7, tzinfo=UTC)
    item = {
        "availabilityView": "0220",
        "scheduleItems": [{
            "status": "busy", "subject": "Geheim", "location": "Raum 7",
            "start": {"dateTime": "2027-03-22T07:15:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2027-03-22T07:40:00.0000000", "timeZone": "UTC"},
        }],
    }  # fmt: skip

    parsed = schedule_parse(item, start=start, interval=15)

    # 07:15-07:40 from the item; 07:30-07:45 is not fully covered, so the digit stays.
    assert [(b.strftime("%H:%M"), e.strftime("%H:%M"), s) for b, e, s in parsed["blocks"]] == [
        ("07:15", "07:40", "busy"),
        ("07:30", "07:45", "busy"),
    ]
    assert "Geheim" not in repr(parsed) and "Raum 7" not in repr(parsed)
