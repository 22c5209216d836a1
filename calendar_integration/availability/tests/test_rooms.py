"""F10: the room list from Places (all pages, delayed rooms), its refresh, capacity and
occupancy in the picker."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from calendar_integration.availability.models import Room, RoomDirectory
from calendar_integration.availability.rooms import rooms_refresh
from calendar_integration.availability.tasks import rooms_refresh_daily
from m365sim.graph import log

from .conftest import at, client_for, connect, mailbox, sim_event

URL = reverse("calendar_integration:availability_picker")
REFRESH = reverse("calendar_integration:availability_rooms_refresh")
JSON = {"HTTP_ACCEPT": "application/json"}


def test_the_refresh_reads_every_page_and_keys_rooms_by_email(m365, planner, muster):
    for i in range(103):
        m365.add_room(f"raum{i:03}", f"Raum {i:03}", capacity=4)
    since = timezone.now()

    response = client_for(planner).post(REFRESH, **JSON)

    assert response.status_code == 200 and response.json()["ok"]
    assert len(log.calls(path_contains="/places/microsoft.graph.room", since=since)) == 2
    assert Room.objects.filter(company=muster, is_listed=True).count() == 105
    beta = Room.objects.get(company=muster, email="raum.beta@contoso.example")
    assert (beta.name, beta.capacity, beta.building, beta.floor_label) == (
        "Raum Beta",
        12,
        "Haus 1",
        "EG",
    )
    assert RoomDirectory.objects.get(company=muster).refreshed_at is not None


def test_250_rooms_are_read_with_top_and_next_links(m365, planner, muster):
    for i in range(248):
        m365.add_room(f"saal{i:03}", f"Saal {i:03}", capacity=8)
    since = timezone.now()

    rooms_refresh(connection=planner.microsoft_connection)

    pages = log.calls(path_contains="/places/microsoft.graph.room", since=since)
    assert len(pages) == 3 and all("$top=100" in c.path for c in pages)
    assert Room.objects.filter(company=muster, is_listed=True).count() == 250


def test_a_new_room_appears_only_after_microsofts_delay(m365, planner, muster):
    m365.add_room("raum.neu", "Raum Neu", places_visible_from=m365.now() + timedelta(hours=30))
    connection = planner.microsoft_connection

    rooms_refresh(connection=connection)
    assert not Room.objects.filter(email="raum.neu@contoso.example").exists()

    m365.advance_clock(hours=31)
    rooms_refresh(connection=connection)
    assert Room.objects.get(email="raum.neu@contoso.example").is_listed


def test_the_button_is_rate_limited_per_company(m365, planner, muster):
    client = client_for(planner)
    assert client.post(REFRESH, **JSON).json()["ok"]

    again = client.post(REFRESH, **JSON)

    assert again.status_code == 409
    assert "wieder möglich ab" in again.json()["message"]
    RoomDirectory.objects.filter(company=muster).update(
        attempted_at=timezone.now() - timedelta(minutes=6)
    )
    assert client.post(REFRESH, **JSON).json()["ok"]


def test_the_daily_task_refreshes_companies_with_a_room_connection(m365, planner, muster):
    result = rooms_refresh_daily.delay().get()

    assert result == {"refreshed": 1, "failed": 0}
    assert Room.objects.filter(company=muster).count() == 2


def test_rooms_are_filtered_by_capacity_and_show_their_occupancy(m365, planner, colleague):
    client_for(planner).post(REFRESH, **JSON)
    observers = [colleague(name) for name in ("olaf", "paul", "quirin", "rosa", "sven", "tina")]
    sim_event(mailbox("raum.beta@contoso.example"), at("2027-03-22", "10:00"),
              at("2027-03-22", "11:00"))  # fmt: skip
    params = {"start": "2027-03-22", "slot_start": "2027-03-22T09:30:00Z",
              "slot_end": "2027-03-22T10:30:00Z"}  # fmt: skip

    small = client_for(planner).get(URL, params).json()["rooms"]
    big = client_for(planner).get(URL, {**params, "observers": [o.pk for o in observers]}).json()

    assert small["enabled"] and small["participants"] == 2
    assert {r["email"]: r["status"] for r in small["items"]} == {
        "raum.alpha@contoso.example": "free",
        "raum.beta@contoso.example": "busy",
    }
    rooms = big["rooms"]
    assert rooms["participants"] == 8 and rooms["too_small"] == 1
    assert [r["email"] for r in rooms["items"]] == ["raum.beta@contoso.example"]
    assert big["outlook"]["graph_calls"] == 1  # 7 people + 1 room in one call


def test_the_chosen_room_is_a_row_and_a_typed_room_of_the_tenant_is_accepted(m365, planner):
    client_for(planner).post(REFRESH, **JSON)
    m365.add_room("raum.gamma", "Raum Gamma", places_visible_from=m365.now() + timedelta(days=2))
    sim_event(mailbox("raum.gamma@contoso.example"), at("2027-03-22", "10:00"),
              at("2027-03-22", "11:00"))  # fmt: skip

    data = (
        client_for(planner)
        .get(URL, {"start": "2027-03-22", "room": "raum.gamma@contoso.example"})
        .json()
    )

    room = next(r for r in data["rows"] if r["kind"] == "room")
    assert room["known"] and room["label"] == "raum.gamma@contoso.example"
    assert [b["status"] for b in room["blocks"]] == ["busy"]


def test_without_room_permission_there_is_no_room_choice(m365, muster, alice):
    from .conftest import connect

    connect(m365, alice, email=m365.recruiter.email, rooms=False)

    rooms = client_for(alice).get(URL, {"start": "2027-03-22"}).json()["rooms"]

    assert rooms["enabled"] is False and rooms["items"] == []
    assert "+Räume" in rooms["reason"]
    refused = client_for(alice).post(REFRESH, **JSON)
    assert refused.status_code == 409


def test_the_rooms_page_tells_freshness_and_microsofts_delay(m365, planner):
    client = client_for(planner)
    refreshed = client.post(REFRESH, {"next": "/kalender/verfuegbarkeit/raeume/"})
    assert refreshed.status_code == 302

    page = client.get(reverse("calendar_integration:availability_rooms")).content.decode()

    assert "Zuletzt aktualisiert:" in page and "noch nie" not in page
    assert "24–48 Stunden" in page
    assert "raum.beta@contoso.example" in page


def test_the_refresh_never_redirects_off_site(m365, planner):
    response = client_for(planner).post(REFRESH, {"next": "https://evil.example/"})

    assert response["Location"] == reverse("calendar_integration:availability_rooms")


def test_a_first_connection_with_rooms_loads_the_room_list(m365, muster, tom):
    assert not Room.objects.filter(company=muster).exists()
    connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)
    assert Room.objects.filter(company=muster, is_listed=True).count() == len(
        [r for r in m365.rooms if r.visible_in_places(m365.now())]
    )
