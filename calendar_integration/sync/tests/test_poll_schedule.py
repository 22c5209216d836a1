"""The beat's pull schedule against the simulator over HTTP: an hour of beat ticks (a
`now` stepping minute by minute, as Celery beat runs `outlook_changes` every 5 minutes and
`outlook_pulls` every minute), counted from the simulator's log of calendarView/delta calls.

Found in review: with the pull due only at the 5-minute tick and its time taken when the
pull ended (after that tick), a 5-minute poll ran every 10 minutes.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from django.db import close_old_connections
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calendar_integration.models import MicrosoftConnection
from calendar_integration.sync import outbox
from calendar_integration.sync.models import MailboxPause, MailboxSubscription
from calendar_integration.sync.push import (
    PULL_TASK,
    pull_request,
    pulls_due,
    subscriptions_maintain,
)
from calendar_integration.tests.conftest import signed_in
from ebms.accounts.models import Role, User
from m365sim.graph import faults, log

from .conftest import plan


def _pulls(mailbox: str) -> int:
    return len(log.calls(mailbox=mailbox, path_contains="/calendarView/delta"))


def _beat_hour(start: datetime) -> None:
    """Sixty beat ticks; each a few seconds late or early, as a busy worker runs them."""
    for minute in range(60):
        now = start + timedelta(minutes=minute, seconds=(minute * 7) % 41 - 20)
        if minute % 5 == 0:
            subscriptions_maintain(now=now)
        pulls_due(now=now)


def test_without_notifications_a_five_minute_poll_pulls_twelve_times_an_hour(
    m365, rita, settings
) -> None:
    settings.M365_NOTIFICATIONS = "off"
    settings.M365_POLL_MINUTES = 5

    _beat_hour(timezone.now())

    assert _pulls(m365.recruiter.email) == 12
    assert MailboxSubscription.objects.get(connection=rita).pulls == 12


def test_with_notifications_the_safety_net_pulls_once_an_hour(m365, rita, settings) -> None:
    settings.M365_NOTIFICATIONS = "on"
    start = timezone.now()

    _beat_hour(start)

    assert m365.subscriptions(m365.recruiter)  # created by the first tick
    assert _pulls(m365.recruiter.email) == 1  # the pull after subscribing
    assert pulls_due(now=start + timedelta(hours=1)) == 1  # the next hour's safety net


def test_an_interval_shorter_than_the_beat_tick_is_not_pulled_at_every_call(
    m365, rita, settings
) -> None:
    """The chaos run calls the beat every second with a 15-second safety net."""
    settings.M365_NOTIFICATIONS = "off"
    settings.M365_POLL_MINUTES = 0.25
    MailboxSubscription.objects.create(connection=rita)
    start = timezone.now()

    for second in range(30):
        pulls_due(now=start + timedelta(seconds=second))

    assert _pulls(m365.recruiter.email) == 3  # at 0, 14 and 28 s (1.5 s of tolerance)


def _recruiter(m365, muster, local: str) -> MicrosoftConnection:
    mailbox = m365.add_user(local)
    user = User.objects.create_user(
        f"{local}@muster.example", "pw", company=muster, role=Role.RECRUITER, first_name=local
    )
    return signed_in(m365, user, email=mailbox.email)


def _due_pulls(now: datetime, monkeypatch) -> tuple[int, list[tuple[str, int]]]:
    """Queries of one `pulls_due` tick, and the wake-ups it sent (held back in a queue)."""
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(outbox, "dispatch", lambda name, arg: queued.append((name, arg)))
    with CaptureQueriesContext(db) as queries:
        pulls_due(now=now)
    monkeypatch.undo()
    return len(queries), queued


@pytest.mark.parametrize("notifications", ["on", "off"])
def test_the_due_pulls_cost_the_same_queries_for_one_or_many_mailboxes(
    m365, muster, rita, settings, monkeypatch, notifications
) -> None:
    settings.M365_NOTIFICATIONS = notifications
    MailboxSubscription.objects.create(connection=rita)
    now = timezone.now()

    one, queued = _due_pulls(now, monkeypatch)
    assert queued == [(PULL_TASK, rita.pk)]
    outbox.celery_dispatch(*queued[0])  # the worker pulls rita's mailbox
    others = [_recruiter(m365, muster, local) for local in ("bob", "carl", "dora")]
    for connection in others:
        MailboxSubscription.objects.create(connection=connection)

    many, queued = _due_pulls(now + timedelta(hours=1), monkeypatch)

    assert sorted(arg for _, arg in queued) == sorted([rita.pk, *(c.pk for c in others)])
    assert many == one
    for _, arg in queued:
        outbox.celery_dispatch(PULL_TASK, arg)
    assert all(_pulls(c.upn) == 1 for c in others)


def test_mailboxes_that_may_not_be_used_are_not_pulled(m365, muster, rita, settings) -> None:
    settings.M365_NOTIFICATIONS = "off"
    MailboxSubscription.objects.create(connection=rita)
    muster.bookings.update(ended_at=timezone.now() - timedelta(minutes=1))

    assert pulls_due() == 0
    assert _pulls(m365.recruiter.email) == 0


def test_a_failed_pull_is_asked_again_after_five_minutes_not_at_every_tick(
    m365, rita, settings
) -> None:
    """Safety net hourly; Microsoft answers the delta 504 (no Retry-After) for a while."""
    settings.M365_NOTIFICATIONS = "off"
    settings.M365_POLL_MINUTES = 60
    MailboxSubscription.objects.create(connection=rita)
    rule = faults.inject(kind="gateway_timeout", path_contains="/calendarView/delta")
    start = timezone.now()

    pulls_due(now=start)
    failed = _pulls(m365.recruiter.email)
    for minute in range(1, 5):
        assert pulls_due(now=start + timedelta(minutes=minute)) == 0
    rule.delete()
    asked_again = pulls_due(now=start + timedelta(minutes=5))

    row = MailboxSubscription.objects.get(connection=rita)
    assert failed >= 1 and asked_again == 1
    assert _pulls(m365.recruiter.email) == failed + 1
    assert (row.pulls, row.retry_at, row.last_error) == (1, None, "")


def test_a_failed_pull_a_notification_asked_for_is_asked_again_with_its_resync(
    m365, rita, settings
) -> None:
    """Not an hour later at the safety net: 5 minutes after the notification's pull failed."""
    settings.M365_NOTIFICATIONS = "on"
    row = MailboxSubscription.objects.create(connection=rita)
    start = timezone.now()
    pulls_due(now=start)  # the hour's safety net: fine
    rule = faults.inject(kind="gateway_timeout", path_contains="/calendarView/delta")

    pull_request(row, resync=True)  # `missed`: a full round, which fails
    asked = MailboxSubscription.objects.get(pk=row.pk).last_pull_at
    rule.delete()
    before = _pulls(m365.recruiter.email)
    quiet = [pulls_due(now=asked + timedelta(minutes=m)) for m in range(1, 5)]
    again = pulls_due(now=asked + timedelta(minutes=5))

    row.refresh_from_db()
    assert quiet == [0, 0, 0, 0] and again == 1
    assert _pulls(m365.recruiter.email) == before + 1
    assert (row.resync, row.retry_at, row.last_error, row.pulls) == (False, None, "", 2)


def test_a_tick_while_a_pull_runs_does_not_ask_again(m365, rita, settings) -> None:
    """The pull counts from its start: a tick during a slow delta answer finds it claimed."""
    settings.M365_NOTIFICATIONS = "off"
    row = MailboxSubscription.objects.create(
        connection=rita, last_pull_at=timezone.now() - timedelta(minutes=10)
    )
    faults.inject(kind="slow", path_contains="/calendarView/delta", delay_ms=3000)
    running = threading.Thread(target=pull_request, args=(row,))  # eager: the pull runs here
    running.start()
    try:
        time.sleep(0.8)  # claimed and started; its delta answer takes 3 s
        assert running.is_alive()
        during = pulls_due()
    finally:
        running.join(timeout=10)
        close_old_connections()

    assert during == 0
    assert _pulls(m365.recruiter.email) == 1


def test_a_mailbox_microsoft_paused_is_pulled_when_the_pause_ends(
    m365, rita, alice, application, settings
) -> None:
    """A 429 with Retry-After on an event write pauses the whole mailbox, the poll too."""
    settings.M365_NOTIFICATIONS = "off"
    MailboxSubscription.objects.create(connection=rita)
    faults.inject(kind="throttle", method="POST", path_contains="/events", remaining=1,
                  retry_after=120)  # fmt: skip
    plan(application=application, by=alice)
    assert MailboxPause.objects.filter(connection=rita).exists()

    assert pulls_due() == 0
    assert _pulls(m365.recruiter.email) == 0
    MailboxPause.objects.filter(connection=rita).update(until=timezone.now())  # it ended
    assert pulls_due() == 1
    assert _pulls(m365.recruiter.email) == 1
    assert MailboxSubscription.objects.get(connection=rita).pulls == 1


def test_a_pull_skipped_for_a_pause_is_asked_again_when_it_ends(m365, rita, settings) -> None:
    settings.M365_NOTIFICATIONS = "on"
    row = MailboxSubscription.objects.create(connection=rita)
    until = timezone.now() + timedelta(minutes=2)
    MailboxPause.objects.create(connection=rita, until=until, code="TooManyRequests")

    pull_request(row)  # a notification during the pause: skipped, no Graph call

    row.refresh_from_db()
    assert (row.retry_at, _pulls(m365.recruiter.email)) == (until, 0)
    MailboxPause.objects.filter(connection=rita).delete()
    assert pulls_due(now=until) == 1
    assert _pulls(m365.recruiter.email) == 1
