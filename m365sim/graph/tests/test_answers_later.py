"""Exchange answers later: the room's booking assistant after the write, attendees whenever
they like, a Teams join URL after the create (fault "join_url_late")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from m365sim.graph import faults, later
from m365sim.models import Event

from .conftest import event_payload, next_weekday, time_passes

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])

BEN = {"emailAddress": {"address": "ben@muster.example"}, "type": "required"}
ROOM = {"emailAddress": {"address": "raum.rhein@muster.example"}, "type": "resource"}


def _status(sim, event_id: str, address: str) -> dict:
    body = sim.call("GET", f"me/events/{event_id}").json()
    return next(a for a in body["attendees"] if a["emailAddress"]["address"] == address)


def test_the_room_answers_after_its_delay_not_before(sim):
    sim.room.answer_delay_seconds = 60
    sim.room.save()
    created = sim.call("POST", "me/events", json=event_payload(next_weekday(9), attendees=[ROOM]))

    assert created.json()["attendees"][0]["status"]["response"] == "none"
    time_passes(30)
    assert _status(sim, created.json()["id"], ROOM["emailAddress"]["address"])["status"] == {
        "response": "none",
        "time": "0001-01-01T00:00:00Z",
    }
    assert not Event.objects.filter(mailbox=sim.room).exists()
    time_passes(31)
    answer = _status(sim, created.json()["id"], ROOM["emailAddress"]["address"])
    assert answer["status"]["response"] == "accepted"
    assert Event.objects.filter(mailbox=sim.room, ical_uid=created.json()["iCalUId"]).exists()


def test_a_room_outside_its_booking_policy_declines_later(sim):
    sim.room.booking_type = "reserved"
    sim.room.save()
    created = sim.call("POST", "me/events", json=event_payload(next_weekday(9), attendees=[ROOM]))
    key = created.json()["changeKey"]

    time_passes()
    body = sim.call("GET", f"me/events/{created.json()['id']}").json()

    assert body["attendees"][0]["status"]["response"] == "declined"
    assert body["changeKey"] != key


def test_an_attendee_accepts_declines_or_proposes_a_time_later(sim):
    start = next_weekday(10)
    created = sim.call(
        "POST", "me/events", json=event_payload(start, attendees=[BEN], allowNewTimeProposals=True)
    ).json()
    organizer_item = Event.objects.get(graph_id=created["id"])
    proposal = (start + timedelta(hours=2), start + timedelta(hours=3))
    later.attendee_answer_schedule(
        event=organizer_item,
        attendee=sim.ben,
        response="tentativelyAccepted",
        after=timedelta(hours=2),
        proposed_start=proposal[0],
        proposed_end=proposal[1],
    )

    time_passes(3600)
    assert _status(sim, created["id"], "ben@muster.example")["status"]["response"] == "none"
    time_passes(3601)
    ben = _status(sim, created["id"], "ben@muster.example")

    assert ben["status"]["response"] == "tentativelyAccepted"
    assert ben["proposedNewTime"]["start"]["dateTime"].startswith(
        proposal[0].strftime("%Y-%m-%dT%H:%M")
    )
    ben_copy = sim.call("GET", "me/events", who=sim.ben).json()["value"][0]
    assert ben_copy["responseStatus"]["response"] == "tentativelyAccepted"


def test_no_proposals_when_the_organizer_forbids_them(sim):
    created = sim.call(
        "POST",
        "me/events",
        json=event_payload(next_weekday(10), attendees=[BEN], allowNewTimeProposals=False),
    ).json()
    start = next_weekday(12)

    with pytest.raises(ValueError):
        later.attendee_answer_schedule(
            event=Event.objects.get(graph_id=created["id"]),
            attendee=sim.ben,
            response="declined",
            proposed_start=start,
            proposed_end=start + timedelta(hours=1),
        )


def test_join_url_late_the_create_promises_the_meeting_and_the_url_comes_later(sim):
    faults.inject(kind="join_url_late", method="POST", path_contains="/events", delay_ms=45000)
    created = sim.call(
        "POST",
        "me/events",
        json=event_payload(
            next_weekday(11), isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness"
        ),
    ).json()

    assert created["isOnlineMeeting"] is True and created["onlineMeeting"] is None
    time_passes(30)
    assert sim.call("GET", f"me/events/{created['id']}").json()["onlineMeeting"] is None
    time_passes(16)
    body = sim.call("GET", f"me/events/{created['id']}").json()

    assert body["onlineMeeting"]["joinUrl"].startswith("https://teams.microsoft.com/")
    assert body["onlineMeeting"]["joinUrl"] in body["body"]["content"]


@pytest.mark.parametrize(
    ("field", "value", "days"),
    [
        ("booking_window_days", 30, 40),  # outside its booking window
        ("book_in_policy", "ben@muster.example", 1),  # not allowed for this organizer
    ],
)
def test_the_room_declines_later_by_its_calendar_processing(sim, field, value, days):
    setattr(sim.room, field, value)
    sim.room.save()
    created = sim.call(
        "POST", "me/events", json=event_payload(next_weekday(9, days=days), attendees=[ROOM])
    ).json()
    assert created["attendees"][0]["status"]["response"] == "none"

    time_passes()

    answer = _status(sim, created["id"], ROOM["emailAddress"]["address"])
    assert answer["status"]["response"] == "declined"
