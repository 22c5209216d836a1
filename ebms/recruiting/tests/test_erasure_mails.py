"""GDPR erasure and the demo mail store (issue 15): the erased candidate's stored mails go,
another candidate's stay (even at the same address), and a mail on its way during the erasure
leaves no copy naming him (chaos: "sent but not stored", "EBMS mail.StoredMail")."""

from __future__ import annotations

import pytest

from ebms.mail.models import StoredMail
from ebms.recruiting import emails
from ebms.recruiting.models import CandidateEmail, Erasure
from ebms.recruiting.services import candidate_erase
from ebms.recruiting.tests import factories as f
from tests.chaos import oracle

SHARED = "familie@bewerber.example"


@pytest.fixture(autouse=True)
def stored(settings):
    settings.EMAIL_BACKEND = "ebms.mail.backends.DatabaseEmailBackend"


def _invited(company, alice, capture, last_name: str):
    application = f.application(company=company, email=SHARED, last_name=last_name)
    with capture(execute=True):
        appointment = f.appointment(application=application, by=alice)
    assert appointment.emails.get().status == CandidateEmail.Status.SENT
    return application


@pytest.mark.parametrize("mode", [Erasure.Mode.DELETED, Erasure.Mode.ANONYMISED])
def test_another_candidate_at_the_same_address_keeps_his_mails(
    company, alice, carol, django_capture_on_commit_callbacks, mode
):
    erased = _invited(company, alice, django_capture_on_commit_callbacks, "Xaverova")
    kept = _invited(company, alice, django_capture_on_commit_callbacks, "Yilmazoglu")
    assert StoredMail.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        candidate_erase(candidate=erased.candidate, by=carol, mode=mode, cancel_upcoming=True)

    assert [m.headers["X-EBMS-Candidate-Email"] for m in StoredMail.objects.all()] == [
        str(kept.appointments.get().emails.get().pk)
    ]
    assert not StoredMail.objects.filter(text_body__icontains="Xaverova").exists()
    assert oracle.emails(company=company)["emails_lost"] == 0


@pytest.mark.parametrize("mode", [Erasure.Mode.DELETED, Erasure.Mode.ANONYMISED])
def test_a_mail_on_its_way_during_the_erasure_leaves_no_copy(
    company, alice, carol, django_capture_on_commit_callbacks, mode
):
    """A worker rendered the invitation (name, .ics) before the erasure committed and hands
    it to the mail backend after it: the mail goes out, no copy is stored."""
    application = f.application(company=company, email=SHARED, last_name="Xaverova")
    appointment = f.appointment(application=application, by=alice)  # its task not yet run
    row = appointment.emails.get()
    message = emails.candidate_email_message(row)  # the worker's rendering
    assert "Xaverova" in message.body

    candidate_erase(candidate=application.candidate, by=carol, mode=mode, cancel_upcoming=True)
    message.send()

    assert not StoredMail.objects.exists()
    assert emails.candidate_email_send(row.pk) == "skipped"  # nothing left to send
