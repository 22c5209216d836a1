"""Issue 14.15: candidate mails read like a person wrote them. A pick is confirmed (the
proposal's "bitte wählen Sie" is not repeated), one sign-off, a natural subject for changes,
a used link names the chosen slot; the proposal form says at the top when there is no address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ebms.recruiting.services import appointment_update, proposal_create, proposal_pick
from ebms.recruiting.tests import factories as f

from .test_candidate_page import page_of, path_of

pytestmark = pytest.mark.django_db
CHOOSE = "Bitte wählen Sie einen der folgenden Termine aus.\n\nViele Grüße\nAlice Beispiel"


@pytest.fixture
def w():
    return f.world()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def _propose(w, **fields):
    day = f.future(days=5)
    return proposal_create(
        by=w.alice,
        application=w.application,
        recruiter=w.alice,
        observers=[],
        kind="onsite",
        location="Hauptstraße 1",
        slots=[(day, day + timedelta(hours=1)), (day.replace(hour=14), day.replace(hour=15))],
        title="Vorstellungsgespräch",
        candidate_message=fields.pop("candidate_message", CHOOSE),
        **fields,
    )


def test_after_a_pick_the_mail_confirms_the_slot_without_asking_to_choose(w, send, mailoutbox):
    proposal = send(lambda: _propose(w))
    slot = proposal.slots.order_by("starts_at").last()

    send(lambda: proposal_pick(proposal=proposal, slot=slot))

    confirmation = mailoutbox[-1]
    assert confirmation.subject == "Terminbestätigung: Vorstellungsgespräch"
    assert "vielen Dank für Ihre Auswahl" in confirmation.body
    assert "14:00–15:00 Uhr" in confirmation.body
    assert "wählen Sie" not in confirmation.body
    assert "wählen Sie" not in confirmation.alternatives[0][0]
    assert confirmation.body.count("Grüße") == 1


def test_a_message_with_its_own_sign_off_gets_no_second_one(w, send, mailoutbox):
    send(lambda: _propose(w))

    (mail,) = mailoutbox
    assert "Viele Grüße" in mail.body
    assert "Mit freundlichen Grüßen" not in mail.body
    assert "Mit freundlichen Grüßen" not in mail.alternatives[0][0]


def test_a_message_without_sign_off_gets_the_mails_one(w, send, mailoutbox):
    send(lambda: _propose(w, candidate_message="Bitte bringen Sie Zeugnisse mit."))

    (mail,) = mailoutbox
    assert mail.body.count("Mit freundlichen Grüßen") == 1


def test_a_time_change_has_a_natural_subject(w, send, mailoutbox):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    start = appointment.starts_at + timedelta(hours=2)

    send(
        lambda: appointment_update(
            appointment=appointment, by=w.alice, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    )
    send(lambda: appointment_update(appointment=appointment, by=w.alice, location="Nebenstraße 2"))

    subjects = [mail.subject for mail in mailoutbox]
    assert subjects[1].startswith("Neuer Termin für Ihr Vorstellungsgespräch: ")
    assert subjects[2].startswith("Änderung zu Ihrem Vorstellungsgespräch: ")


def test_a_used_link_shows_which_slot_was_chosen(client, w, send):
    proposal = send(lambda: _propose(w))
    second = proposal.slots.order_by("starts_at").last()
    assert client.post(page_of(client, proposal), {"slot": second.pk}).status_code == 200

    used = client.get(path_of(proposal))

    assert used.status_code == 410
    page = used.content.decode()
    assert "data-chosen-slot" in page and "14:00–15:00" in page


def test_the_proposal_form_says_at_the_top_when_the_candidate_has_no_address(client, w):
    w.candidate.email = ""
    w.candidate.save(update_fields=["email"])
    client.force_login(w.alice)

    page = client.get(reverse("recruiting:proposal_create", args=[w.application.pk]))

    html = page.content.decode()
    assert "data-no-email" in html and "keine E-Mail-Adresse hinterlegt" in html
    assert "E-Mail an –" not in html
    assert html.index("data-no-email") < html.index('name="kind"')
