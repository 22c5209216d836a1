"""F9: the Teams meeting is created with the event (one call); Microsoft's join information
replaces the placeholder in the candidate e-mail, which is sent then. Without Teams the
recruiter is told and the e-mail waits until he enters a meeting link."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from calendar_integration.sync.models import SyncStatus
from calendar_integration.sync.payloads import TEAMS_LOCATION
from ebms.recruiting.models import CandidateEmail
from ebms.recruiting.services import appointment_update

from .conftest import calls, client_for, events_of, plan, record_of


def test_teams_join_info_goes_into_the_candidate_email(m365, rita, alice, application, mailoutbox):
    appointment = plan(application=application, by=alice, kind="online")

    assert [c.method for c in calls(m365.recruiter)] == ["POST"]
    (event,) = events_of(m365.recruiter)
    join_url = event.online_meeting["joinUrl"]
    assert event.is_online_meeting and event.location["displayName"] == TEAMS_LOCATION
    appointment.refresh_from_db()
    assert appointment.join_url == join_url
    assert "Besprechungs-ID" in appointment.join_info_text
    record = record_of(appointment)
    assert record.join_url == join_url and not record.teams_missing
    (mail,) = [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]
    assert join_url in mail.body
    assert "[[Online-Meeting-Teilnahme]]" not in mail.body
    html = mail.alternatives[0][0]
    assert "Microsoft Teams-Besprechung" in html and "<script" not in html


def test_a_body_change_keeps_the_teams_meeting(m365, rita, alice, application):
    appointment = plan(application=application, by=alice, kind="online")

    appointment_update(appointment=appointment, by=alice, internal_description="Neue Notiz")

    (event,) = events_of(m365.recruiter)
    assert "Neue Notiz" in event.body_content
    assert event.is_online_meeting
    assert event.online_meeting["joinUrl"] in event.body_content


def test_a_time_change_keeps_the_join_url_and_mails_one_update(
    m365, rita, alice, application, mailoutbox
):
    appointment = plan(application=application, by=alice, kind="online")
    url = record_of(appointment).join_url

    appointment_update(
        appointment=appointment,
        by=alice,
        starts_at=appointment.starts_at + timedelta(hours=1),
        ends_at=appointment.ends_at + timedelta(hours=1),
    )

    record = record_of(appointment)
    assert record.join_url == url and record.join_url_changed_at is None
    mails = [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]
    assert len(mails) == 2 and url in mails[1].body


def test_without_teams_the_email_waits_and_the_recruiter_is_told(
    m365, rita, alice, application, mailoutbox
):
    m365.recruiter.teams_licensed = False
    m365.recruiter.save()

    appointment = plan(application=application, by=alice, kind="online")

    record = record_of(appointment)
    assert record.status == SyncStatus.SYNCED and record.teams_missing
    assert appointment.emails.get().status == CandidateEmail.Status.WAITING
    assert not [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]
    page = client_for(alice).get(reverse("calendar_integration:sync_status", args=[appointment.pk]))
    assert "Teams-Besprechung fehlt" in page.content.decode()

    # The recruiter unblocks it by typing a meeting link.
    appointment_update(appointment=appointment, by=alice, meeting_link="https://meet.example/dana")

    (mail,) = [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]
    assert "https://meet.example/dana" in mail.body


def test_a_new_meeting_url_after_a_body_change_is_mailed_once(
    m365, rita, alice, application, mailoutbox
):
    appointment = plan(application=application, by=alice, kind="online")
    old_url = record_of(appointment).join_url
    # The kept join block no longer matches byte for byte (e.g. Outlook re-rendered it):
    # Exchange answers the body PATCH with a new meeting URL.
    record = record_of(appointment)
    record.join_block = record.join_block.replace("Besprechungs-ID", "Meeting-ID")
    record.save(update_fields=["join_block"])

    appointment_update(appointment=appointment, by=alice, internal_description="Neue Notiz")
    appointment_update(appointment=appointment, by=alice, internal_description="Noch eine")

    (event,) = events_of(m365.recruiter)
    new_url = event.online_meeting["joinUrl"]
    record = record_of(appointment)
    assert new_url != old_url and record.join_url == new_url
    assert record.join_url_changed_at is not None
    mails = [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]
    assert len(mails) == 2 and old_url in mails[0].body
    assert new_url in mails[1].body
