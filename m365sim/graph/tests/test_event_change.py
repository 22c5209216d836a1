"""PATCH / DELETE / cancel (event-update, event-delete, event-cancel pages)."""

from datetime import timedelta

import pytest

from m365sim.models import Event

from .conftest import event_payload, next_weekday, time_passes
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])

BEN = {"emailAddress": {"address": "ben@muster.example"}, "type": "required"}
ROOM = {"emailAddress": {"address": "raum.rhein@muster.example"}, "type": "resource"}


def create(sim, start=None, **extra):
    resp = sim.call("POST", "me/events", json=event_payload(start or next_weekday(9), **extra))
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_patch_changes_only_the_given_fields_and_copies_follow(sim):
    event = create(sim, attendees=[BEN], location={"displayName": "Empfang"})
    resp = sim.call("PATCH", f"me/events/{event['id']}", json={"subject": "Neuer Titel"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["subject"] == "Neuer Titel"
    assert body["location"]["displayName"] == "Empfang"
    assert body["start"] == event["start"]
    assert body["changeKey"] != event["changeKey"]
    ben_copy = sim.call("GET", "me/events", who=sim.ben).json()["value"][0]
    assert ben_copy["subject"] == "Neuer Titel"


def test_replacing_the_body_without_the_join_block_drops_the_meeting(sim):
    event = create(sim, isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness")
    kept = sim.call(
        "PATCH",
        f"me/events/{event['id']}",
        json={"body": {"contentType": "HTML", "content": "<p>Neu</p>" + event["body"]["content"]}},
    ).json()
    assert kept["isOnlineMeeting"] is True
    assert kept["onlineMeeting"]["joinUrl"] == event["onlineMeeting"]["joinUrl"]
    dropped = sim.call(
        "PATCH",
        f"me/events/{event['id']}",
        json={"body": {"contentType": "HTML", "content": "<p>Nur Text</p>"}},
    ).json()
    assert dropped["isOnlineMeeting"] is False
    assert dropped["onlineMeeting"] is None


def test_moving_the_event_re_evaluates_the_room(sim):
    start = next_weekday(9)
    create(sim, start=start + timedelta(hours=3), subject="Blocker", attendees=[ROOM])
    event = create(sim, start=start, attendees=[ROOM])
    time_passes()
    event = sim.call("GET", f"me/events/{event['id']}").json()
    assert event["attendees"][0]["status"]["response"] == "accepted"
    new_start = start + timedelta(hours=3)
    moved = sim.call(
        "PATCH",
        f"me/events/{event['id']}",
        json={
            "start": {"dateTime": new_start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "end": {
                "dateTime": (new_start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                "timeZone": "UTC",
            },
        },
    ).json()
    assert moved["attendees"][0]["status"]["response"] == "none"
    time_passes()
    moved = sim.call("GET", f"me/events/{event['id']}").json()
    assert moved["attendees"][0]["status"]["response"] == "declined"
    assert not Event.objects.filter(mailbox=sim.room, ical_uid=event["iCalUId"]).exists()


def test_delete_answers_204_then_404(sim):
    event = create(sim)
    resp = sim.call("DELETE", f"me/events/{event['id']}")
    assert resp.status_code == 204 and resp.content == b""
    assert_graph_error(sim.call("GET", f"me/events/{event['id']}"), 404, "ErrorItemNotFound")


def test_malformed_id_is_400(sim):
    assert_graph_error(sim.call("GET", "me/events/xyz"), 400, "ErrorInvalidIdMalformed")


def test_cancel_by_organizer_cancels_attendee_copies_and_frees_the_room(sim):
    event = create(sim, attendees=[BEN, ROOM])
    resp = sim.call("POST", f"me/events/{event['id']}/cancel", json={"Comment": "Abgesagt"})
    assert resp.status_code == 202 and resp.content == b""
    ben_copy = sim.call("GET", "me/events", who=sim.ben).json()["value"][0]
    assert ben_copy["isCancelled"] is True
    assert not Event.objects.filter(mailbox=sim.room).exists()
    assert not Event.objects.filter(mailbox=sim.anna).exists()


def test_cancel_by_an_attendee_is_400(sim):
    create(sim, attendees=[BEN])
    copy = sim.call("GET", "me/events", who=sim.ben).json()["value"][0]
    resp = sim.call("POST", f"me/events/{copy['id']}/cancel", who=sim.ben, json={})
    assert_graph_error(resp, 400, "ErrorInvalidRequest")
    assert "organizer" in resp.json()["error"]["message"]


def test_delete_by_organizer_cancels_for_attendees(sim):
    event = create(sim, attendees=[BEN])
    sim.call("DELETE", f"me/events/{event['id']}")
    assert sim.call("GET", "me/events", who=sim.ben).json()["value"][0]["isCancelled"] is True


def test_an_altered_join_block_gets_a_new_meeting_url(sim):
    event = create(sim, isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness")
    old_url = event["onlineMeeting"]["joinUrl"]
    altered = event["body"]["content"].replace("Besprechungs-ID", "Meeting-ID")

    same = sim.call(
        "PATCH",
        f"me/events/{event['id']}",
        json={"body": {"contentType": "HTML", "content": "<p>Neu</p>" + event["body"]["content"]}},
    ).json()
    changed = sim.call(
        "PATCH",
        f"me/events/{event['id']}",
        json={"body": {"contentType": "HTML", "content": altered}},
    ).json()

    assert same["onlineMeeting"]["joinUrl"] == old_url
    new_url = changed["onlineMeeting"]["joinUrl"]
    assert changed["isOnlineMeeting"] is True and new_url != old_url
    assert new_url in changed["body"]["content"] and old_url not in changed["body"]["content"]
