"""Hypothesis drives the Outlook sync through random interleavings of recruiting changes,
worker steps (with injected Microsoft faults), killed workers, redelivered and reordered
messages, clock jumps and sweeps, against the live simulator.

After every step: at most one event per sync record (appointment or proposal hold) in the
organizer's mailbox, and none we cannot attribute. At the end (faults cleared, sweeps until
nothing is dirty): the simulator's calendar equals what EBMS wants.

How the test controls time and delivery (no mocks of our code):
- Wake-ups: `outbox.dispatch` (swapped for `inbox.capture`) routes the sync's task messages into `inbox.MESSAGES`;
  the test runs them through Celery's `Task.apply` when a rule says so.
- Clock: the sync reads `django.utils.timezone.now()` directly, so "time passes" shifts every
  stored sync time (next attempt, lease, Retry-After pause) into the past by the same amount
  and moves the simulator's clock forward (its tokens expire: the client refreshes on 401).
- Killed worker: a real SIGKILL needs separate processes (tests/integration does that on
  PostgreSQL). Here an "applied, then failed" answer stands for the lost reply and the
  dead worker's claim stays on the record until its lease expires; its message is
  redelivered (acks_late + reject_on_worker_lost).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from calendar_integration.sync import outbox
from calendar_integration.sync.lease import LEASE
from calendar_integration.sync.models import CalendarEvent, MailboxPause, SyncStatus
from calendar_integration.sync.payloads import PROPERTY_ID
from calendar_integration.sync.services import sync_sweep
from ebms.celery import app
from ebms.recruiting.models import Appointment, Proposal
from ebms.recruiting.services import (
    appointment_cancel,
    appointment_create,
    appointment_update,
    proposal_create,
    proposal_pick,
    proposal_withdraw,
)
from ebms.recruiting.tests import factories
from m365sim import clock
from m365sim.graph import faults, log
from m365sim.models import Event

from . import inbox

EVENT_TASK = "calendar_integration.sync.tasks.event_sync"
HOLDS_TASK = "calendar_integration.sync.tasks.holds_sync"
# Ambiguous outcomes (the write may have happened) are the interesting ones: drawn twice as often.
FAULTS = (None, "applied_then_failed", "drop", "throttle", "unavailable", "gateway_timeout",
          None, "applied_then_failed", "drop")  # fmt: skip
MAX_APPOINTMENTS = 3
MAX_PROPOSALS = 2
CONVERGE_ROUNDS = 20

SETTINGS = settings(
    max_examples=40,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    report_multiple_bugs=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _key_of(event: Event) -> str | None:
    for prop in event.extended_properties or []:
        if str(prop.get("id", "")).lower() == PROPERTY_ID.lower():
            return str(prop.get("value"))
    return None


class SyncMachine(RuleBasedStateMachine):
    """One recruiter (rita's mailbox), one application; the recruiting services as the user."""

    m365 = None
    alice = None
    olaf = None
    application = None

    def __init__(self) -> None:
        super().__init__()
        self.mailbox = self.m365.recruiter
        self.room = self.m365.rooms[0]
        _reset()
        self.appointments: list[int] = []
        self.proposals: list[int] = []
        self.delivered: list[tuple[str, int]] = []

    # --- recruiting: what users do ----------------------------------------------------------

    @initialize(kind=st.sampled_from(["onsite", "online"]), room=st.booleans())
    def first_appointment(self, kind, room):
        """Every example starts with one appointment (its wake-up waits in the inbox)."""
        self.create_appointment(kind=kind, day=2, observer=True, room=room)

    @precondition(lambda self: len(self.appointments) < MAX_APPOINTMENTS)
    @rule(
        kind=st.sampled_from(["onsite", "online"]),
        day=st.integers(2, 9),
        observer=st.booleans(),
        room=st.booleans(),
    )
    def create_appointment(self, kind, day, observer, room):
        start = factories.future(days=day, hour=10)
        extra = {}
        if kind == "onsite":
            extra["location"] = "Hauptstraße 1, Berlin"
            if room:
                extra.update(room_email=self.room.email, room_name=self.room.display_name)
        else:
            extra["candidate_message"] = "Hallo!\n\n[[Online-Meeting-Teilnahme]]\n\nBis bald"
        appointment = appointment_create(
            by=self.alice,
            application=self.application,
            recruiter=self.alice,
            observers=[self.olaf] if observer else [],
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            title="Vorstellungsgespräch",
            **extra,
        )
        self.appointments.append(appointment.pk)

    @precondition(lambda self: self._open_appointments())
    @rule(index=st.integers(0, 5), hours=st.sampled_from([-1, 1, 2, 24]), burst=st.integers(1, 3))
    def change_time(self, index, hours, burst):
        """One change or a burst of quick edits (each its own commit and wake-up)."""
        pk = _pick(self._open_appointments(), index)
        for step in range(burst):
            appointment = Appointment.objects.get(pk=pk)
            shift = timedelta(hours=hours, minutes=15 * step)
            appointment_update(
                appointment=appointment,
                by=self.alice,
                starts_at=appointment.starts_at + shift,
                ends_at=appointment.ends_at + shift,
            )

    @precondition(lambda self: self._open_appointments())
    @rule(index=st.integers(0, 5))
    def cancel(self, index):
        appointment = Appointment.objects.get(pk=_pick(self._open_appointments(), index))
        appointment_cancel(appointment=appointment, by=self.alice, reason="Stelle besetzt")

    @precondition(lambda self: len(self.proposals) < MAX_PROPOSALS)
    @rule(count=st.integers(2, 3), day=st.integers(3, 6))
    def send_proposal(self, count, day):
        slots = []
        for number in range(count):
            start = factories.future(days=day, hour=8 + 2 * number)
            slots.append((start, start + timedelta(hours=1)))
        proposal = proposal_create(
            by=self.alice,
            application=self.application,
            recruiter=self.alice,
            observers=[self.olaf],
            kind="onsite",
            slots=slots,
            title="Vorstellungsgespräch",
            location="Hauptstraße 1",
        )
        self.proposals.append(proposal.pk)

    @precondition(lambda self: self._open_proposals())
    @rule(index=st.integers(0, 3), slot=st.integers(0, 2))
    def pick(self, index, slot):
        proposal = Proposal.objects.get(pk=_pick(self._open_proposals(), index))
        chosen = _pick(list(proposal.slots.order_by("starts_at")), slot)
        appointment = proposal_pick(proposal=proposal, slot=chosen)
        self.appointments.append(appointment.pk)

    @precondition(lambda self: self._open_proposals())
    @rule(index=st.integers(0, 3))
    def withdraw(self, index):
        proposal = Proposal.objects.get(pk=_pick(self._open_proposals(), index))
        proposal_withdraw(proposal=proposal, by=self.alice)

    # --- workers and the broker -------------------------------------------------------------

    @precondition(lambda self: inbox.MESSAGES)
    @rule(index=st.integers(0, 8), fault=st.sampled_from(FAULTS))
    def deliver(self, index, fault):
        """A worker takes a queued message: index 0 is the oldest, others overtake it."""
        message = inbox.MESSAGES.pop(index % len(inbox.MESSAGES))
        self.delivered.append(message)
        self._run(message, fault)

    @precondition(lambda self: self.delivered)
    @rule(index=st.integers(0, 8), fault=st.sampled_from(FAULTS))
    def redeliver(self, index, fault):
        """A message runs again (late duplicate, possibly older than what ran since)."""
        self._run(_pick(self.delivered, index), fault)

    @precondition(lambda self: self._dirty())
    @rule(index=st.integers(0, 8), fault=st.sampled_from(FAULTS))
    def worker_step(self, index, fault):
        """A worker step for some dirty record, whatever the inbox holds."""
        self._run(_message_for(_pick(self._dirty(), index)), fault)

    @precondition(lambda self: self._dirty())
    @rule(index=st.integers(0, 8), method=st.sampled_from(["", "POST", "PATCH"]))
    def kill_in_flight(self, index, method):
        """The worker's write reaches Microsoft, then the worker dies holding its claim."""
        record = _pick(self._dirty(), index)
        message = _message_for(record)
        records = _records_of(message)
        self._run(message, "applied_then_failed", method=method)
        CalendarEvent.objects.filter(pk__in=records).update(
            lease_until=timezone.now() + LEASE, lease_token="killed-worker"
        )
        inbox.MESSAGES.append(message)  # unacknowledged: the broker hands it out again

    @rule(seconds=st.sampled_from([1, 31, int(LEASE.total_seconds()) + 1, 3601]))
    def clock_advance(self, seconds):
        _time_passes(timedelta(seconds=seconds))

    @rule()
    def sweep(self):
        sync_sweep()

    def _run(self, message, fault, *, method: str = "") -> None:
        name, arg = message
        if fault:
            faults.inject(
                kind=fault, mailbox=self.mailbox.email, method=method, retry_after=30, remaining=1
            )
        try:
            app.tasks[name].apply(args=(arg,))
        finally:
            faults.clear()  # an unused fault must not hit a later step

    # --- state ------------------------------------------------------------------------------

    def _open_appointments(self) -> list[int]:
        return list(
            Appointment.objects.filter(pk__in=self.appointments)
            .exclude(status=Appointment.Status.CANCELLED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _open_proposals(self) -> list[int]:
        return list(
            Proposal.objects.filter(pk__in=self.proposals, status=Proposal.Status.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _dirty(self) -> list[CalendarEvent]:
        return list(
            CalendarEvent.objects.filter(synced_version__lt=F("wanted_version")).order_by("pk")
        )

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def at_most_one_remote_event_per_record(self):
        keys = {str(k) for k in CalendarEvent.objects.values_list("key", flat=True)}
        seen: dict[str, list[str]] = {}
        for event in self._remote():
            key = _key_of(event)
            assert key in keys, f"event {event.subject!r} belongs to no sync record ({key})"
            seen.setdefault(key, []).append(event.graph_id)
        duplicated = {key: ids for key, ids in seen.items() if len(ids) > 1}
        assert not duplicated, f"duplicated remote events: {duplicated}"

    def teardown(self):
        try:
            self._converge()
            self._remote_equals_wanted()
        finally:
            faults.clear()
            inbox.MESSAGES.clear()

    def _converge(self) -> None:
        faults.clear()
        for _round in range(CONVERGE_ROUNDS):
            _time_passes(LEASE + timedelta(hours=2))
            sync_sweep()
            while inbox.MESSAGES:
                name, arg = inbox.MESSAGES.pop(0)
                app.tasks[name].apply(args=(arg,))
            if not self._dirty():
                return
        stuck = [(r.pk, r.kind, r.status, r.last_error_code) for r in self._dirty()]
        raise AssertionError(f"the sync did not converge: {stuck}")

    def _remote(self) -> list[Event]:
        return list(Event.objects.filter(mailbox=self.mailbox, is_organizer=True).order_by("pk"))

    def _remote_equals_wanted(self) -> None:
        failed = list(CalendarEvent.objects.filter(status=SyncStatus.FAILED))
        assert not failed, [(r.pk, r.last_error_code, r.last_error_message) for r in failed]
        remote: dict[str, Event] = {}
        for event in self._remote():
            remote[_key_of(event)] = event
        wanted: set[str] = set()
        for appointment in Appointment.objects.filter(pk__in=self.appointments):
            record = CalendarEvent.objects.get(appointment=appointment)
            if appointment.is_cancelled:
                continue
            key = str(record.key)
            wanted.add(key)
            event = remote.get(key)
            assert event is not None, f"appointment {appointment.pk} missing in Outlook"
            assert event.immutable_id == record.graph_id
            assert not event.is_cancelled and event.show_as == "busy"
            assert (event.start, event.end) == (appointment.starts_at, appointment.ends_at), (
                f"appointment {appointment.pk}: Outlook {event.start}-{event.end}, "
                f"EBMS {appointment.starts_at}-{appointment.ends_at}"
            )
            assert _attendees(event) == _wanted_attendees(appointment)
            room = (event.location or {}).get("locationEmailAddress", "")
            assert room.lower() == appointment.room_email.lower()
            if appointment.is_online:
                assert event.is_online_meeting
        for record in CalendarEvent.objects.filter(kind=CalendarEvent.Kind.HOLD):
            if record.proposal.status != Proposal.Status.OPEN:
                continue
            key = str(record.key)
            wanted.add(key)
            event = remote.get(key)
            assert event is not None, f"hold for slot {record.slot_id} missing in Outlook"
            assert (event.start, event.end) == (record.slot.starts_at, record.slot.ends_at)
            assert event.show_as == "tentative" and event.attendees == []
        orphans = {key: e.subject for key, e in remote.items() if key not in wanted}
        assert not orphans, f"events in Outlook that EBMS does not want: {orphans}"


def _pick(items: list, index: int):
    return items[index % len(items)]


def _message_for(record: CalendarEvent) -> tuple[str, int]:
    if record.kind == CalendarEvent.Kind.HOLD:
        return (HOLDS_TASK, record.proposal_id)
    return (EVENT_TASK, record.pk)


def _records_of(message: tuple[str, int]) -> list[int]:
    """The records a run of `message` claims (holds: every dirty hold of the proposal)."""
    name, arg = message
    if name == EVENT_TASK:
        return [arg]
    return list(
        CalendarEvent.objects.filter(
            proposal_id=arg,
            kind=CalendarEvent.Kind.HOLD,
            synced_version__lt=F("wanted_version"),
            next_attempt_at__lte=timezone.now(),
        ).values_list("pk", flat=True)
    )


def _attendees(event: Event) -> set[tuple[str, str]]:
    return {(a["emailAddress"]["address"].lower(), a["type"]) for a in event.attendees}


def _wanted_attendees(appointment: Appointment) -> set[tuple[str, str]]:
    wanted = {(user.email.lower(), "required") for user in appointment.observers.all()}
    if appointment.room_email:
        wanted.add((appointment.room_email.lower(), "resource"))
    return wanted


def _time_passes(delta: timedelta) -> None:
    """EBMS's clock moves on by `delta` (every stored sync time shifts back), so does the
    simulator's."""
    CalendarEvent.objects.exclude(next_attempt_at=None).update(
        next_attempt_at=F("next_attempt_at") - delta
    )
    CalendarEvent.objects.exclude(lease_until=None).update(lease_until=F("lease_until") - delta)
    MailboxPause.objects.update(until=F("until") - delta)
    clock.advance(delta=delta)


def _reset() -> None:
    """A fresh example: no appointments, records, events, faults, messages or pauses."""
    faults.clear()
    log.clear()
    inbox.MESSAGES.clear()
    cache.clear()
    clock.reset()
    CalendarEvent.objects.all().delete()
    MailboxPause.objects.all().delete()
    Appointment.objects.all().delete()
    Proposal.objects.all().delete()
    Event.objects.all().delete()


def test_the_sync_converges_under_any_interleaving(
    m365, rita, alice, olaf, application, monkeypatch
):
    monkeypatch.setattr(outbox, "dispatch", inbox.capture)
    SyncMachine.m365, SyncMachine.alice = m365, alice
    SyncMachine.olaf, SyncMachine.application = olaf, application

    run_state_machine_as_test(SyncMachine, settings=SETTINGS)
