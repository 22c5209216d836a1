"""Candidate e-mails: content per language, escaping, attachments, exactly-once sending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from ebms.mail.models import StoredMail
from ebms.recruiting import emails
from ebms.recruiting.models import CandidateEmail
from ebms.recruiting.services import appointment_cancel, appointment_update
from ebms.recruiting.tests import factories as f

pytestmark = pytest.mark.django_db
BROKEN = "ebms.recruiting.tests.test_emails.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP nicht erreichbar")


@pytest.fixture
def w():
    return f.world()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def calendar_part(mail):
    (part,) = mail.attachments
    return part


def test_the_invitation_has_text_html_and_a_request_ics(w, send, mailoutbox):
    send(lambda: f.appointment(
        application=w.application, by=w.alice, candidate_message="Bitte klingeln."
    ))  # fmt: skip
    (mail,) = mailoutbox
    assert mail.to == ["dana@bewerber.example"] and mail.reply_to == [w.alice.email]
    assert mail.subject == "Einladung: Vorstellungsgespräch"
    assert "Guten Tag Dana Bewerber" in mail.body and "Bitte klingeln." in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and '<html lang="de">' in html and "Bitte klingeln." in html
    part = calendar_part(mail)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "termin.ics"
    assert "METHOD:REQUEST" in part.get_payload(decode=True).decode()


def test_the_candidate_never_sees_internal_text_or_observers(w, send, mailoutbox):
    send(lambda: f.appointment(
        application=w.application,
        by=w.alice,
        observers=[w.bob],
        internal_description="VERTRAULICH Gehaltsvorstellung zu hoch",
    ))  # fmt: skip
    (mail,) = mailoutbox
    everything = (
        mail.body + mail.alternatives[0][0] + calendar_part(mail).get_payload(decode=True).decode()
    )
    assert "VERTRAULICH" not in everything
    assert w.bob.email not in everything and "Bob" not in everything


def test_html_in_user_text_is_escaped_in_the_html_mail(w, send, mailoutbox):
    send(lambda: f.appointment(
        application=w.application,
        by=w.alice,
        title='<img src=x onerror="alert(1)">',
        location="<b>Haus</b> & Hof",
        candidate_message="<script>alert('x')</script>\nZweite Zeile",
    ))  # fmt: skip
    (mail,) = mailoutbox
    html = mail.alternatives[0][0]
    assert "<script>" not in html and "<img" not in html and "<b>Haus" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Haus&lt;/b&gt; &amp; Hof" in html
    assert "<br>Zweite Zeile" in html
    # The text part is plain text: no HTML entities to confuse the reader.
    assert "<script>alert('x')</script>" in mail.body and "<b>Haus</b> & Hof" in mail.body
    assert mail.subject == 'Einladung: <img src=x onerror="alert(1)">'


def test_an_english_candidate_gets_an_english_mail(db, send, mailoutbox):
    w = f.world(language="en")
    send(lambda: f.appointment(application=w.application, by=w.alice, kind="phone"))
    (mail,) = mailoutbox
    assert mail.subject == "Invitation: Vorstellungsgespräch"
    assert mail.body.startswith("Dear Dana Bewerber,")
    assert "Phone call" in mail.body and "We will call you at +49 30 1234567." in mail.body
    assert "Guten Tag" not in mail.body
    assert '<html lang="en">' in mail.alternatives[0][0]
    weekday = f.future().strftime("%A")  # English day names in an English mail
    assert weekday in mail.body


def test_times_are_shown_in_the_company_zone(db, send, mailoutbox):
    w = f.world(time_zone="America/New_York")
    start = f.future(hour=9, zone=w.company.zone)
    send(lambda: f.appointment(
        application=w.application, by=w.alice, starts_at=start, ends_at=start + timedelta(hours=1)
    ))  # fmt: skip
    assert "09:00–10:00 Uhr (America/New_York)" in mailoutbox[0].body


def test_the_cancellation_carries_the_reason_and_a_cancel_ics(w, send, mailoutbox):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    send(lambda: appointment_cancel(
        appointment=appointment, by=w.alice, reason="Die Stelle ist <b>besetzt</b>."
    ))  # fmt: skip
    mail = mailoutbox[1]
    assert mail.subject == "Absage: Vorstellungsgespräch"
    assert "Grund: Die Stelle ist <b>besetzt</b>." in mail.body
    assert "Die Stelle ist &lt;b&gt;besetzt&lt;/b&gt;." in mail.alternatives[0][0]
    part = calendar_part(mail)
    assert part.get_param("method") == "CANCEL" and part.get_filename() == "absage.ics"
    ics = part.get_payload(decode=True).decode()
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics


def test_the_update_mail_names_what_changed(w, send, mailoutbox):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    later = appointment.starts_at + timedelta(hours=1)
    send(lambda: appointment_update(
        appointment=appointment,
        by=w.alice,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        location="Nebenstraße 2",
    ))  # fmt: skip
    assert "Ihr Termin wurde geändert (Zeit, Ort)." in mailoutbox[1].body


def test_the_database_backend_stores_the_mail_with_its_calendar(w, send, mailoutbox):
    with override_settings(EMAIL_BACKEND="ebms.mail.backends.DatabaseEmailBackend"):
        send(lambda: f.appointment(application=w.application, by=w.alice))
    stored = StoredMail.objects.get()
    assert mailoutbox == []
    assert stored.to == "dana@bewerber.example" and stored.subject.startswith("Einladung")
    assert "<html" in stored.html_body
    (attachment,) = stored.attachments
    assert attachment["mimetype"] == "text/calendar" and "BEGIN:VCALENDAR" in attachment["content"]


# --- exactly once ---------------------------------------------------------------------------


def test_a_task_run_twice_for_the_same_row_sends_once(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        f.appointment(application=w.application, by=w.alice)
    email = CandidateEmail.objects.get()
    from ebms.recruiting.tasks import candidate_email_send

    assert candidate_email_send.delay(email.pk).get() == "sent"
    assert candidate_email_send.delay(email.pk).get() == "skipped"  # a redelivered message
    callbacks[0]()  # the on-commit enqueue arriving late changes nothing either
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


def test_a_row_claimed_by_another_run_is_not_sent(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        f.appointment(application=w.application, by=w.alice)
    email = CandidateEmail.objects.get()
    CandidateEmail.objects.filter(pk=email.pk).update(
        status="sending", claimed_until=timezone.now() + timedelta(minutes=5)
    )
    assert emails.candidate_email_send(email.pk) == "skipped"
    assert mailoutbox == []


def test_a_newer_version_supersedes_an_unsent_one(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        appointment = f.appointment(application=w.application, by=w.alice)
    with django_capture_on_commit_callbacks(execute=False):
        appointment_update(appointment=appointment, by=w.alice, location="Nebenstraße 2")
    first, second = CandidateEmail.objects.order_by("version")
    assert (first.status, second.status) == ("superseded", "pending")
    # The lost invitation becomes the invitation of the new version.
    assert (second.kind, second.version) == ("invitation", 2)
    assert emails.candidate_email_send(first.pk) == "skipped"
    assert emails.candidate_email_send(second.pk) == "sent"
    assert len(mailoutbox) == 1 and "Nebenstraße 2" in mailoutbox[0].body


def test_superseded_updates_carry_their_changes_forward(
    w, send, django_capture_on_commit_callbacks
):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    with django_capture_on_commit_callbacks(execute=False):
        appointment_update(appointment=appointment, by=w.alice, location="Nebenstraße 2")
        appointment_update(appointment=appointment, by=w.alice, candidate_message="Neu")
    latest = CandidateEmail.objects.order_by("-version").first()
    assert latest.kind == "update" and latest.changed == ["candidate_message", "location"]
    assert CandidateEmail.objects.filter(status="superseded").count() == 1


def test_a_failed_send_stays_pending_with_backoff_and_is_swept_later(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with override_settings(EMAIL_BACKEND=BROKEN), django_capture_on_commit_callbacks(execute=True):
        f.appointment(application=w.application, by=w.alice)
    email = CandidateEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "SMTP nicht erreichbar" in email.last_error
    assert email.next_attempt_at > timezone.now()
    from ebms.recruiting.tasks import candidate_mails_sweep

    assert candidate_mails_sweep.delay().get() == 0  # not yet due
    assert emails.candidate_email_send(email.pk) == "skipped"
    CandidateEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert candidate_mails_sweep.delay().get() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_backoff_grows_and_is_capped():
    assert [emails.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert emails.backoff(30) == timedelta(hours=2)


def test_a_row_fails_for_good_after_the_last_attempt(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        f.appointment(application=w.application, by=w.alice)
    email = CandidateEmail.objects.get()
    CandidateEmail.objects.filter(pk=email.pk).update(attempts=emails.MAX_ATTEMPTS - 1)
    with override_settings(EMAIL_BACKEND=BROKEN):
        assert emails.candidate_email_send(email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == "failed" and email.next_attempt_at is None


def test_an_interrupted_claim_is_failed_not_resent(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        f.appointment(application=w.application, by=w.alice)
    email = CandidateEmail.objects.get()
    CandidateEmail.objects.filter(pk=email.pk).update(
        status="sending", claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert emails.candidate_emails_due() == []
    email.refresh_from_db()
    assert email.status == "failed" and "unterbrochen" in email.last_error
    assert mailoutbox == []


def test_a_mail_for_a_past_appointment_is_not_sent(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        appointment = f.appointment(application=w.application, by=w.alice)
    past = timezone.now() - timedelta(hours=2)
    type(appointment).objects.filter(pk=appointment.pk).update(
        starts_at=past, ends_at=past + timedelta(hours=1)
    )
    email = CandidateEmail.objects.get()
    assert emails.candidate_email_send(email.pk) == "skipped"
    email.refresh_from_db()
    assert email.status == "failed" and mailoutbox == []


def test_one_row_per_appointment_version(w, django_capture_on_commit_callbacks):
    from django.db import IntegrityError, transaction

    with django_capture_on_commit_callbacks(execute=False):
        appointment = f.appointment(application=w.application, by=w.alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateEmail.objects.create(
            company=w.company, appointment=appointment, kind="update", version=1, to="x@y.z"
        )
