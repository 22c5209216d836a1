"""Two recruiters edit the same appointment: the older form never overwrites the newer one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ebms.recruiting import hooks
from ebms.recruiting.models import AppointmentChange, CandidateEmail
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests import hooks_registry
from ebms.recruiting.tests.test_views_appointments import form_data

VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def announced():
    events: list[str] = []

    def listener(event: str, **payload) -> None:
        events.append(event)

    hooks.listen(listener)
    yield events
    hooks_registry.unlisten(listener)


def _read(client, appointment) -> dict:
    """What the edit form shows: the appointment's values and the version it was read at."""
    html = client.get(reverse("recruiting:appointment_edit", args=[appointment.pk])).content
    local = appointment.starts_at.astimezone(appointment.company.zone)
    return {
        **form_data(appointment.recruiter, day=local.date()),
        "title": appointment.title,
        "version": VERSION.search(html.decode()).group(1),
    }


def test_a_save_from_an_older_form_is_refused_and_names_what_changed(
    client, alice, carol, application, announced
):
    appointment = f.appointment(
        application=application, by=alice, starts_at=f.future(days=10, hour=10),
        ends_at=f.future(days=10, hour=11), title="Erstgespräch",
        location="Hauptstraße 1, Berlin", internal_description="Bitte Lebenslauf lesen",
        candidate_message="Wir freuen uns auf Sie.",
    )  # fmt: skip
    url = reverse("recruiting:appointment_edit", args=[appointment.pk])
    client.force_login(alice)
    alices_form = _read(client, appointment)
    client.force_login(carol)
    carols_form = _read(client, appointment)

    client.force_login(alice)
    moved = client.post(url, {**alices_form, "start_time": "14:00", "end_time": "15:00"})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    saved = (appointment.starts_at, appointment.internal_description, appointment.version)
    mails, changes, events = (
        CandidateEmail.objects.count(), AppointmentChange.objects.count(), len(announced)
    )  # fmt: skip

    client.force_login(carol)
    refused = client.post(url, {**carols_form, "internal_description": "Neue Notiz"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Der Termin wurde inzwischen geändert" in page
    day = appointment.starts_at.astimezone(appointment.company.zone).strftime("%d.%m.%Y")
    assert f"Beginn: {day} 10:00 → {day} 14:00" in page
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.internal_description, appointment.version) == saved
    assert CandidateEmail.objects.count() == mails  # no mail
    assert AppointmentChange.objects.count() == changes  # nothing written
    assert len(announced) == events  # no sync bump
    # The page now carries the current version: saving again is a conscious decision.
    assert VERSION.search(page).group(1) == str(appointment.version)


def test_a_save_from_the_current_form_goes_through(client, alice, application):
    appointment = f.appointment(application=application, by=alice)
    client.force_login(alice)
    form = _read(client, appointment)
    response = client.post(
        reverse("recruiting:appointment_edit", args=[appointment.pk]),
        {**form, "internal_description": "Neue Notiz"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.internal_description == "Neue Notiz" and appointment.version == 2
