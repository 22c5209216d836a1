"""Observers answer in Outlook whenever they like; EBMS reads the answers back (follow-ups
after each write, bounded) and shows them on the appointment page and in the list."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from calendar_integration.sync.followup import DELAYS
from calendar_integration.sync.services import sync_sweep
from m365sim.models import Mailbox

from .conftest import answers_arrive, client_for, events_of, plan, record_of


def test_an_observers_later_decline_shows_on_the_page_and_in_the_list(
    m365, rita, alice, olaf, application
):
    appointment = plan(application=application, by=alice, observers=[olaf])
    (event,) = events_of(m365.recruiter)
    assert record_of(appointment).attendee_responses == [
        {"address": "olaf@contoso.example", "name": "Olaf Muster", "response": "none"}
    ]
    m365.respond(Mailbox.objects.get(email="olaf@contoso.example"), event, "declined",
                 after=timedelta(minutes=3))  # fmt: skip

    answers_arrive(m365, seconds=60)  # first follow-up: Olaf has not answered yet
    assert record_of(appointment).attendee_responses[0]["response"] == "none"
    m365.advance_clock(minutes=3)
    sync_sweep(now=timezone.now() + DELAYS[0] + DELAYS[1] + timedelta(minutes=1))

    record = record_of(appointment)
    assert record.attendee_responses[0]["response"] == "declined"
    page = client_for(alice).get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
    assert 'data-response="declined"' in page.content.decode()
    listing = client_for(alice).get(reverse("recruiting:appointment_list")).content.decode()
    assert "Olaf Muster: abgesagt" in listing


def test_follow_ups_stop_after_the_last_one(m365, rita, alice, olaf, application):
    appointment = plan(application=application, by=alice, observers=[olaf])
    later = timezone.now()

    for delay in DELAYS:
        later += delay + timedelta(seconds=1)
        assert sync_sweep(now=later)["followups"] == 1

    record = record_of(appointment)
    assert record.followup_at is None and record.followups_left == 0
    assert sync_sweep(now=later + timedelta(days=1))["followups"] == 0
