"""Tokens and the booking: an expired access token is refreshed once (401); a dead refresh
token parks the work as "wartet auf Neuverbindung" until the recruiter reconnects; when the
feature ends nothing new is synced, existing events stay, and reactivation resumes."""

from __future__ import annotations

from datetime import timedelta

from calendar_integration.models import ConnectionState
from calendar_integration.sync.models import SyncStatus
from calendar_integration.sync.tasks import sync_sweep
from calendar_integration.tests.conftest import connect
from ebms.accounts.models import FeatureBooking
from ebms.accounts.services import booking_activate, booking_end
from ebms.recruiting.services import appointment_update
from m365sim.identity import directory

from .conftest import calls, events_of, plan, record_of


def test_an_expired_access_token_is_refreshed_once(m365, rita, alice, application):
    m365.advance_clock(hours=2)

    appointment = plan(application=application, by=alice)

    record = record_of(appointment)
    history = [(log.method, log.status) for log in record.logs.order_by("pk")]
    assert history == [("POST", 401), ("POST", 201)]  # one refresh, one retry
    assert record.status == SyncStatus.SYNCED
    assert len(events_of(m365.recruiter)) == 1


def test_revoked_tokens_park_the_sync_until_reconnect(m365, rita, alice, application):
    first = plan(application=application, by=alice)
    directory.user_sessions_revoke(mailbox=m365.recruiter)
    m365.advance_clock(hours=2)  # the cached access token expired too

    second = plan(application=application, by=alice, hour=15)
    appointment_update(appointment=first, by=alice, title="Geändert")

    for appointment in (first, second):
        record = record_of(appointment)
        assert record.status == SyncStatus.RECONNECT
        assert record.next_attempt_at is None
    rita.refresh_from_db()
    assert rita.state == ConnectionState.RECONNECT
    assert sync_sweep()["events"] == 0

    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    sync_sweep()

    assert record_of(first).status == SyncStatus.SYNCED
    assert record_of(second).status == SyncStatus.SYNCED
    subjects = sorted(e.subject for e in events_of(m365.recruiter))
    assert subjects == ["Geändert – Dana Bewerber", "Vorstellungsgespräch – Dana Bewerber"]


def test_the_feature_ending_pauses_and_reactivation_resumes(m365, rita, alice, application):
    kept = plan(application=application, by=alice)
    booking = FeatureBooking.objects.get(company=alice.company)
    booking_end(booking=booking, by=None)
    before = len(calls(m365.recruiter))

    waiting = plan(application=application, by=alice, hour=15)
    appointment_update(
        appointment=kept, by=alice, starts_at=kept.starts_at + timedelta(hours=1),
        ends_at=kept.ends_at + timedelta(hours=1),
    )  # fmt: skip

    assert calls(m365.recruiter)[before:] == []  # nothing new reaches Microsoft
    assert record_of(waiting).status == SyncStatus.PAUSED
    assert record_of(kept).status == SyncStatus.PAUSED
    assert len(events_of(m365.recruiter)) == 1  # the existing event stays
    assert sync_sweep()["events"] == 0

    booking_activate(company=alice.company, by=None)
    sync_sweep()

    assert record_of(waiting).status == SyncStatus.SYNCED
    assert record_of(kept).status == SyncStatus.SYNCED
    assert len(events_of(m365.recruiter)) == 2
