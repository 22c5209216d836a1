"""The appointment form asks about Outlook busy times, one room field (issue 14, 7 and 8)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from calendar_integration.availability.models import Room
from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER, Appointment
from ebms.recruiting.tests import factories

from .conftest import client_for, mailbox, sim_event


def _data(planner, day, **extra) -> dict:
    data = {
        "kind": "onsite", "title": "Erstgespräch", "date": day.isoformat(),
        "start_time": "10:00", "end_time": "11:00", "recruiter": planner.pk,
        "location": "Hauptstraße 1", "candidate_message": "",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_busy_time_in_a_colleagues_outlook_asks_once(m365, planner, muster, colleague):
    olaf = colleague("olaf")
    start = factories.future(days=10, hour=10)
    sim_event(mailbox(olaf.email), start, start + timedelta(hours=1), subject="Geheim")
    url = reverse("recruiting:appointment_create", args=[factories.application(company=muster).pk])
    client = client_for(planner)
    data = _data(planner, start.date(), observers=[olaf.pk])

    asked = client.post(url, data)

    form = asked.context["form"]
    assert form.conflicts == ["Olaf Kollege: gebucht 10:00–11:00"]
    assert "Geheim" not in asked.content.decode(), "only the status, never the subject"
    assert not Appointment.objects.exists()
    assert client.post(url, {**data, "conflicts_ok": form.conflict_token}).status_code == 302
    assert Appointment.objects.count() == 1


def test_the_picker_has_no_second_room_address_field(muster, alice):
    application = factories.application(company=muster)
    body = (
        client_for(alice)
        .get(reverse("recruiting:appointment_create", args=[application.pk]))
        .content.decode()
    )

    assert body.count('type="email"') == 1, "only the form's Raum (E-Mail)"
    assert "unten bei „Raum (E-Mail)“ eintragen" in body


def test_a_room_chosen_in_the_picker_is_taken_and_a_typed_stranger_refused(m365, planner, muster):
    # The room list is read when the planner connects (function check, Places).
    assert Room.objects.filter(company=muster, email="raum.alpha@contoso.example").exists()
    url = reverse("recruiting:appointment_create", args=[factories.application(company=muster).pk])
    day = factories.future(days=10).date()
    client = client_for(planner)

    typed = client.post(url, _data(planner, day, room_email="raum@fremd.example"))
    chosen = client.post(
        url, _data(planner, day, room_email="raum.alpha@contoso.example", room_name="Raum Alpha")
    )

    assert "ist kein Raum Ihrer Firma" in typed.content.decode()
    assert chosen.status_code == 302
    assert Appointment.objects.get().room_email == "raum.alpha@contoso.example"


def _online(planner, day, **extra) -> dict:
    data = _data(planner, day, kind="online", candidate_message=JOIN_INFO_PLACEHOLDER)
    data.pop("location")
    data.update(extra)
    return data


def test_with_a_connection_teams_makes_the_meeting_unless_an_own_link_is_chosen(
    m365, planner, muster
):
    url = reverse("recruiting:appointment_create", args=[factories.application(company=muster).pk])
    client = client_for(planner)
    page = client.get(url)
    form = page.context["form"]
    link = "https://meet.example/eigener-raum"

    teams = client.post(url, _online(planner, factories.future(days=10).date(), meeting_link=link))
    own = client.post(
        url,
        _online(planner, factories.future(days=11).date(), meeting_link=link, own_link="on"),
    )

    assert form.teams_recruiters == [planner.pk]
    assert "wird automatisch eine Microsoft-Teams-Besprechung erstellt" in page.content.decode()
    assert teams.status_code == own.status_code == 302
    first, second = Appointment.objects.order_by("starts_at")
    assert first.meeting_link == "", "the hidden link field does not replace Teams"
    assert second.meeting_link == link
