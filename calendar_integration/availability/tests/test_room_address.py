"""Issue 11.5: "Raum (E-Mail)" in the appointment form takes only a room of the company's
tenant (known, or known to Graph), never a person such as the candidate."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from calendar_integration.availability.models import Room, RoomDirectory
from ebms.recruiting.models import Appointment
from ebms.recruiting.tests import factories
from m365sim.graph import log

from .conftest import client_for


def _plan(planner, application, room_email: str):
    day = factories.future(days=10).date()
    return client_for(planner).post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        {
            "kind": "onsite", "title": "Erstgespräch", "date": day.isoformat(),
            "start_time": "10:00", "end_time": "11:00", "recruiter": planner.pk,
            "location": "Hauptstraße 1", "room_email": room_email, "room_name": "",
            "meeting_link": "", "internal_description": "intern: Gehaltswunsch zu hoch",
            "candidate_message": "Wir freuen uns auf Sie.",
        },
    )  # fmt: skip


def test_the_candidates_address_is_refused_as_room(m365, planner, muster):
    application = factories.application(company=muster, email="kandidat@privat.example")

    response = _plan(planner, application, "kandidat@privat.example")

    assert response.status_code == 200
    assert "ist kein Raum Ihrer Firma" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_person_or_an_unknown_address_of_the_tenant_is_refused(m365, planner, muster, colleague):
    application = factories.application(company=muster)
    olaf = colleague("olaf")  # an EBMS user with a mailbox in the tenant

    person = _plan(planner, application, olaf.email)
    unknown = _plan(planner, application, "niemand@contoso.example")

    assert "ist eine Person, kein Raum" in person.content.decode()
    assert "Microsoft kennt niemand@contoso.example nicht als Raum" in unknown.content.decode()
    assert not Appointment.objects.exists()


def test_a_room_listed_by_places_but_not_stored_yet_is_found_by_a_refresh(m365, planner, muster):
    application = factories.application(company=muster)
    Room.objects.filter(company=muster).exclude(email="raum.alpha@contoso.example").delete()
    RoomDirectory.objects.filter(company=muster).update(attempted_at=None)
    since = timezone.now()

    response = _plan(planner, application, "Raum.Beta@contoso.example")

    assert response.status_code == 302
    assert Appointment.objects.get().room_email == "Raum.Beta@contoso.example"
    assert log.calls(path_contains="/places/microsoft.graph.room", since=since)
    assert Room.objects.filter(company=muster, email="raum.beta@contoso.example").exists()


def test_a_new_room_that_places_does_not_list_yet_is_accepted_through_graph(m365, planner, muster):
    m365.add_room("raum.neu", "Raum Neu", places_visible_from=m365.now() + timedelta(hours=30))
    application = factories.application(company=muster)

    response = _plan(planner, application, "raum.neu@contoso.example")

    assert response.status_code == 302
    assert Appointment.objects.get().room_email == "raum.neu@contoso.example"
    assert not Room.objects.filter(email="raum.neu@contoso.example").exists()
