"""Push end to end (issue 13 acceptance) against the simulator over real HTTP: the simulator
validates our endpoint, delivers notifications to the live server after Outlook-side
changes, and answers calendarView/delta. Nothing here opens a page or runs a sweep: the
record changes because a notification arrived.

Skipped until the simulator has its subscription side (`m365sim.graph.subscriptions`). The
hooks the tests need from the simulator are in the adapter below (one place to reconcile):
  - deliveries run in a thread; `_settled(condition)` waits for the state (never asserts time);
    `subscriptions.deliveries_wait(timeout=)` is used when the simulator offers it;
  - notification faults through `faults.inject(kind=...)` with the kinds in FAULTS;
  - a lifecycle event through `subscriptions.lifecycle_send(subscription_id=, event=)`.
The same behaviours with Microsoft's documented bodies: tests/contract/test_push_product.py.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from calendar_integration.connection.lifecycle import connection_disconnect
from calendar_integration.sync.models import CalendarEvent, MailboxSubscription
from calendar_integration.sync.push import subscription_create, subscriptions_maintain
from m365sim.graph import faults, log
from m365sim.models import AutoAcceptPolicy, Mailbox

from .conftest import as_outlook_user, events_of, plan, record_of

HAS_SUBSCRIPTIONS = importlib.util.find_spec("m365sim.graph.subscriptions") is not None
pytestmark = pytest.mark.skipif(
    not HAS_SUBSCRIPTIONS, reason="simulator side of issue 13 (m365sim.graph.subscriptions) missing"
)

# Notification faults (issue 13.2): the FaultRule kinds assumed for the simulator side.
FAULTS = {
    "delayed": "notification_delayed",
    "duplicated": "notification_duplicated",
    "reordered": "notification_reordered",
    "dropped": "notification_dropped",
}


def _subscriptions() -> Any:
    return importlib.import_module("m365sim.graph.subscriptions")


def _settled(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Wait for the simulator's delivery thread (and our eager pull) to bring `condition`."""
    waiter = getattr(_subscriptions(), "deliveries_wait", None)
    if waiter is not None:
        waiter(timeout=seconds)
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _lifecycle(row: MailboxSubscription, event: str) -> None:
    send = getattr(_subscriptions(), "lifecycle_send", None)
    if send is None:
        pytest.skip("simulator offers no lifecycle_send(subscription_id=, event=)")
    send(subscription_id=row.subscription_id, event=event)


def _drift(appointment) -> Callable[[], str]:
    return lambda: record_of(appointment).drift


@pytest.fixture
def pushed(settings, rita) -> MailboxSubscription:
    """rita's mailbox subscribed (the simulator validated our endpoint on the live server)."""
    settings.M365_NOTIFICATIONS = "on"
    row = subscription_create(connection=rita)
    assert row is not None and row.status == MailboxSubscription.Status.ACTIVE, row
    return row


def _move_in_outlook(m365, record, hours: int) -> None:
    (event,) = events_of(m365.recruiter)
    fmt = "%Y-%m-%dT%H:%M:%S"
    start, end = event.start + timedelta(hours=hours), event.end + timedelta(hours=hours)
    response = as_outlook_user(
        m365, m365.recruiter, "PATCH", f"/me/events/{record.graph_id}",
        json={"start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
              "end": {"dateTime": end.strftime(fmt), "timeZone": "UTC"}},
    )  # fmt: skip
    assert response.status_code == 200


def test_subscribing_passes_the_simulators_validation_handshake(pushed) -> None:
    assert pushed.subscription_id and pushed.expires_at > timezone.now()


def test_an_outlook_move_reaches_the_appointment_by_notification(
    m365, pushed, alice, application
) -> None:
    appointment = plan(application=application, by=alice)

    _move_in_outlook(m365, record_of(appointment), hours=2)

    assert _settled(lambda: _drift(appointment)() == CalendarEvent.Drift.CHANGED)


def test_an_outlook_delete_reaches_the_appointment_by_notification(
    m365, pushed, alice, application
) -> None:
    appointment = plan(application=application, by=alice)

    as_outlook_user(m365, m365.recruiter, "DELETE", f"/me/events/{record_of(appointment).graph_id}")

    assert _settled(lambda: _drift(appointment)() == CalendarEvent.Drift.DELETED)


def test_a_room_decline_arrives_by_notification(m365, pushed, alice, application) -> None:
    room = m365.add_room("raum.gamma", "Raum Gamma", auto_accept=AutoAcceptPolicy.DECLINE_ALL)
    appointment = plan(application=application, by=alice, room_email=room.email,
                       room_name="Raum Gamma")  # fmt: skip

    m365.advance_clock(seconds=6)  # the booking assistant answers

    assert _settled(lambda: record_of(appointment).room_declined)


def test_an_observers_answer_arrives_by_notification(
    m365, pushed, alice, olaf, application
) -> None:
    appointment = plan(application=application, by=alice, observers=[olaf])
    (event,) = events_of(m365.recruiter)
    m365.respond(Mailbox.objects.get(email=olaf.email), event, "accepted",
                 after=timedelta(seconds=1))  # fmt: skip

    m365.advance_clock(minutes=1)

    def answered() -> bool:
        record = record_of(appointment)
        return any(a["response"] == "accepted" for a in record.attendee_responses)

    assert _settled(answered)


@pytest.mark.parametrize("fault", ["delayed", "duplicated", "reordered"])
def test_faulty_delivery_still_converges(m365, pushed, alice, application, fault) -> None:
    faults.inject(kind=FAULTS[fault], mailbox=m365.recruiter.email)
    appointment = plan(application=application, by=alice)

    _move_in_outlook(m365, record_of(appointment), hours=1)
    _move_in_outlook(m365, record_of(appointment), hours=1)

    assert _settled(lambda: _drift(appointment)() == CalendarEvent.Drift.CHANGED)
    record = record_of(appointment)
    assert record.outlook_start == appointment.starts_at + timedelta(hours=2)


def test_a_dropped_notification_is_repaired_by_the_safety_net_pull(
    m365, pushed, alice, application
) -> None:
    appointment = plan(application=application, by=alice)
    faults.inject(kind=FAULTS["dropped"], mailbox=m365.recruiter.email)
    _move_in_outlook(m365, record_of(appointment), hours=1)
    assert not _settled(lambda: _drift(appointment)() != "", seconds=2)

    subscriptions_maintain(now=timezone.now() + timedelta(hours=2))

    assert record_of(appointment).drift == CalendarEvent.Drift.CHANGED


def test_missed_resyncs_the_window(m365, pushed, alice, application) -> None:
    appointment = plan(application=application, by=alice)
    faults.inject(kind=FAULTS["dropped"], mailbox=m365.recruiter.email)
    as_outlook_user(m365, m365.recruiter, "DELETE", f"/me/events/{record_of(appointment).graph_id}")
    faults.clear()

    _lifecycle(MailboxSubscription.objects.get(pk=pushed.pk), "missed")

    assert _settled(lambda: _drift(appointment)() == CalendarEvent.Drift.DELETED)


def test_renewal_before_expiry_with_the_simulator_clock(m365, pushed) -> None:
    m365.advance_clock(hours=50)
    before = MailboxSubscription.objects.get(pk=pushed.pk).expires_at

    subscriptions_maintain(now=timezone.now() + timedelta(hours=50))

    renewed = [c for c in log.calls(mailbox=m365.recruiter.email) if c.method == "PATCH"
               and "/subscriptions/" in c.path]  # fmt: skip
    assert len(renewed) == 1 and renewed[0].status == 200
    assert MailboxSubscription.objects.get(pk=pushed.pk).expires_at > before


def test_disconnect_deletes_the_subscription_in_the_simulator(m365, pushed, rita) -> None:
    connection_disconnect(connection=rita)

    deleted = [c for c in log.calls(mailbox=m365.recruiter.email) if c.method == "DELETE"
               and "/subscriptions/" in c.path]  # fmt: skip
    assert [c.status for c in deleted] == [204]
