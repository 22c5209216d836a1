"""The picker's endpoints check every parameter and stay inside the user's company."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ebms.recruiting.tests import factories

from .conftest import application, at, client_for

URL = reverse("calendar_integration:availability_picker")
NEXT = reverse("calendar_integration:availability_next_slot")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2027-03-22", "days": 8}, "höchstens 7 Tage"),
        ({"start": "2027-03-22", "days": 0}, "vor seinem Beginn"),
        ({"start": "2027-03-22", "to": "2027-03-30"}, "höchstens 7 Tage"),
        ({"start": "2027-03-22", "to": "2027-03-21"}, "vor seinem Beginn"),
        ({"start": "22.03.2027"}, "„start“"),
        ({"start": "1999-12-31"}, "außerhalb des erlaubten Bereichs"),
        ({"days": "viele"}, "„days“"),
        ({"observers": "abc"}, "Benutzer-IDs"),
        ({"room": "kein-raum"}, "keine gültige E-Mail-Adresse"),
        ({"room": "raum@fremd.example"}, "gehört nicht zu Ihrer Firma"),
        ({"slot_start": "2027-03-22T10:00:00Z"}, "späteres Ende"),
        ({"slot_start": "2027-03-22T10:00:00Z", "slot_end": "2027-03-22T09:00:00Z"}, "späteres"),
        ({"slot_start": "2027-03-22T06:00:00Z", "slot_end": "2027-03-22T18:00:00Z"}, "10 Stunden"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(muster, alice, params, message):
    response = client_for(alice).get(URL, params)

    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize("duration", [0, 5, 601, "lang"])
def test_a_bad_duration_for_the_slot_search_is_400(muster, alice, duration):
    response = client_for(alice).get(NEXT, {"duration": duration})

    assert response.status_code == 400


def test_another_companys_people_are_refused(muster, alice, mallory):
    for params in ({"observers": mallory.pk}, {"recruiter": mallory.pk}, {"observers": 999999}):
        response = client_for(alice).get(URL, params)
        assert response.status_code == 400
        assert "nur Benutzer Ihrer Firma" in response.json()["error"]


def test_another_companys_appointment_is_404(muster, alice, beispiel, mallory):
    foreign = factories.appointment(
        application=application(beispiel), by=mallory,
        starts_at=at("2027-03-22", "10:00"), ends_at=at("2027-03-22", "11:00"),
    )  # fmt: skip

    assert client_for(alice).get(URL, {"appointment": foreign.pk}).status_code == 404


def test_observers_and_strangers_cannot_use_the_picker(muster, olga):
    from django.test import Client

    assert client_for(olga).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login page
