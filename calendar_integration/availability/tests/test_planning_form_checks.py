"""The appointment form asks about Outlook busy times, one room field (issue 14, 7 and 8)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from calendar_integration.availability.models import Room
from ebms.recruiting.models import Appointment
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
