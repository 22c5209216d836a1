"""The candidate's page behind the signed link: pick a slot; bad links get a clear page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ebms.recruiting.models import Appointment, Proposal
from ebms.recruiting.services import proposal_create, proposal_link_for, proposal_withdraw
from ebms.recruiting.tests import factories as f


@pytest.fixture
def company(db):
    return f.company(name="Muster <b>GmbH</b>")


def make_proposal(company, alice, *, language="de", **fields) -> Proposal:
    application = f.application(company=company, language=language)
    observer = f.user(company=company, role="observer", first_name="Geheimer", last_name="Beob")
    fields.setdefault("slots", [
        (f.future(days=3), f.future(days=3, hour=11)),
        (f.future(days=4, hour=14), f.future(days=4, hour=15)),
    ])  # fmt: skip
    return proposal_create(
        by=alice,
        application=application,
        recruiter=alice,
        observers=[observer],
        kind="onsite",
        location="Hauptstraße 1",
        title="<script>alert(1)</script>",
        internal_description="INTERN: Gehaltsvorstellung",
        candidate_message="Wir freuen uns.",
        **fields,
    )


def path_of(proposal: Proposal) -> str:
    return urlsplit(proposal_link_for(proposal)).path


def page_of(client, proposal: Proposal) -> str:
    """Open the link as the candidate does: the link's page, its button (the token is
    exchanged), the token-free page's path."""
    link = path_of(proposal)
    assert client.get(link).status_code in (200, 302)
    csrf = client.cookies.get(settings.CSRF_COOKIE_NAME)
    response = client.post(link, {"csrfmiddlewaretoken": csrf.value if csrf else ""})
    assert response.status_code == 302
    return response["Location"]


def test_the_page_shows_the_open_slots_and_nothing_internal(client, company, alice):
    proposal = make_proposal(company, alice)
    response = client.get(page_of(client, proposal))
    html = response.content.decode()
    assert response.status_code == 200
    assert "10:00–11:00" in html and "14:00–15:00" in html
    assert "Muster &lt;b&gt;GmbH&lt;/b&gt;" in html and "Alice Beispiel" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "INTERN" not in html and "Geheimer" not in html
    assert html.count('name="slot"') == 2


def test_it_speaks_the_candidates_language(client, company, alice):
    proposal = make_proposal(company, alice, language="en")
    response = client.get(path_of(proposal), HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert '<html lang="en">' in response.content.decode()


def test_slots_in_the_past_are_not_offered(client, company, alice):
    proposal = make_proposal(company, alice)
    first = proposal.slots.order_by("starts_at").first()
    # The first slot has begun meanwhile.
    type(first).objects.filter(pk=first.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    page = page_of(client, proposal)
    html = client.get(page).content.decode()
    assert html.count('name="slot"') == 1
    response = client.post(page, {"slot": first.pk})
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_picking_a_slot_confirms_the_appointment_and_uses_up_the_link(client, company, alice):
    proposal = make_proposal(company, alice)
    path = path_of(proposal)
    second = proposal.slots.order_by("starts_at").last()
    response = client.post(page_of(client, proposal), {"slot": second.pk})
    assert response.status_code == 200
    assert "Ihr Termin ist bestätigt" in response.content.decode()
    assert "14:00–15:00" in response.content.decode()
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.proposal) == (second.starts_at, proposal)
    used = client.get(path)
    assert used.status_code == 410
    assert "bereits verwendet" in used.content.decode()
    assert client.post(path, {"slot": second.pk}).status_code == 410
    assert Appointment.objects.count() == 1


def test_a_slot_of_another_proposal_cannot_be_picked(client, company, alice):
    proposal = make_proposal(company, alice)
    other = make_proposal(company, alice)
    foreign = other.slots.first()
    page = page_of(client, proposal)
    assert client.post(page, {"slot": foreign.pk}).status_code == 400
    assert client.post(page, {"slot": "abc"}).status_code == 400
    assert not Appointment.objects.exists()


def test_a_tampered_link_is_not_found(client, company, alice):
    proposal = make_proposal(company, alice)
    path = path_of(proposal)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = client.get(reverse("recruiting:candidate_proposal", args=[tampered]))
    assert response.status_code == 404
    assert "Dieser Link ist ungültig." in response.content.decode()
    response = client.get(reverse("recruiting:candidate_proposal", args=["nonsense"]))
    assert response.status_code == 404


def test_an_expired_link_is_gone(client, company, alice):
    proposal = make_proposal(company, alice)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=datetime(2026, 1, 1, tzinfo=UTC))
    response = client.get(path_of(proposal))
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()


def test_a_withdrawn_link_is_gone_in_the_candidates_language(client, company, alice):
    proposal = make_proposal(company, alice, language="en")
    path = path_of(proposal)
    proposal_withdraw(proposal=proposal, by=alice)
    response = client.get(path)
    assert response.status_code == 410
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "zurückgezogen" in html or "withdrawn" in html


def test_picking_needs_the_csrf_token(company, alice):
    proposal = make_proposal(company, alice)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(page_of(strict, proposal), {"slot": proposal.slots.first().pk})
    assert response.status_code == 403
    assert not Appointment.objects.exists()
    page = strict.get(path_of(proposal), follow=True)
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_the_link_is_exchanged_once_a_second_browser_cannot_pick(client, company, alice):
    """Issue 11.8: the token in an access log is useless once the candidate opened it."""
    proposal = make_proposal(company, alice)
    link = path_of(proposal)
    page = page_of(client, proposal)
    assert "/vorschlag/auswahl/" in page and link.rsplit("/", 2)[1] not in page
    assert client.get(link)["Location"] == page  # the same browser opens the mail link again

    reader = Client()  # somebody who read the link in a log, or another device
    opened = reader.get(link)
    stolen = reader.post(page, {"slot": proposal.slots.first().pk})

    assert opened.status_code == 403
    assert "bereits in einem anderen Browser geöffnet" in opened.content.decode()
    assert 'name="slot"' not in opened.content.decode()
    assert stolen.status_code == 404 and not Appointment.objects.exists()
    assert client.post(page, {"slot": proposal.slots.first().pk}).status_code == 200
    assert Appointment.objects.count() == 1


def test_a_mail_scanners_get_exchanges_nothing(client, company, alice):
    """Link scanners (Safe Links) fetch the link first: only the button exchanges the token."""
    proposal = make_proposal(company, alice)

    scanned = Client().get(path_of(proposal))

    assert scanned.status_code == 200 and 'name="slot"' not in scanned.content.decode()
    assert "Terminvorschläge anzeigen" in scanned.content.decode()
    assert client.get(page_of(client, proposal)).content.decode().count('name="slot"') == 2
