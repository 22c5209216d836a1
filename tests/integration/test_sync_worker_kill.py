"""A Celery worker is SIGKILLed while its Graph create is in flight; a new worker finishes the
sync: exactly one correct Outlook event per appointment (PostgreSQL + Redis + real workers).

The killed worker never learns the event id; the next run finds the event by its extended
property (or Graph deduplicates the repeated transactionId) instead of creating a second one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from calendar_integration.models import MicrosoftConnection
from calendar_integration.sync.models import CalendarEvent, SyncLog, SyncStatus
from calendar_integration.sync.payloads import PROPERTY_ID
from calendar_integration.sync.services import sync_sweep
from calendar_integration.tests.conftest import connect
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_activate
from ebms.celery import app
from ebms.recruiting.services import appointment_create
from ebms.recruiting.tests import factories
from m365sim.graph import faults
from m365sim.models import Event
from tests.integration.worker import celery_worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and DATABASE_URL (PostgreSQL): run via .ci/run",
    ),
]


@pytest.fixture
def real_broker():
    app.conf.task_always_eager = False
    app.control.purge()
    yield
    app.control.purge()


def _descendants(pid: int) -> list[int]:
    """Child processes (the prefork pool) of `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found + [grandchild for child in found for grandchild in _descendants(child)]


def _kill_hard(proc) -> None:
    """SIGKILL the worker and its pool: nobody gets to clean up or acknowledge."""
    for pid in [*_descendants(proc.pid), proc.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_worker_killed_mid_create_leaves_exactly_one_event_per_appointment(m365, real_broker):
    company = Company.objects.create(name="Muster GmbH")
    booking_activate(company=company, by=None)
    alice = User.objects.create_user(
        "alice@muster.example", "pw", company=company, role=Role.RECRUITER, first_name="Alice"
    )
    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    mailbox = MicrosoftConnection.objects.get(user=alice).upn
    faults.clear()
    # Every create hangs in the simulator for a while: the worker is killed meanwhile.
    faults.inject(kind="slow", mailbox=mailbox, method="POST", delay_ms=4000)

    appointments = []
    for hour in (9, 11, 14):
        start = factories.future(days=5, hour=hour)
        appointments.append(
            appointment_create(
                by=alice,
                application=factories.application(company=company),
                recruiter=alice,
                observers=[],
                kind="onsite",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                location="Domstraße 1, Köln",
                title=f"Gespräch {hour}",
            )
        )
    records = CalendarEvent.objects.filter(appointment__in=appointments)

    with celery_worker(concurrency=2, name="doomed") as doomed:
        in_flight = wait_until(
            lambda: records.filter(create_sent_at__isnull=False, graph_id="").count() >= 2,
            timeout=60,
        )
        assert in_flight, "the worker did not start its creates"
        time.sleep(0.5)  # the POSTs are on the wire, the simulator is "slow"
        _kill_hard(doomed)
    assert records.exclude(graph_id="").count() < len(appointments)

    faults.clear()
    # Let the simulator finish the orphaned requests, then let the leases run out.
    wait_until(lambda: Event.objects.filter(mailbox__email=mailbox).count() >= 2, timeout=20)
    past = timezone.now() - timedelta(seconds=1)
    records.update(lease_until=past, next_attempt_at=past)

    with celery_worker(concurrency=2, name="rescuer"):
        sync_sweep()  # what beat does every minute: re-enqueue the due records
        done = wait_until(
            lambda: records.filter(status=SyncStatus.SYNCED).count() == len(appointments),
            timeout=90,
        )
        assert done, list(records.values_list("status", "last_error_code"))

    # The rescuer looked the orphaned creates up instead of sending them blindly again.
    assert SyncLog.objects.filter(event__in=records, operation="lookup", status=200).exists()
    for appointment in appointments:
        record = records.get(appointment=appointment)
        mine = [
            event
            for event in Event.objects.filter(mailbox__email=mailbox, is_organizer=True)
            if {"id": PROPERTY_ID, "value": str(record.key)} in event.extended_properties
        ]
        assert len(mine) == 1, f"{appointment.title}: {len(mine)} events"
        assert mine[0].immutable_id == record.graph_id
        assert mine[0].start == appointment.starts_at
        assert mine[0].subject.startswith(appointment.title)
