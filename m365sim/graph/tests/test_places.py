"""Places API (https://learn.microsoft.com/graph/api/place-list)."""

from datetime import timedelta

import pytest

from m365sim import clock
from m365sim.models import Mailbox

from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def test_rooms_have_microsofts_fields(sim):
    resp = sim.call("GET", "places/microsoft.graph.room")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["@odata.context"].endswith("$metadata#places/microsoft.graph.room")
    room = body["value"][0]
    assert room["emailAddress"] == "raum.rhein@muster.example"
    assert room["capacity"] == 8 and room["floorNumber"] == 2
    assert room["building"] == "Haus A" and room["floorLabel"] == "2. OG"
    assert room["bookingType"] == "standard"
    assert room["isWheelChairAccessible"] is False
    assert isinstance(room["id"], str)


def test_a_new_room_appears_only_after_the_sync_delay(sim):
    Mailbox.objects.create(
        tenant=sim.tenant,
        kind="room",
        email="raum.main@muster.example",
        display_name="Raum Main",
        places_visible_from=clock.now() + timedelta(hours=48),
    )
    names = [
        r["displayName"] for r in sim.call("GET", "places/microsoft.graph.room").json()["value"]
    ]
    assert names == ["Raum Rhein"]
    clock.advance(delta=timedelta(hours=49))
    try:
        names = [
            r["displayName"] for r in sim.call("GET", "places/microsoft.graph.room").json()["value"]
        ]
    finally:
        clock.reset()
    assert names == ["Raum Main", "Raum Rhein"]


def test_rooms_page_with_next_link(sim):
    Mailbox.objects.create(
        tenant=sim.tenant, kind="room", email="raum.elbe@muster.example", display_name="Raum Elbe"
    )
    first = sim.call("GET", "places/microsoft.graph.room", params={"$top": "1"}).json()
    assert len(first["value"]) == 1 and "@odata.nextLink" in first
    second = sim.call("GET", first["@odata.nextLink"]).json()
    assert len(second["value"]) == 1 and "@odata.nextLink" not in second
    assert first["value"][0]["id"] != second["value"][0]["id"]


def test_room_lists_by_building(sim):
    lists = sim.call("GET", "places/microsoft.graph.roomlist").json()["value"]
    assert [entry["displayName"] for entry in lists] == ["Räume Haus A"]
    rooms = sim.call("GET", f"places/{lists[0]['emailAddress']}/microsoft.graph.roomlist/rooms")
    assert [r["emailAddress"] for r in rooms.json()["value"]] == ["raum.rhein@muster.example"]


def test_places_need_place_read_all(sim):
    resp = sim.call(
        "GET", "places/microsoft.graph.room", scopes=["User.Read", "Calendars.ReadWrite"]
    )
    assert_graph_error(resp, 403, "ErrorAccessDenied")


def test_without_top_the_room_list_stops_at_100_without_next_link(sim):
    for i in range(104):
        Mailbox.objects.create(
            tenant=sim.tenant, email=f"saal{i:03}@muster.example", display_name=f"Saal {i:03}",
            kind="room",
        )  # fmt: skip

    plain = sim.call("GET", "places/microsoft.graph.room").json()
    paged = sim.call("GET", "places/microsoft.graph.room", params={"$top": "100"}).json()

    assert len(plain["value"]) == 100 and "@odata.nextLink" not in plain
    assert len(paged["value"]) == 100 and "$top=100" in paged["@odata.nextLink"]
