"""Create, update and cancel reach Outlook with one Graph call each (counted in the
simulator's request log), with the content and flags the product wants."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calendar_integration.availability.models import Room
from calendar_integration.sync.models import SyncStatus
from calendar_integration.sync.payloads import PROPERTY_ID
from ebms.recruiting.services import appointment_cancel, appointment_update
from m365sim.graph import log
from m365sim.models import Event

from .conftest import calls, events_of, plan, record_of


def test_planning_creates_one_event_with_one_call(m365, rita, alice, olaf, application):
    # The room comes from the company's stored room list: no Graph lookup for it (issue 11.5).
    Room.objects.create(
        company=application.company, email=m365.rooms[0].email, name="Raum Alpha",
        last_seen_at=timezone.now(),
    )  # fmt: skip
    appointment = plan(
        application=application,
        by=alice,
        observers=[olaf],
        room_email=m365.rooms[0].email,
        room_name="Raum Alpha",
        internal_description="Bitte <b>Laptop</b> mitbringen",
    )

    assert [(c.method, c.path, c.status) for c in calls(m365.recruiter)] == [
        ("POST", "/v1.0/me/events", 201)
    ]
    record = record_of(appointment)
    assert record.status == SyncStatus.SYNCED
    assert record.synced_version == record.wanted_version
    (event,) = events_of(m365.recruiter)
    assert event.immutable_id == record.graph_id
    assert event.transaction_id == record.transaction_id
    assert event.subject == "Vorstellungsgespräch – Dana Bewerber"
    assert event.organizer_address == m365.recruiter.email
    assert event.sensitivity == "private"
    assert event.show_as == "busy"
    assert event.allow_new_time_proposals is False
    attendees = {a["emailAddress"]["address"]: a["type"] for a in event.attendees}
    assert attendees == {"olaf@contoso.example": "required", m365.rooms[0].email: "resource"}
    assert "dana@bewerber.example" not in str(event.attendees) + event.body_content
    assert "Bitte &lt;b&gt;Laptop&lt;/b&gt; mitbringen" in event.body_content
    link = settings.SITE_URL + reverse("recruiting:appointment_detail", args=[appointment.pk])
    assert f'href="{link}"' in event.body_content
    assert event.extended_properties == [{"id": PROPERTY_ID, "value": str(record.key)}]
    # The observer got his copy of the meeting.
    assert events_of(m365.add_user("olaf"), is_organizer=False)


def test_a_time_change_is_one_patch_of_start_and_end(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    before = len(calls(m365.recruiter))

    appointment_update(
        appointment=appointment,
        by=alice,
        starts_at=appointment.starts_at + timedelta(hours=2),
        ends_at=appointment.ends_at + timedelta(hours=2),
    )

    new = calls(m365.recruiter)[before:]
    assert [(c.method, c.status) for c in new] == [("PATCH", 200)]
    (event,) = events_of(m365.recruiter)
    assert event.start == appointment.starts_at + timedelta(hours=2)
    assert record_of(appointment).status == SyncStatus.SYNCED


def test_cancel_is_one_organizer_cancel_with_the_reason(m365, rita, alice, olaf, application):
    appointment = plan(application=application, by=alice, observers=[olaf])
    before = len(calls(m365.recruiter))

    appointment_cancel(appointment=appointment, by=alice, reason="Stelle besetzt")

    new = calls(m365.recruiter)[before:]
    assert [(c.method, c.path.endswith("/cancel"), c.status) for c in new] == [("POST", True, 202)]
    assert events_of(m365.recruiter) == []
    copy = Event.objects.get(mailbox__email="olaf@contoso.example")
    assert copy.is_cancelled
    record = record_of(appointment)
    assert record.removed and record.status == SyncStatus.SYNCED


def test_quick_successive_edits_coalesce_into_one_patch(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    before = len(calls(m365.recruiter))

    with transaction.atomic():
        appointment = appointment_update(appointment=appointment, by=alice, title="Zweiter Titel")
        appointment = appointment_update(
            appointment=appointment, by=alice, internal_description="Neu"
        )

    assert [c.method for c in calls(m365.recruiter)[before:]] == ["PATCH"]
    (event,) = events_of(m365.recruiter)
    assert event.subject.startswith("Zweiter Titel")
    assert "Neu" in event.body_content


def test_a_change_outlook_does_not_show_costs_no_call(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    before = len(calls(m365.recruiter))

    appointment_update(appointment=appointment, by=alice, candidate_message="Nur für Dana")

    assert calls(m365.recruiter)[before:] == []
    assert record_of(appointment).status == SyncStatus.SYNCED


def test_a_recruiter_without_connection_gets_no_record(m365, muster, alice, application):
    appointment = plan(application=application, by=alice)

    assert not hasattr(appointment, "calendar_event")
    assert log_is_empty(m365)


def log_is_empty(m365) -> bool:
    from m365sim.graph import log

    return log.calls(mailbox=m365.recruiter.email) == []


def test_an_event_without_attendees_is_deleted_not_cancelled(
    m365, rita, alice, application, mailoutbox
):
    appointment = plan(application=application, by=alice, kind="online")
    log.clear()

    appointment_cancel(appointment=appointment, by=alice, reason="Stelle besetzt")

    # event-cancel documents cancel as the organizer's action on a meeting; without
    # attendees EBMS deletes the event (event-delete, 204).
    assert [(c.method, c.status) for c in calls(m365.recruiter)] == [("DELETE", 204)]
    assert not events_of(m365.recruiter)
    assert record_of(appointment).removed
