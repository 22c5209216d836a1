"""Appointment services: history, versions, hooks inside the transaction, candidate mails."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from ebms.recruiting.models import Appointment, CandidateEmail
from ebms.recruiting.services import (
    appointment_cancel,
    appointment_update,
    candidate_email_preview,
)
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests import hooks_registry

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def w():
    return f.world()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a service and the e-mail tasks it enqueued on commit."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def test_create_records_history_and_queues_the_invitation(w, send, mailoutbox):
    appointment = send(
        lambda: f.appointment(
            application=w.application, by=w.alice, observers=[w.bob], internal_description="intern"
        )
    )
    change = appointment.changes.get()
    assert change.action == "created" and change.by == w.alice
    assert change.changes["observers"] == ["", "Bob Beispiel"]
    assert change.changes["kind"] == ["", "Vor-Ort-Termin"]
    email = CandidateEmail.objects.get()
    assert (email.kind, email.version, email.status) == ("invitation", 1, "sent")
    assert [m.to for m in mailoutbox] == [["dana@bewerber.example"]]


def test_the_mail_task_is_enqueued_only_on_commit(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        f.appointment(application=w.application, by=w.alice)
    assert callbacks  # other apps' listeners may add their own on-commit work
    assert mailoutbox == []  # nothing is sent before the transaction commits
    assert CandidateEmail.objects.get().status == "pending"
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_history_shows_times_in_the_company_zone_across_dst(w):
    # 2027-03-28: clocks jump from 02:00 to 03:00 in Berlin.
    start = datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
    appointment = f.appointment(
        application=w.application, by=w.alice, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime(2027, 3, 28, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert appointment.changes.get().changes["starts_at"] == ["", "28.03.2027 10:00"]


def test_history_uses_the_company_zone_not_the_server_zone(db):
    w = f.world(time_zone="America/New_York")
    start = datetime(2027, 3, 28, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    appointment = f.appointment(
        application=w.application, by=w.alice, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert appointment.changes.get().changes["starts_at"] == ["", "28.03.2027 10:00"]


def test_an_update_without_changes_is_a_no_op(w, send):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    with f.Announcements() as seen:
        same = appointment_update(
            appointment=appointment, by=w.alice, title=appointment.title, observers=[]
        )
    assert same.version == 1 and seen.calls == []
    assert appointment.changes.count() == 1 and CandidateEmail.objects.count() == 1


def test_a_time_change_raises_sequence_and_version_and_mails_an_update(w, send, mailoutbox):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    later = appointment.starts_at + timedelta(hours=2)
    updated = send(
        lambda: appointment_update(
            appointment=appointment, by=w.alice, starts_at=later, ends_at=later + timedelta(hours=1)
        )
    )
    assert (updated.version, updated.sequence) == (2, 1)
    change = updated.changes.first()
    assert change.action == "changed"
    local = appointment.starts_at.astimezone(BERLIN)
    assert change.changes["starts_at"] == [
        local.strftime("%d.%m.%Y %H:%M"),
        (local + timedelta(hours=2)).strftime("%d.%m.%Y %H:%M"),
    ]
    email = CandidateEmail.objects.get(version=2)
    assert (email.kind, email.status, email.changed) == ("update", "sent", ["ends_at", "starts_at"])
    assert len(mailoutbox) == 2 and mailoutbox[1].subject.startswith(
        "Neuer Termin für Ihr Vorstellungsgespräch: "
    )


def test_an_internal_change_raises_version_but_mails_nothing(w, send, mailoutbox):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    with f.Announcements() as seen:
        updated = send(
            lambda: appointment_update(
                appointment=appointment,
                by=w.alice,
                internal_description="Gehalt besprechen",
                observers=[w.bob],
                title="Zweitgespräch",
            )
        )
    assert (updated.version, updated.sequence) == (2, 0)
    assert seen.calls[0][0] == "appointment_changed"
    assert seen.calls[0][1]["changed"] == {"internal_description", "observers", "title"}
    assert len(mailoutbox) == 1 and CandidateEmail.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"location": "Nebenstraße 2"},
        {"candidate_message": "Bitte Ausweis mitbringen."},
        {"kind": "phone"},
    ],
)
def test_candidate_visible_changes_mail_an_update(w, send, mailoutbox, fields):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    updated = send(lambda: appointment_update(appointment=appointment, by=w.alice, **fields))
    assert updated.sequence == 0  # not a time change
    assert CandidateEmail.objects.get(version=2).kind == "update"
    assert len(mailoutbox) == 2


def test_hooks_are_announced_inside_the_transaction_with_their_payload(w, send):
    with f.Announcements() as seen:
        appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
        send(lambda: appointment_update(appointment=appointment, by=w.alice, title="Neu"))
        send(lambda: appointment_cancel(appointment=appointment, by=w.alice, reason="krank"))
    assert seen.events() == ["appointment_created", "appointment_changed", "appointment_cancelled"]
    assert all(inside for _event, _payload, inside in seen.calls)
    created, changed, cancelled = (payload for _e, payload, _i in seen.calls)
    assert created == {"appointment": appointment}
    assert changed["changed"] == {"title"} and changed["appointment"].title == "Neu"
    assert cancelled["appointment"].is_cancelled


def test_a_failing_listener_rolls_the_change_back(w):
    def broken(event, **payload):
        raise RuntimeError("calendar outbox unavailable")

    from ebms.recruiting import hooks

    hooks.listen(broken)
    try:
        with pytest.raises(RuntimeError):
            f.appointment(application=w.application, by=w.alice)
    finally:
        hooks_registry.unlisten(broken)
    assert not Appointment.objects.exists() and not CandidateEmail.objects.exists()


def test_cancel_raises_sequence_and_mails_the_reason(w, send, mailoutbox):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    cancelled = send(
        lambda: appointment_cancel(appointment=appointment, by=w.alice, reason="Stelle besetzt")
    )
    assert cancelled.status == "cancelled" and cancelled.cancelled_at
    assert (cancelled.sequence, cancelled.version) == (1, 2)
    assert cancelled.changes.first().changes == {
        "status": ["geplant", "abgesagt"],
        "cancel_reason": ["", "Stelle besetzt"],
    }
    email = CandidateEmail.objects.get(version=2)
    assert email.kind == "cancellation" and email.status == "sent"
    assert "Stelle besetzt" in mailoutbox[1].body


def test_cancel_needs_a_reason(w):
    appointment = f.appointment(application=w.application, by=w.alice)
    with pytest.raises(ValidationError) as caught:
        appointment_cancel(appointment=appointment, by=w.alice, reason="  ")
    assert "cancel_reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        appointment_cancel(appointment=appointment, by=w.alice, reason="x" * 501)
    assert "cancel_reason" in caught.value.message_dict
    appointment.refresh_from_db()
    assert appointment.status == "planned"


def test_a_cancelled_appointment_can_be_neither_cancelled_nor_changed(w):
    appointment = f.appointment(application=w.application, by=w.alice)
    appointment_cancel(appointment=appointment, by=w.alice, reason="krank")
    with pytest.raises(ValidationError) as caught:
        appointment_cancel(appointment=appointment, by=w.alice, reason="nochmal")
    assert NON_FIELD_ERRORS in caught.value.message_dict
    with pytest.raises(ValidationError):
        appointment_update(appointment=appointment, by=w.alice, title="Neu")


def test_cancelling_before_the_invitation_left_sends_nothing(
    w, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        appointment = f.appointment(application=w.application, by=w.alice)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by=w.alice, reason="Doch nicht")
    # The candidate never heard of it: the unsent invitation is superseded, no cancellation.
    assert list(CandidateEmail.objects.values_list("kind", "status")) == [
        ("invitation", "superseded")
    ]
    assert mailoutbox == []


def test_others_may_not_change_or_cancel(w):
    appointment = f.appointment(application=w.application, by=w.alice)
    other = f.world(name="Andere AG")
    for user in (w.bob, other.alice, other.carol):
        with pytest.raises(PermissionDenied):
            appointment_update(appointment=appointment, by=user, title="Gehackt")
        with pytest.raises(PermissionDenied):
            appointment_cancel(appointment=appointment, by=user, reason="Gehackt")
    appointment.refresh_from_db()
    assert appointment.title != "Gehackt" and appointment.status == "planned"


def test_a_deactivated_observer_may_stay_but_not_be_added(w):
    carl = f.bob(company=w.company)
    appointment = f.appointment(application=w.application, by=w.alice, observers=[carl])
    carl.is_active = False
    carl.save()
    updated = appointment_update(appointment=appointment, by=w.alice, title="Neu")
    assert list(updated.observers.all()) == [carl]
    appointment2 = f.appointment(application=w.application, by=w.alice)
    with pytest.raises(ValidationError) as caught:
        appointment_update(appointment=appointment2, by=w.alice, observers=[carl])
    assert "observers" in caught.value.message_dict


def test_without_candidate_email_no_mail_is_queued(db, send):
    w = f.world(email="")
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    assert not CandidateEmail.objects.exists()
    preview = candidate_email_preview(appointment)
    assert preview["status"] == "" and preview["subject"].startswith("Einladung")


def test_the_preview_shows_the_current_mail_and_its_status(w, send):
    appointment = send(lambda: f.appointment(application=w.application, by=w.alice))
    send(lambda: appointment_update(appointment=appointment, by=w.alice, location="Nebenstraße 2"))
    preview = candidate_email_preview(appointment)  # a stale instance is fine
    assert preview["kind"] == "update" and preview["status"] == "sent"
    assert preview["status_label"] == "gesendet"
    assert "Nebenstraße 2" in preview["text"] and "Nebenstraße 2" in preview["html"]
