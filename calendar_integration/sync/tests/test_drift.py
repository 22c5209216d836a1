"""F7 drift: reading the event back flags a time changed or an event deleted in Outlook;
"EBMS-Zeit wieder anwenden" PATCHes the time, "in EBMS verschieben" moves the appointment
(the candidate is told) without another Graph call. At most one check a minute per page."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from calendar_integration.sync.drift import drift_check
from calendar_integration.sync.models import CalendarEvent
from ebms.recruiting.models import CandidateEmail

from .conftest import as_outlook_user, calls, client_for, events_of, plan, record_of


def _move_in_outlook(m365, record, hours: int):
    (event,) = events_of(m365.recruiter)
    start, end = event.start + timedelta(hours=hours), event.end + timedelta(hours=hours)
    fmt = "%Y-%m-%dT%H:%M:%S"
    response = as_outlook_user(
        m365,
        m365.recruiter,
        "PATCH",
        f"/me/events/{record.graph_id}",
        json={
            "start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": end.strftime(fmt), "timeZone": "UTC"},
        },
    )
    assert response.status_code == 200
    return start, end


def _open_panel(user, appointment):
    return client_for(user).get(reverse("calendar_integration:sync_status", args=[appointment.pk]))


def test_a_time_changed_in_outlook_is_flagged_when_the_page_is_opened(
    m365, rita, alice, application
):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    start, _end = _move_in_outlook(m365, record, hours=3)
    before = len(calls(m365.recruiter))

    page = _open_panel(alice, appointment).content.decode()

    assert "In Outlook geändert" in page and "EBMS-Zeit wieder anwenden" in page
    record.refresh_from_db()
    assert record.drift == CalendarEvent.Drift.CHANGED and record.outlook_start == start
    new = calls(m365.recruiter)[before:]
    assert [(c.method, c.status) for c in new] == [("GET", 200)]
    # A second view within the minute does not ask Microsoft again.
    _open_panel(alice, appointment)
    assert len(calls(m365.recruiter)) == before + 1


def test_reapplying_the_ebms_time_patches_it_back(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    _move_in_outlook(m365, record, hours=3)
    _open_panel(alice, appointment)
    before = len(calls(m365.recruiter))

    response = client_for(alice).post(
        reverse("calendar_integration:sync_reapply", args=[appointment.pk])
    )

    assert response.status_code == 302
    assert [c.method for c in calls(m365.recruiter)[before:]] == ["PATCH"]
    (event,) = events_of(m365.recruiter)
    assert event.start == appointment.starts_at
    assert record_of(appointment).drift == ""


def test_moving_in_ebms_takes_the_outlook_time_and_tells_the_candidate(
    m365, rita, alice, application
):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    start, end = _move_in_outlook(m365, record, hours=3)
    _open_panel(alice, appointment)
    before = len(calls(m365.recruiter))

    client_for(alice).post(reverse("calendar_integration:sync_move", args=[appointment.pk]))

    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (start, end)
    assert calls(m365.recruiter)[before:] == []  # Outlook already shows that time
    update = appointment.emails.order_by("-version").first()
    assert update.kind == CandidateEmail.Kind.UPDATE and update.status == CandidateEmail.Status.SENT
    assert record_of(appointment).drift == ""


def test_an_event_deleted_in_outlook_is_flagged_and_can_be_recreated(
    m365, rita, alice, application
):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    as_outlook_user(m365, m365.recruiter, "DELETE", f"/me/events/{record.graph_id}")

    assert drift_check(record)  # the "Status prüfen" read (the delta pull: test_push_*)

    record.refresh_from_db()
    assert record.drift == CalendarEvent.Drift.DELETED
    assert "gelöscht oder abgesagt" in _open_panel(alice, appointment).content.decode()
    client_for(alice).post(reverse("calendar_integration:sync_reapply", args=[appointment.pk]))
    (event,) = events_of(m365.recruiter)
    record.refresh_from_db()
    assert event.immutable_id == record.graph_id and record.generation == 2
    assert event.transaction_id.endswith("-2")


def test_observers_cannot_use_the_drift_actions(m365, rita, alice, olaf, application):
    appointment = plan(application=application, by=alice)

    response = client_for(olaf).post(
        reverse("calendar_integration:sync_reapply", args=[appointment.pk])
    )

    assert response.status_code == 403


def test_a_refused_move_keeps_the_warning(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    _move_in_outlook(m365, record, hours=-24 * 30)  # into the past: EBMS refuses that time
    _open_panel(alice, appointment)

    response = client_for(alice).post(
        reverse("calendar_integration:sync_move", args=[appointment.pk])
    )

    assert response.status_code == 302
    before = (appointment.starts_at, appointment.ends_at)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == before
    assert record_of(appointment).drift == CalendarEvent.Drift.CHANGED


def drop_wake_up(task_name: str, arg: int) -> None:
    """`outbox.dispatch` for the test below: the sync task is not run (yet)."""


def test_a_sweep_with_a_stale_record_does_not_flag_an_ebms_change_as_drift(
    m365, rita, alice, application, monkeypatch
):
    from calendar_integration.sync import outbox
    from calendar_integration.sync.drift import drift_check
    from ebms.recruiting.services import appointment_update

    appointment = plan(application=application, by=alice)
    stale = record_of(appointment)  # loaded by a sweep before EBMS moved the appointment
    monkeypatch.setattr(outbox, "dispatch", drop_wake_up)
    appointment_update(
        appointment=appointment,
        by=alice,
        starts_at=appointment.starts_at + timedelta(hours=2),
        ends_at=appointment.ends_at + timedelta(hours=2),
    )

    drift_check(stale)

    assert record_of(appointment).drift == ""
