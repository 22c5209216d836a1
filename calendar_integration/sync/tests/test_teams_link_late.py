"""Fault "join URL late": the create answers isOnlineMeeting true without onlineMeeting. The
appointment stays "Teams-Link ausstehend", EBMS reads the event again (bounded) and the
candidate gets his invitation once the link is there; without it the recruiter decides."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from calendar_integration.sync.followup import DELAYS
from calendar_integration.sync.services import sync_sweep
from ebms.recruiting.models import CandidateEmail
from m365sim.graph import faults

from .conftest import answers_arrive, client_for, events_of, plan, record_of


def _late(seconds: int) -> None:
    faults.inject(
        kind="join_url_late", method="POST", path_contains="/events", delay_ms=seconds * 1000
    )


def _candidate_mails(mailoutbox):
    return [m for m in mailoutbox if m.to == ["dana@bewerber.example"]]


def test_the_late_join_url_replaces_the_placeholder_and_the_candidate_is_mailed(
    m365, rita, alice, application, mailoutbox
):
    _late(90)

    appointment = plan(application=application, by=alice, kind="online")

    record = record_of(appointment)
    assert record.teams_pending and not record.teams_missing and not record.join_url
    assert appointment.emails.get().status == CandidateEmail.Status.WAITING
    page = client_for(alice).get(reverse("calendar_integration:sync_status", args=[appointment.pk]))
    assert "Teams-Link ausstehend" in page.content.decode()

    answers_arrive(m365, seconds=60)  # the first read is too early
    assert record_of(appointment).teams_pending
    assert not _candidate_mails(mailoutbox)

    m365.advance_clock(seconds=31)
    sync_sweep(now=timezone.now() + DELAYS[0] + DELAYS[1] + timedelta(minutes=1))

    (event,) = events_of(m365.recruiter)
    record = record_of(appointment)
    assert record.join_url == event.online_meeting["joinUrl"] and not record.teams_pending
    (mail,) = _candidate_mails(mailoutbox)
    assert event.online_meeting["joinUrl"] in mail.body
    assert "[[Online-Meeting-Teilnahme]]" not in mail.body


def test_after_the_last_read_the_recruiter_is_asked_to_retry_or_enter_a_link(
    m365, rita, alice, application, mailoutbox
):
    _late(24 * 3600)
    appointment = plan(application=application, by=alice, kind="online")
    later = timezone.now()

    for delay in DELAYS:
        later += delay + timedelta(seconds=1)
        sync_sweep(now=later)

    record = record_of(appointment)
    assert record.teams_missing and not record.teams_pending and record.followups_left == 0
    assert not _candidate_mails(mailoutbox)
    html = (
        client_for(alice)
        .get(reverse("calendar_integration:sync_status", args=[appointment.pk]))
        .content.decode()
    )
    assert "Teams-Besprechung fehlt" in html and "Link selbst eintragen" in html

    m365.advance_clock(days=1)
    client_for(alice).post(reverse("calendar_integration:sync_teams_retry", args=[appointment.pk]))

    record = record_of(appointment)
    assert record.join_url and not record.teams_missing
    assert len(_candidate_mails(mailoutbox)) == 1
