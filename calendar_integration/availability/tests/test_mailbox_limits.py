"""The picker, the room list and the function check obey Microsoft's Retry-After for the
mailbox like the sync does: the Graph client refuses to call while it runs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from calendar_integration.availability.rooms import rooms_refresh
from calendar_integration.connection.function_check import function_check_run
from calendar_integration.sync.models import MailboxPause
from m365sim.graph import faults, log

from .conftest import client_for, schedule_calls


def _picker(client, start: str) -> dict:
    from django.urls import reverse

    return client.get(reverse("calendar_integration:availability_picker"), {"start": start}).json()


def test_a_throttled_mailbox_is_not_asked_again_by_the_picker_until_retry_after_ends(m365, planner):
    faults.inject(kind="throttle", mailbox=m365.recruiter.email, retry_after=30, remaining=1)
    client = client_for(planner)

    first = _picker(client, "2027-03-22")
    since = timezone.now()
    second = _picker(client, "2027-05-03")  # another window: not answered from the cache

    assert first["outlook"]["graph_calls"] == 1
    assert "Microsoft drosselt" in first["outlook"]["reason"]
    pause = MailboxPause.objects.get(connection=planner.microsoft_connection)
    assert pause.until > timezone.now() + timedelta(seconds=25)
    # Retry-After still runs: no request reaches Microsoft, the planner is told to wait.
    assert schedule_calls(since) == 0
    assert second["outlook"]["graph_calls"] == 0
    assert "Microsoft drosselt" in second["outlook"]["reason"]


def test_the_picker_asks_again_once_retry_after_has_passed(m365, planner):
    connection = planner.microsoft_connection
    MailboxPause.objects.create(connection=connection, until=timezone.now() - timedelta(seconds=1))
    since = timezone.now()

    data = _picker(client_for(planner), "2027-03-22")

    assert schedule_calls(since) == 1
    assert data["outlook"]["graph_calls"] == 1


def test_the_room_list_and_the_function_check_wait_for_a_paused_mailbox(m365, planner):
    connection = planner.microsoft_connection
    MailboxPause.objects.create(connection=connection, until=timezone.now() + timedelta(minutes=1))
    since = timezone.now()

    refreshed = rooms_refresh(connection=connection)
    check = function_check_run(connection=connection)

    assert not refreshed.ok
    assert {item["code"] for item in check.items} <= {"MailboxPaused", "Place.Read.All"}
    assert log.calls(mailbox=m365.recruiter.email, since=since) == []
