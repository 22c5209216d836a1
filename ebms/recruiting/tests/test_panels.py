"""Other apps contribute panels to recruiting pages without recruiting importing them."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from ebms.recruiting import hooks
from ebms.recruiting.tests import factories, hooks_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(settings, tmp_path):
    (tmp_path / "test_panel.html").write_text(
        '<aside data-panel="x">{{ appointment.title }}</aside>'
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"].append(tmp_path)
    settings.TEMPLATES = templates  # assignment resets the template engines
    hooks.provide_panel("appointment_detail", "test_panel.html")
    yield
    hooks_registry.stop_providing_panel("appointment_detail", "test_panel.html")


def test_a_registered_panel_is_rendered_escaped_on_the_appointment_page(client, panel):
    world = factories.world()
    appointment = factories.appointment(
        application=world.application, by=world.alice, title="<b>Gespräch</b>"
    )
    client.force_login(world.alice)
    page = client.get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
    html = page.content.decode()
    assert '<aside data-panel="x">&lt;b&gt;Gespräch&lt;/b&gt;</aside>' in html


def test_unknown_slots_are_refused():
    with pytest.raises(ValueError):
        hooks.provide_panel("nowhere", "x.html")
