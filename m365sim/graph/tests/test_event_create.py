"""POST /me/events (https://learn.microsoft.com/graph/api/user-post-events)."""

import pytest

from m365sim.models import Event

from .conftest import event_payload, next_weekday, time_passes
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def test_create_answers_201_with_the_full_event(sim):
    start = next_weekday(9)
    resp = sim.call(
        "POST",
        "me/events",
        json=event_payload(
            start,
            location={"displayName": "Empfang"},
            attendees=[{"emailAddress": {"address": "ben@muster.example"}, "type": "Required"}],
        ),
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    for key, kind in {
        "id": str,
        "iCalUId": str,
        "changeKey": str,
        "createdDateTime": str,
        "lastModifiedDateTime": str,
        "subject": str,
        "bodyPreview": str,
        "isCancelled": bool,
        "isOrganizer": bool,
        "isOnlineMeeting": bool,
        "showAs": str,
        "sensitivity": str,
        "responseRequested": bool,
        "allowNewTimeProposals": bool,
        "webLink": str,
        "attendees": list,
        "locations": list,
    }.items():
        assert isinstance(body[key], kind), key
    assert body["@odata.etag"] == f'W/"{body["changeKey"]}"'
    assert body["createdDateTime"].endswith("Z")
    assert body["start"] == {
        "dateTime": start.strftime("%Y-%m-%dT%H:%M:%S.0000000"),
        "timeZone": "UTC",
    }
    assert body["body"]["contentType"] == "html"
    assert "<p>Hallo</p>" in body["body"]["content"]
    assert body["bodyPreview"] == "Hallo"
    assert body["responseStatus"] == {"response": "organizer", "time": "0001-01-01T00:00:00Z"}
    assert body["transactionId"] is None
    assert body["onlineMeetingProvider"] == "unknown" and body["onlineMeeting"] is None
    assert body["location"]["uniqueIdType"] == "private"
    assert body["attendees"] == [
        {
            "type": "required",
            "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
            "emailAddress": {"name": "Ben Koch", "address": "ben@muster.example"},
        }
    ]
    assert body["organizer"] == {
        "emailAddress": {"name": "Anna Berg", "address": "anna@muster.example"}
    }


def test_each_attendee_mailbox_gets_its_own_copy(sim):
    attendees = [
        {"emailAddress": {"address": "ben@muster.example"}, "type": "required"},
        {"emailAddress": {"address": "kandidat@extern.example"}, "type": "optional"},
    ]
    created = sim.call(
        "POST", "me/events", json=event_payload(next_weekday(10), attendees=attendees)
    )
    body = created.json()
    ben_events = sim.call("GET", "me/events", who=sim.ben).json()["value"]
    assert len(ben_events) == 1
    copy = ben_events[0]
    assert copy["id"] != body["id"]
    assert copy["iCalUId"] == body["iCalUId"]
    assert copy["isOrganizer"] is False
    assert copy["responseStatus"]["response"] == "notResponded"
    assert copy["organizer"]["emailAddress"]["address"] == "anna@muster.example"


def test_repeated_transaction_id_returns_the_same_event(sim):
    payload = event_payload(next_weekday(11), transactionId="7E163156-7762-4BEB-A1C6-729EA81755A7")
    first = sim.call("POST", "me/events", json=payload)
    second = sim.call("POST", "me/calendar/events", json=payload)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["transactionId"] == "7E163156-7762-4BEB-A1C6-729EA81755A7"
    assert Event.objects.filter(mailbox=sim.anna).count() == 1


def test_teams_meeting_for_a_licensed_organizer(sim):
    resp = sim.call(
        "POST",
        "me/events",
        json=event_payload(
            next_weekday(12), isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness"
        ),
    )
    body = resp.json()
    assert body["isOnlineMeeting"] is True
    assert body["onlineMeetingProvider"] == "teamsForBusiness"
    assert body["onlineMeetingUrl"] is None
    join = body["onlineMeeting"]["joinUrl"]
    assert join.startswith("https://teams.microsoft.com/l/meetup-join/")
    assert set(body["onlineMeeting"]) >= {"joinUrl", "conferenceId", "tollNumber"}
    content = body["body"]["content"]
    assert "_" * 80 in content and "Microsoft Teams-Besprechung" in content
    assert content.index("<p>Hallo</p>") < content.index("Microsoft Teams-Besprechung")


def test_no_meeting_without_teams_licence(sim):
    resp = sim.call(
        "POST",
        "me/events",
        who=sim.carla,
        json=event_payload(
            next_weekday(12), isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness"
        ),
    )
    assert resp.status_code == 201
    body = resp.json()
    assert body["isOnlineMeeting"] is False
    assert body["onlineMeetingProvider"] == "unknown"
    assert body["onlineMeeting"] is None
    assert "Teams" not in body["body"]["content"]


def test_room_accepts_when_free_and_declines_a_conflict(sim):
    start = next_weekday(13)
    room = [{"emailAddress": {"address": "raum.rhein@muster.example"}, "type": "resource"}]
    first = sim.call("POST", "me/events", json=event_payload(start, attendees=room)).json()
    assert first["attendees"][0]["type"] == "resource"
    # The booking assistant answers after the create (user-post-events, booking rooms).
    assert first["attendees"][0]["status"]["response"] == "none"
    time_passes()
    first = sim.call("GET", f"me/events/{first['id']}").json()
    assert first["attendees"][0]["status"]["response"] == "accepted"
    assert first["attendees"][0]["status"]["time"] != "0001-01-01T00:00:00Z"
    clash = sim.call(
        "POST", "me/events", who=sim.ben, json=event_payload(start, minutes=30, attendees=room)
    ).json()
    assert clash["attendees"][0]["status"]["response"] == "none"
    time_passes()
    clash = sim.call("GET", f"me/events/{clash['id']}", who=sim.ben).json()
    assert clash["attendees"][0]["status"]["response"] == "declined"
    room_events = Event.objects.filter(mailbox=sim.room)
    assert [e.ical_uid for e in room_events] == [first["iCalUId"]]


def test_room_with_decline_policy_declines(sim):
    sim.room.auto_accept = "decline_all"
    sim.room.save()
    room = [{"emailAddress": {"address": "raum.rhein@muster.example"}, "type": "resource"}]
    body = sim.call(
        "POST", "me/events", json=event_payload(next_weekday(14), attendees=room)
    ).json()
    assert body["attendees"][0]["status"]["response"] == "none"
    time_passes()
    body = sim.call("GET", f"me/events/{body['id']}").json()
    assert body["attendees"][0]["status"]["response"] == "declined"


def test_extended_properties_are_stored_expanded_and_filterable(sim):
    prop_id = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name EbmsAppointment"
    sim.call("POST", "me/events", json=event_payload(next_weekday(8), subject="Andere"))
    created = sim.call(
        "POST",
        "me/events",
        json=event_payload(
            next_weekday(9), singleValueExtendedProperties=[{"id": prop_id, "value": "termin-42"}]
        ),
    ).json()
    assert "singleValueExtendedProperties" not in created
    got = sim.call(
        "GET",
        f"me/events/{created['id']}",
        params={"$expand": f"singleValueExtendedProperties($filter=id eq '{prop_id}')"},
    ).json()
    assert got["singleValueExtendedProperties"] == [{"id": prop_id, "value": "termin-42"}]
    found = sim.call(
        "GET",
        "me/events",
        params={
            "$filter": f"singleValueExtendedProperties/Any(ep: ep/id eq '{prop_id}' and "
            "ep/value eq 'termin-42')"
        },
    ).json()["value"]
    assert [e["id"] for e in found] == [created["id"]]


def test_create_needs_calendars_readwrite(sim):
    resp = sim.call(
        "POST", "me/events", scopes=["Calendars.Read"], json=event_payload(next_weekday(9))
    )
    assert_graph_error(resp, 403, "ErrorAccessDenied")


def test_unsupported_time_zone_is_rejected(sim):
    payload = event_payload(next_weekday(9))
    payload["start"]["timeZone"] = "GMT+6:30"
    resp = sim.call("POST", "me/events", json=payload)
    assert_graph_error(resp, 400, "TimeZoneNotSupportedException")
