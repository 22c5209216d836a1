"""Sending, viewing and withdrawing proposals (Terminvorschläge) through the pages."""

from __future__ import annotations

from django.urls import reverse

from ebms.recruiting.models import CandidateEmail, Proposal
from ebms.recruiting.tests import factories as f


def _day(days: int) -> str:
    return f.future(days=days).date().isoformat()


def proposal_data(alice, **overrides) -> dict:
    data = {
        "kind": "onsite",
        "title": "Kennenlernen",
        "recruiter": alice.pk,
        "location": "Hauptstraße 1",
        "internal_description": "Nur intern",
        "candidate_message": "Bitte wählen Sie.",
        "slot1_date": _day(3), "slot1_start": "10:00", "slot1_end": "11:00",
        "slot2_date": _day(4), "slot2_start": "14:00", "slot2_end": "15:00",
        "slot4_date": _day(5), "slot4_start": "09:00", "slot4_end": "09:45",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_recruiter_sends_proposals(client, alice, application):
    observer = f.bob(company=application.company)
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:proposal_create", args=[application.pk]),
        proposal_data(alice, observers=[observer.pk]),
    )
    proposal = Proposal.objects.get()
    assert response.url == reverse("recruiting:proposal_detail", args=[proposal.pk])
    assert proposal.slots.count() == 3
    assert list(proposal.observers.all()) == [observer]
    assert CandidateEmail.objects.filter(proposal=proposal, kind="proposal").exists()
    html = client.get(response.url).content.decode()
    assert "09:00–09:45" in html and "14:00–15:00" in html
    assert reverse("recruiting:proposal_withdraw", args=[proposal.pk]) in html


def test_withdrawing_asks_first_and_then_closes_the_proposal(client, alice, application):
    client.force_login(alice)
    client.post(reverse("recruiting:proposal_create", args=[application.pk]), proposal_data(alice))
    proposal = Proposal.objects.get()
    url = reverse("recruiting:proposal_withdraw", args=[proposal.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "open"
    assert client.post(url).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    again = client.post(url)
    assert again.status_code == 302  # nothing left to withdraw; back to the detail page


def test_observers_see_proposals_without_the_withdraw_button(client, alice, application):
    client.force_login(alice)
    client.post(reverse("recruiting:proposal_create", args=[application.pk]), proposal_data(alice))
    proposal = Proposal.objects.get()
    client.force_login(f.bob(company=application.company))
    html = client.get(reverse("recruiting:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Kennenlernen" in html
    assert reverse("recruiting:proposal_withdraw", args=[proposal.pk]) not in html


def test_the_dashboard_shows_my_open_proposals(client, alice, application):
    client.force_login(alice)
    client.post(reverse("recruiting:proposal_create", args=[application.pk]), proposal_data(alice))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Offene Terminvorschläge" in html
    assert reverse("recruiting:proposal_detail", args=[Proposal.objects.get().pk]) in html


def test_an_online_proposal_keeps_the_placeholder(client, alice, application):
    from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER

    client.force_login(alice)
    client.post(
        reverse("recruiting:proposal_create", args=[application.pk]),
        proposal_data(
            alice,
            kind="online",
            meeting_link="https://meet.example/x",
            candidate_message=f"Hallo {JOIN_INFO_PLACEHOLDER}",
        ),
    )
    proposal = Proposal.objects.get()
    assert proposal.location == ""
    assert JOIN_INFO_PLACEHOLDER in proposal.candidate_message
