"""POST /me/calendar/getSchedule (calendar-getschedule, outlook-get-free-busy-schedule)."""

from datetime import timedelta

import pytest

from .conftest import event_payload, next_weekday
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def request(start, hours=2, schedules=("ben@muster.example",), interval=30):
    fmt = "%Y-%m-%dT%H:%M:%S"
    return {
        "schedules": list(schedules),
        "startTime": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
        "endTime": {"dateTime": (start + timedelta(hours=hours)).strftime(fmt), "timeZone": "UTC"},
        "availabilityViewInterval": interval,
    }


def test_it_reports_busy_tentative_and_oof_slots(sim):
    start = next_weekday(9)
    sim.call("POST", "me/events", who=sim.ben, json=event_payload(start, minutes=30))
    sim.call(
        "POST",
        "me/events",
        who=sim.ben,
        json=event_payload(start + timedelta(minutes=30), minutes=30, showAs="tentative"),
    )
    sim.call(
        "POST",
        "me/events",
        who=sim.ben,
        json=event_payload(start + timedelta(minutes=90), minutes=30, showAs="oof"),
    )
    resp = sim.call(
        "POST",
        "me/calendar/getSchedule",
        json=request(start, schedules=["ben@muster.example", "raum.rhein@muster.example"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["@odata.context"].endswith("Collection(microsoft.graph.scheduleInformation)")
    ben, room = body["value"]
    assert ben["scheduleId"] == "ben@muster.example"
    assert ben["availabilityView"] == "2103"
    assert [i["status"] for i in ben["scheduleItems"]] == ["busy", "tentative", "oof"]
    assert "subject" not in ben["scheduleItems"][0]
    assert ben["scheduleItems"][0]["start"]["timeZone"] == "UTC"
    assert ben["workingHours"]["daysOfWeek"][0] == "monday"
    assert room["availabilityView"] == "0000"


def test_unknown_and_not_shared_addresses_get_an_error_inside_the_200(sim):
    sim.ben.freebusy_shared = False
    sim.ben.save()
    resp = sim.call(
        "POST",
        "me/calendar/getSchedule",
        json=request(next_weekday(9), schedules=["ben@muster.example", "wer@extern.example"]),
    )
    assert resp.status_code == 200
    ben, unknown = resp.json()["value"]
    assert set(ben) == {"scheduleId", "error"}
    assert ben["error"]["responseCode"] == "ErrorNoFreeBusyAccess"
    assert unknown["error"]["responseCode"] == "5009"
    assert isinstance(unknown["error"]["message"], str)


def test_more_than_100_schedules_is_rejected(sim):
    many = [f"u{i}@muster.example" for i in range(101)]
    resp = sim.call(
        "POST", "me/calendar/getSchedule", json=request(next_weekday(9), schedules=many)
    )
    assert_graph_error(resp, 400, "ErrorMailboxDataArrayTooBig")
    assert "allowed size = 100" in resp.json()["error"]["message"]


def test_interval_must_be_between_5_and_1440(sim):
    resp = sim.call("POST", "me/calendar/getSchedule", json=request(next_weekday(9), interval=4))
    assert_graph_error(resp, 400, "ErrorInvalidMergedFreeBusyInterval")


def test_window_over_42_days_is_rejected(sim):
    resp = sim.call("POST", "me/calendar/getSchedule", json=request(next_weekday(9), hours=43 * 24))
    assert_graph_error(resp, 400, "ErrorTimeIntervalTooBig")


def test_own_schedule_shows_subjects(sim):
    start = next_weekday(9)
    sim.call("POST", "me/events", json=event_payload(start, subject="Eigener Termin"))
    item = sim.call(
        "POST", "me/calendar/getSchedule", json=request(start, schedules=["anna@muster.example"])
    ).json()["value"][0]
    assert item["scheduleItems"][0]["subject"] == "Eigener Termin"
