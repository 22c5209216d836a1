"""Companies are isolated: another company's id answers 404 on every recruiting URL with an id,
and observers cannot change anything (403)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse

from ebms.recruiting import urls as recruiting_urls
from ebms.recruiting.models import (
    Application,
    Appointment,
    AppointmentChange,
    Candidate,
    PrivacySettings,
    Proposal,
)
from ebms.recruiting.services import proposal_create
from ebms.recruiting.tests import factories as f

# Which object each URL's id refers to. A new URL with an id must be added here, else
# test_every_url_with_an_id_is_covered fails.
ID_OBJECT = {
    "candidate_detail": "candidate",
    "application_create": "candidate",
    "application_detail": "application",
    "appointment_create": "application",
    "proposal_create": "application",
    "appointment_detail": "appointment",
    "appointment_edit": "appointment",
    "appointment_cancel": "appointment",
    "appointment_email_preview": "appointment",
    "proposal_detail": "proposal",
    "proposal_withdraw": "proposal",
    "candidate_erase": "candidate",
    "application_status": "application",
}
PLANNER_ONLY = {
    "candidate_create",
    "application_create",
    "appointment_create",
    "appointment_edit",
    "appointment_cancel",
    "proposal_create",
    "proposal_withdraw",
    "candidate_erase",
    "application_status",
}


# The candidate's token-free page: public, opened by the nonce in his browser's session
# (test_candidate_page.py), not by company membership.
CANDIDATE_PAGES = {"candidate_proposal_page"}


def _names_with_id() -> set[str]:
    return {
        p.name
        for p in recruiting_urls.urlpatterns
        if isinstance(p, URLPattern) and "<int:pk>" in str(p.pattern)
    } - CANDIDATE_PAGES


@pytest.fixture
def world(db):
    """Company A with one of everything; bob is A's observer, eve plans in company B."""
    a = f.company(name="A GmbH")
    b = f.company(name="B AG")
    alice = f.alice(company=a)
    application = f.application(company=a, last_name="Zuckermann")
    appointment = f.appointment(application=application, by=alice, title="A-Termin")
    proposal = proposal_create(
        by=alice,
        application=application,
        recruiter=alice,
        observers=[],
        kind="onsite",
        location="Hauptstraße 1",
        title="A-Vorschlag",
        slots=[
            (f.future(days=3), f.future(days=3) + timedelta(hours=1)),
            (f.future(days=4), f.future(days=4) + timedelta(hours=1)),
        ],
    )
    return {
        "candidate": application.candidate,
        "application": application,
        "appointment": appointment,
        "proposal": proposal,
        "bob": f.bob(company=a),
        "eve": f.alice(company=b),
        # B lets recruiters erase candidates: eve reaches the lookup of A's candidate.
        "b_privacy": PrivacySettings.objects.create(company=b, recruiters_may_erase=True),
    }


def _state() -> tuple:
    """A fingerprint of company data that no refused request may change."""
    return (
        Candidate.objects.count(),
        Application.objects.count(),
        list(Appointment.objects.values_list("pk", "status", "title", "starts_at", "version")),
        AppointmentChange.objects.count(),
        list(Proposal.objects.values_list("pk", "status")),
    )


def test_every_url_with_an_id_is_covered():
    assert _names_with_id() == set(ID_OBJECT), "add new URLs with an id to ID_OBJECT"


@pytest.mark.parametrize("name", sorted(ID_OBJECT))
def test_it_answers_404_for_another_companys_id(client, world, name):
    client.force_login(world["eve"])
    url = reverse(f"recruiting:{name}", args=[world[ID_OBJECT[name]].pk])
    before = _state()
    assert client.get(url).status_code == 404
    post = {"reason": "x", "title": "Gekapert", "kind": "onsite", "first_name": "X"}
    assert client.post(url, post).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("name", sorted(PLANNER_ONLY))
def test_observers_cannot_change_anything(client, world, name):
    client.force_login(world["bob"])
    args = [world[ID_OBJECT[name]].pk] if name in ID_OBJECT else []
    url = reverse(f"recruiting:{name}", args=args)
    before = _state()
    assert client.get(url).status_code == 403
    post = {
        "reason": "x",
        "title": "Beobachter",
        "kind": "onsite",
        "first_name": "X",
        "last_name": "Y",
        "language": "de",
    }
    assert client.post(url, post).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("name", sorted(ID_OBJECT.keys() - PLANNER_ONLY))
def test_observers_may_read(client, world, name):
    client.force_login(world["bob"])
    url = reverse(f"recruiting:{name}", args=[world[ID_OBJECT[name]].pk])
    assert client.get(url).status_code == 200


def test_a_deactivated_user_cannot_log_in(client, world):
    bob = world["bob"]
    bob.is_active = False
    bob.save()
    assert not client.login(email=bob.email, password=f.PASSWORD)
    response = client.get(reverse("recruiting:candidate_list"))
    assert response.status_code == 302


def test_lists_show_nothing_of_another_company(client, world):
    client.force_login(world["eve"])
    for url in (
        reverse("dashboard"),
        reverse("recruiting:candidate_list"),
        reverse("recruiting:appointment_list"),
        reverse("recruiting:appointment_list") + "?zeitraum=vergangen",
    ):
        html = client.get(url).content.decode()
        assert "A-Termin" not in html and "A-Vorschlag" not in html, url
        assert "Zuckermann" not in html, url


def test_the_application_form_refuses_another_companys_position(client, world):
    client.force_login(world["eve"])
    own = f.candidate(company=world["eve"].company, first_name="Eigen")
    foreign = world["application"].position
    response = client.post(
        reverse("recruiting:application_create", args=[own.pk]), {"position": foreign.pk}
    )
    assert response.status_code == 200
    assert "position" in response.context["form"].errors
    assert not Application.objects.filter(candidate=own).exists()
