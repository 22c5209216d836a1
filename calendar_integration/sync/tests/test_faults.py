"""Microsoft's bad days: 429 and 503 with Retry-After pause only that mailbox, a dropped
connection and an "applied, then failed" create end in exactly one event (the ambiguous
create is found again by its extended property, never repeated blindly)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calendar_integration.sync.models import CalendarEvent, MailboxPause, SyncStatus
from calendar_integration.sync.tasks import sync_sweep
from calendar_integration.tests.conftest import signed_in
from ebms.accounts.models import Role, User
from ebms.recruiting.services import appointment_update
from m365sim.graph import faults, log

from .conftest import calls, events_of, plan, record_of, time_passes


@pytest.fixture
def dave(m365, muster, rita):
    """A second recruiter with his own mailbox (sam@contoso.example)."""
    user = User.objects.create_user(
        "dave@muster.example", "pw", company=muster, role=Role.RECRUITER, first_name="Dave"
    )
    m365.add_user("sam", "Sam Second")
    signed_in(m365, user, email="sam@contoso.example")
    log.clear()
    return user


@pytest.mark.parametrize("kind", ["throttle", "unavailable"])
def test_retry_after_pauses_only_that_mailbox(m365, rita, alice, dave, application, kind):
    faults.inject(kind=kind, mailbox=m365.recruiter.email, retry_after=30, remaining=1)

    mine = plan(application=application, by=alice)
    theirs = plan(application=application, by=dave, recruiter=dave, hour=14)

    record = record_of(mine)
    assert record.status == SyncStatus.RETRYING
    assert record.last_error_code in ("TooManyRequests", "serviceNotAvailable")
    # Issue 14.3: a 429 is throttling, a 503 an outage ("nicht erreichbar", not "bremst").
    expected = {
        "throttle": "Microsoft drosselt die Anfragen an dieses Postfach",
        "unavailable": "Microsoft ist gerade nicht erreichbar",
    }[kind]
    assert record.retry_reason.startswith(expected)
    assert "nächster Versuch in 30 s" in record.retry_reason
    assert "bremst" not in record.retry_reason
    assert timedelta(seconds=25) < record.next_attempt_at - timezone.now() <= timedelta(seconds=31)
    assert MailboxPause.objects.get(connection=rita).until == record.next_attempt_at
    assert record_of(theirs).status == SyncStatus.SYNCED  # the other mailbox went on

    # Before Retry-After has passed the sweep leaves the mailbox alone.
    assert sync_sweep()["events"] == 0
    time_passes()
    sync_sweep()

    assert record_of(mine).status == SyncStatus.SYNCED
    assert len(events_of(m365.recruiter)) == 1


def test_a_gateway_timeout_is_retried_with_backoff(m365, rita, alice, application):
    faults.inject(kind="gateway_timeout", mailbox=m365.recruiter.email, remaining=1)

    appointment = plan(application=application, by=alice)

    record = record_of(appointment)
    assert record.status == SyncStatus.RETRYING and record.attempts == 1
    assert record.last_error_code == "GatewayTimeout"
    time_passes()
    sync_sweep()
    assert record_of(appointment).status == SyncStatus.SYNCED
    assert len(events_of(m365.recruiter)) == 1


@pytest.mark.parametrize("kind", ["applied_then_failed", "drop"])
def test_an_ambiguous_create_ends_in_exactly_one_event(m365, rita, alice, application, kind):
    faults.inject(kind=kind, mailbox=m365.recruiter.email, method="POST", remaining=1)

    appointment = plan(application=application, by=alice)

    record = record_of(appointment)
    assert record.status == SyncStatus.RETRYING and record.create_sent_at is not None
    time_passes()
    sync_sweep()

    record = record_of(appointment)
    assert record.status == SyncStatus.SYNCED
    (event,) = events_of(m365.recruiter)
    assert event.immutable_id == record.graph_id
    methods = [(c.method, c.status) for c in calls(m365.recruiter)]
    assert methods[0] == ("POST", 0 if kind == "drop" else 504)
    assert methods[1] == ("GET", 200)  # the lookup by extended property, before any retry
    expected_posts = 1 if kind == "applied_then_failed" else 2  # found vs. really not created
    assert sum(1 for m, _s in methods if m == "POST") == expected_posts


def test_a_permanent_error_stops_and_shows_microsofts_code(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    CalendarEvent.objects.filter(appointment=appointment).update(graph_id="broken-id")

    appointment_update(appointment=appointment, by=alice, title="Neu")

    record = record_of(appointment)
    assert record.status == SyncStatus.FAILED
    assert record.last_error_code == "ErrorInvalidIdMalformed"
    assert record.next_attempt_at is None
    time_passes()
    assert sync_sweep()["events"] == 0  # no automatic retry; "Erneut versuchen" is manual
