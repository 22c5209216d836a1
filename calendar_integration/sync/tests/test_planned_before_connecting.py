"""Appointments planned before the recruiter connected reach Outlook once he connects; a
meeting link the recruiter typed stays the candidate's link (no Teams meeting instead)."""

from __future__ import annotations

from calendar_integration.sync.models import CalendarEvent, SyncStatus
from calendar_integration.tests.conftest import connect
from ebms.recruiting.models import CandidateEmail

from .conftest import calls, events_of, plan, record_of

LINK = "https://meet.example.org/interview-42"


def test_connecting_syncs_the_appointments_planned_before(m365, alice, application, mailoutbox):
    on_site = plan(application=application, by=alice, days=5)
    online = plan(application=application, by=alice, kind="online", days=6, meeting_link=LINK)
    assert not CalendarEvent.objects.exists()
    assert len(mailoutbox) == 2  # both invitations went out with EBMS alone

    connect(m365, alice, email=m365.recruiter.email, rooms=False)

    assert record_of(on_site).status == record_of(online).status == SyncStatus.SYNCED
    subjects = sorted(
        e.subject for e in events_of(m365.recruiter) if "Funktionstest" not in e.subject
    )
    assert len(subjects) == 2
    (teams_less,) = [e for e in events_of(m365.recruiter) if e.location.get("displayName") == LINK]
    assert not teams_less.is_online_meeting
    assert len(mailoutbox) == 2  # the candidate keeps his link: no update mail


def test_a_typed_link_is_used_instead_of_a_teams_meeting(
    m365, rita, alice, application, mailoutbox
):
    appointment = plan(application=application, by=alice, kind="online", meeting_link=LINK)

    assert [c.method for c in calls(m365.recruiter)] == ["POST"]
    (event,) = events_of(m365.recruiter)
    assert not event.is_online_meeting and event.location["displayName"] == LINK
    email = CandidateEmail.objects.get(appointment=appointment)
    assert email.status == CandidateEmail.Status.SENT  # no waiting for Teams
    (mail,) = [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]
    assert LINK in mail.body and "[[Online-Meeting-Teilnahme]]" not in mail.body
