"""The next slot where everybody and the room are free, within working hours, across DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from calendar_integration.availability.slots import RowTimes, first_common_free_slot
from calendar_integration.availability.timegrid import WorkingHours

from .conftest import BERLIN, at, client_for, mailbox, sim_event

URL = reverse("calendar_integration:availability_next_slot")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _search(rows, after, minutes=60, days=7):
    return first_common_free_slot(
        rows=rows,
        after=after,
        duration=timedelta(minutes=minutes),
        until=after + timedelta(days=days),
    )


def _person(busy=(), zone=BERLIN, weekdays=range(5)):
    hours = WorkingHours(frozenset(weekdays), time(8), time(17), zone)
    lo, hi = _utc("2027-01-01T00:00"), _utc("2027-12-31T00:00")
    return RowTimes(busy=list(busy), working=hours.intervals(lo, hi))


@pytest.mark.parametrize(
    ("friday", "monday_8am_utc"),
    [("2027-03-26", "2027-03-29T06:00"), ("2027-10-29", "2027-11-01T07:00")],
    ids=["spring-forward", "fall-back"],
)
def test_a_full_friday_moves_the_slot_to_monday_8_local_across_the_dst_weekend(
    friday, monday_8am_utc
):
    day_busy = (at(friday, "08:00"), at(friday, "17:00"))

    found = _search([_person([day_busy]), _person()], after=at(friday, "07:00"))

    assert found == (_utc(monday_8am_utc), _utc(monday_8am_utc) + timedelta(hours=1))
    assert found[0].astimezone(BERLIN).time() == time(8)


def test_working_hours_on_the_dst_sunday_itself_keep_their_wall_times():
    sunday = WorkingHours(frozenset({6}), time(8), time(17), BERLIN)
    spring = sunday.intervals(_utc("2027-03-27T00:00"), _utc("2027-03-29T00:00"))
    autumn = sunday.intervals(_utc("2027-10-30T00:00"), _utc("2027-11-01T00:00"))

    assert spring == [(_utc("2027-03-28T06:00"), _utc("2027-03-28T15:00"))]
    assert autumn == [(_utc("2027-10-31T07:00"), _utc("2027-10-31T16:00"))]


def test_everybodys_working_hours_must_overlap():
    new_york = _person(zone=ZoneInfo("America/New_York"))  # 08:00 NY = 14:00 Berlin (winter)

    found = _search([_person(), new_york], after=at("2027-01-11", "07:00"), minutes=90)

    assert found == (at("2027-01-11", "14:00"), at("2027-01-11", "15:30"))


def test_the_room_has_no_working_hours_but_its_bookings_count():
    room = RowTimes(busy=[(at("2027-01-11", "08:00"), at("2027-01-11", "09:30"))], working=None)

    found = _search([_person(), room], after=at("2027-01-11", "07:00"))

    assert found == (at("2027-01-11", "09:30"), at("2027-01-11", "10:30"))


def test_nothing_free_within_the_horizon_answers_none():
    always = (at("2027-01-01", "00:00"), at("2027-12-31", "00:00"))

    assert _search([_person([always])], after=at("2027-01-11", "07:00")) is None


def test_the_endpoint_finds_the_common_slot_in_the_simulators_calendars_across_dst(
    m365, planner, colleague
):
    olaf = colleague("olaf")
    rita = mailbox(m365.recruiter.email)
    sim_event(rita, at("2027-03-26", "08:00"), at("2027-03-26", "12:00"))
    sim_event(mailbox(olaf.email), at("2027-03-26", "12:00"), at("2027-03-26", "17:00"))
    sim_event(mailbox(olaf.email), at("2027-03-29", "08:00"), at("2027-03-29", "09:15"),
              show_as="oof")  # fmt: skip
    sim_event(mailbox("raum.alpha@contoso.example"), at("2027-03-29", "09:15"),
              at("2027-03-29", "10:00"))  # fmt: skip

    answer = client_for(planner).get(URL, {
        "observers": olaf.pk, "room": "raum.alpha@contoso.example", "room_name": "Raum Alpha",
        "after": "2027-03-26T06:00:00Z", "duration": 45,
    })  # fmt: skip

    assert answer.status_code == 200, answer.content
    slot = answer.json()["slot"]
    assert (slot["date"], slot["start_time"], slot["end_time"]) == ("2027-03-29", "10:00", "10:45")
    assert slot["start"] == "2027-03-29T08:00:00Z"  # summer time since Sunday
    assert answer.json()["unverified"] == []
