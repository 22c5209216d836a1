"""The picker panel sits in the appointment and proposal forms and degrades without JS."""

from __future__ import annotations

from django.urls import reverse

from .conftest import application, client_for


def test_the_appointment_form_carries_the_panel_with_a_no_script_notice(muster, alice):
    page = client_for(alice).get(
        reverse("recruiting:appointment_create", args=[application(muster).pk])
    )

    body = page.content.decode()
    assert page.status_code == 200
    assert "data-picker" in body and "js/picker.js" in body
    assert "<noscript>" in body and "JavaScript benötigt" in body
    assert reverse("calendar_integration:availability_picker") in body


def test_the_proposal_form_carries_the_panel(muster, alice):
    page = client_for(alice).get(
        reverse("recruiting:proposal_create", args=[application(muster).pk])
    )

    assert page.status_code == 200
    assert "data-picker" in page.content.decode()
