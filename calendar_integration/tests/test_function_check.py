"""F4: the function check reports each capability's real result, right after connecting."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from calendar_integration.models import MicrosoftConnection
from m365sim.graph import log
from m365sim.models import Event, Mailbox

from .conftest import client_for, connect


def _items(connection: MicrosoftConnection) -> dict[str, dict]:
    return {i["key"]: i for i in connection.checks.order_by("-checked_at", "-pk").first().items}


def _org_consent(m365):
    m365.grant_admin_consent(
        [
            "User.Read",
            "Calendars.ReadWrite",
            "Place.Read.All",
            "openid",
            "profile",
            "offline_access",
        ]
    )


def test_teams_fails_for_a_user_without_teams_licence(m365, muster, alice):
    _org_consent(m365)
    m365.add_user("nora", "Nora Nolicense", teams_licensed=False)

    connect(m365, alice, email="nora@contoso.example", rooms=True)

    items = _items(MicrosoftConnection.objects.get(user=alice))
    assert items["teams"]["status"] == "failed"
    assert "Teams-Lizenz" in items["teams"]["hint"]
    assert items["profile"]["status"] == "ok"
    assert items["write"]["status"] == "ok"


def test_rooms_warn_with_the_microsoft_delay_when_places_is_still_empty(m365, muster, alice):
    _org_consent(m365)
    Mailbox.objects.filter(kind="room").update(places_visible_from=m365.now() + timedelta(hours=30))

    connect(m365, alice, email=m365.recruiter.email, rooms=True)

    rooms = _items(MicrosoftConnection.objects.get(user=alice))["rooms"]
    assert rooms["status"] == "warning"
    assert "24–48 Stunden" in rooms["hint"]


def test_free_busy_includes_a_colleague_and_reports_unknown_addresses(m365, muster, alice, dave):
    _org_consent(m365)
    # dave has no mailbox in the tenant: Microsoft answers 200 with an error for that address.
    connect(m365, alice, email=m365.recruiter.email, rooms=True)

    free_busy = _items(MicrosoftConnection.objects.get(user=alice))["free_busy"]
    assert free_busy["status"] == "warning"
    assert "dave@muster.example" in free_busy["hint"]
    assert free_busy["code"]


def test_free_busy_is_ok_for_a_connected_colleague(m365, muster, tom, alice):
    connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)

    connect(m365, alice, email=m365.recruiter.email, rooms=True)

    free_busy = _items(MicrosoftConnection.objects.get(user=alice))["free_busy"]
    assert free_busy["status"] == "ok", free_busy
    assert m365.admin.email in free_busy["hint"]


def test_the_check_writes_and_deletes_a_private_free_test_event(m365, muster, alice):
    _org_consent(m365)
    log.clear()

    connect(m365, alice, email=m365.recruiter.email, rooms=True)

    calls = log.calls(mailbox=m365.recruiter.email)
    event_calls = [(c.method, c.status) for c in calls if "/events" in c.path.lower()]
    assert event_calls == [("POST", 201), ("DELETE", 204)]
    assert any("getschedule" in c.path.lower() for c in calls)
    assert not Event.objects.filter(mailbox=m365.recruiter, subject="EBMS Funktionstest").exists()


def test_the_check_can_be_rerun_and_is_shown_with_its_time(m365, muster, alice):
    _org_consent(m365)
    connect(m365, alice, email=m365.recruiter.email, rooms=True)
    client = client_for(alice)

    client.post(reverse("calendar_integration:check"))

    connection = MicrosoftConnection.objects.get(user=alice)
    assert connection.checks.count() == 2
    page = client.get(reverse("calendar_integration:connect")).content.decode()
    assert "Funktionstest vom" in page
    assert 'data-item="teams" data-status="ok"' in page


def test_the_check_rows_read_in_the_readers_language(m365, muster, alice, settings):
    """Issue 14.12/14.13: stored once, shown in German or English; "Verbunden als"."""
    _org_consent(m365)
    connect(m365, alice, email=m365.recruiter.email, rooms=True)
    client = client_for(alice)

    german = client.get(reverse("calendar_integration:connect")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("calendar_integration:connect")).content.decode()

    assert "Kalender schreiben" in german and "Angemeldet als" in german
    assert f"Verbunden als <strong>{m365.recruiter.email}</strong>" in german
    assert "Write calendar" in english and "Signed in as" in english
    assert "Kalender schreiben" not in english and "Angemeldet als" not in english
    assert f"Connected as <strong>{m365.recruiter.email}</strong>" in english
    for page in (german, english):
        assert "Account verbinden" not in page and "Connect account" not in page
        assert "Token" not in page.split("<main>", 1)[1]
