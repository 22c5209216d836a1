"""One chaos run inside a set-up environment: faults, the beat, kills, the Redis outage, the
workload, convergence and the oracle (called by run.py after django.setup())."""

from __future__ import annotations

import ast
import logging
import random
import threading
import time
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import F, Q
from django.utils import timezone

from calendar_integration.sync.models import CalendarEvent, MailboxPause, MailboxSubscription
from calendar_integration.sync.push import STALE_REQUEST, subscriptions_maintain
from calendar_integration.sync.services import sync_sweep
from ebms.celery import app
from ebms.recruiting.emails import candidate_emails_due
from ebms.recruiting.models import CandidateEmail
from ebms.recruiting.tasks import candidate_email_send
from m365sim.graph import faults
from m365sim.models import Subscription

from . import oracle, procs
from .workload import Workload, world_build

logger = logging.getLogger("tests.chaos")
MAX_IN_FLIGHT = 4
OPEN_MAIL = [CandidateEmail.Status.PENDING, CandidateEmail.Status.WAITING,
             CandidateEmail.Status.SENDING]  # fmt: skip


def fault_plan(rng: random.Random, rate: float) -> list[dict]:
    """Rules whose probabilities add up to about `rate` of all Graph requests."""
    plan = [
        {"kind": "throttle", "probability": 0.2 * rate, "retry_after": 1},
        {"kind": "unavailable", "probability": 0.2 * rate, "retry_after": 1},
        {"kind": "drop", "probability": 0.15 * rate},
        {"kind": "slow", "probability": 0.15 * rate, "delay_ms": 1500},
        {"kind": "gateway_timeout", "probability": 0.1 * rate},
    ]
    # "Applied, then failed": the write happens, the answer is 500/503/504.
    for method in ("POST", "PATCH", "DELETE"):
        status = rng.choice((500, 503, 504))
        plan.append({"kind": "applied_then_failed", "method": method, "status": status,
                     "probability": 0.2 * rate})  # fmt: skip
    for rule in plan:
        rule["seed"] = rng.randrange(2**31)
    return plan


class Beat(threading.Thread):
    """What celery beat does every minute, compressed: sweep the sync and the e-mail outbox.

    Stored waits (backoff 30 s .. 1 h) longer than `max_wait` are shortened to it: a time
    lapse, so that a run of minutes sees what hours of retries would do.
    """

    def __init__(self, *, every: float, max_wait: float) -> None:
        super().__init__(daemon=True, name="chaos-beat")
        self.every = every
        self.max_wait = max_wait
        self.halt = threading.Event()
        self.sweeps = 0

    def run(self) -> None:
        while not self.halt.wait(self.every):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the database is never down; Redis may be
                logger.warning("beat tick failed", exc_info=True)
            finally:
                close_old_connections()

    def tick(self) -> dict:
        cap = timezone.now() + timedelta(seconds=self.max_wait)
        CalendarEvent.objects.filter(
            synced_version__lt=F("wanted_version"), next_attempt_at__gt=cap
        ).update(next_attempt_at=cap)
        CandidateEmail.objects.filter(
            status=CandidateEmail.Status.PENDING, next_attempt_at__gt=cap
        ).update(next_attempt_at=cap)
        MailboxPause.objects.filter(until__gt=cap).update(until=cap)
        MailboxSubscription.objects.filter(retry_at__gt=cap).update(retry_at=cap)
        # Follow-up reads of the rooms' later answers (1 min .. 1 h after a write).
        CalendarEvent.objects.filter(followup_at__gt=cap).update(followup_at=cap)
        # A requested delta pull whose task got lost (Redis outage, killed worker) is sent
        # again after STALE_REQUEST (10 min): make a request older than max_wait look stale.
        MailboxSubscription.objects.filter(
            pull_requested_at__lt=timezone.now() - timedelta(seconds=self.max_wait)
        ).update(pull_requested_at=timezone.now() - STALE_REQUEST - timedelta(seconds=1))
        swept = sync_sweep()
        try:
            # Subscriptions (create/renew) and the delta safety net (settings: every 15 s).
            subscriptions_maintain()
        except Exception:  # noqa: BLE001 - broker down: the next tick tries again
            logger.warning("subscriptions_maintain failed", exc_info=True)
        mails = 0
        try:
            for email_id in candidate_emails_due():
                candidate_email_send.delay(email_id)
                mails += 1
        except Exception:  # noqa: BLE001 - broker down: the next tick tries again
            logger.warning("mail sweep could not enqueue")
        self.sweeps += 1
        return {**swept, "mails": mails}


class DriftWatch(threading.Thread):
    """Notes when EBMS's record first shows each Outlook-side change (drift_seconds_p95)."""

    def __init__(self, workload: Workload, *, every: float = 0.5) -> None:
        super().__init__(daemon=True, name="chaos-drift-watch")
        self.workload = workload
        self.every = every
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(self.every):
            try:
                self.look()
            except Exception:  # noqa: BLE001 - the next look tries again
                logger.warning("drift watch failed", exc_info=True)
            finally:
                close_old_connections()

    def look(self) -> int:
        open_changes = [c for c in list(self.workload.outlook_changes) if c.recorded_at is None]
        if not open_changes:
            return 0
        records = {
            r.appointment_id: r
            for r in CalendarEvent.objects.filter(
                appointment_id__in=[c.appointment_id for c in open_changes]
            )
        }
        now = time.time()
        for change in open_changes:
            if oracle.drift_recorded(change, records.get(change.appointment_id)):
                change.recorded_at = now
        return sum(1 for c in open_changes if c.recorded_at is None)


def notification_faults(rng: random.Random, *, on: bool) -> int:
    """Delivery faults of the simulator's subscriptions: each one delayed, duplicated,
    reordered or dropped (the safety-net pull catches a dropped one); all off with on=False."""
    if not on:
        return Subscription.objects.update(
            delay_seconds=0, duplicate=False, reorder=False, drop=False
        )
    changed = 0
    for pk in Subscription.objects.order_by("pk").values_list("pk", flat=True):
        kind = rng.choice(("delay", "duplicate", "reorder", "drop", "none"))
        changed += Subscription.objects.filter(pk=pk).update(
            delay_seconds=3 if kind == "delay" else 0,
            duplicate=kind == "duplicate",
            reorder=kind == "reorder",
            drop=kind == "drop",
        )
    return changed


class Chaos:
    def __init__(self, args, *, redis: procs.Redis, env: dict) -> None:
        self.args = args
        self.redis = redis
        self.env = env
        self.rng = random.Random(args.seed)
        self.workers: procs.Workers | None = None
        self.kills_done = 0
        self.worker_exits = 0  # workers that ended by themselves (and were restarted)
        self.outage_s = 0.0
        self.outage_window: tuple[datetime, datetime] | None = None
        self.kill_rule = None
        self.armed_at = None
        self.notification_faulted = 0  # subscriptions whose deliveries were faulted

    def start_workers(self) -> procs.Workers:
        self.workers = procs.Workers(
            self.env, count=self.args.workers, concurrency=self.args.concurrency
        )
        return self.workers

    # -- kills ---------------------------------------------------------------------------
    def _arm_kill(self) -> None:
        """Creates hang in the simulator for a while: one is on the wire when we kill."""
        self.armed_at = timezone.now()
        self.kill_rule = faults.inject(
            kind="slow", method="POST", path_contains="/events", delay_ms=4000, remaining=12
        )

    def _try_kill(self) -> bool:
        if timezone.now() - self.armed_at > timedelta(seconds=15):
            self.kill_rule.delete()  # its slow answers went to other requests: arm anew
            self._arm_kill()
        in_flight = list(
            CalendarEvent.objects.filter(
                kind=CalendarEvent.Kind.APPOINTMENT, graph_id="",
                create_sent_at__gte=self.armed_at, lease_until__gt=timezone.now(),
            ).values_list("pk", flat=True)
        )  # fmt: skip
        if not in_flight:
            return False
        active = app.control.inspect(timeout=1.0).active() or {}
        for host, tasks in active.items():
            for task in tasks:
                args = task.get("args") or []
                if isinstance(args, str):
                    args = ast.literal_eval(args)
                if task.get("name", "").endswith("event_sync") and args and args[0] in in_flight:
                    name = host.split("@", 1)[0]
                    if name not in self.workers.procs:
                        continue
                    self.workers.kill(name)  # mid-call: its POST hangs in the simulator
                    self.workers.start_one()  # the supervisor starts a fresh one
                    self.kill_rule.delete()
                    self.kill_rule = None
                    self.kills_done += 1
                    return True
        return False

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> dict:
        args = self.args
        world = world_build(recruiters=args.recruiters)
        faults.clear()
        since = timezone.now()
        for rule in fault_plan(self.rng, args.fault_rate):
            faults.inject(**rule)
        workload = Workload(rng=self.rng, world=world, max_appointments=args.appointments)
        # Kills in the first half, the Redis outage from 60 % on (never while a kill is armed).
        kill_at = [args.ops * (i + 1) // (2 * args.kills + 2) for i in range(args.kills)]
        outage_at = args.ops * 6 // 10 if args.redis_outage > 0 else None
        outage_since = None
        outage_done = False
        # Notification faults from 30 % to 70 % of the operations (subscriptions exist by then).
        notify_on, notify_off = args.ops * 3 // 10, args.ops * 7 // 10
        notify_state = "before"
        beat = Beat(every=args.beat, max_wait=args.max_wait)
        beat.start()
        watch = DriftWatch(workload)
        watch.start()
        chaos_started = time.monotonic()
        done = 0
        while done < args.ops:
            if kill_at and done >= kill_at[0] and self.kill_rule is None:
                kill_at.pop(0)
                self._arm_kill()
            self.worker_exits += len(self.workers.revive())
            if (outage_at is not None and done >= outage_at and outage_since is None
                    and self.kill_rule is None and not kill_at):  # fmt: skip
                self.redis.stop()
                outage_since = time.monotonic()
                self.outage_window = (timezone.now(), timezone.now())
            if (
                outage_since
                and not outage_done
                and time.monotonic() - outage_since >= args.redis_outage
            ):
                self.redis.start()
                outage_done = True
                self.outage_s = time.monotonic() - outage_since
                self.outage_window = (self.outage_window[0], timezone.now())
            if notify_state == "before" and done >= notify_on:
                self.notification_faulted = notification_faults(self.rng, on=True)
                notify_state = "on"
            elif notify_state == "on" and done >= notify_off:
                notification_faults(self.rng, on=False)
                notify_state = "off"
            workload.step(budget=args.ops - done)
            done = workload.count.ops
            if self.kill_rule is not None:
                self._try_kill()
        # Finish what is scheduled even when the workload was quicker.
        while outage_since and not outage_done:
            self.worker_exits += len(self.workers.revive())
            if time.monotonic() - outage_since >= args.redis_outage:
                self.redis.start()
                outage_done = True
                self.outage_s = time.monotonic() - outage_since
                self.outage_window = (self.outage_window[0], timezone.now())
            time.sleep(0.2)
        deadline = time.monotonic() + 30
        while self.kill_rule is not None and time.monotonic() < deadline:
            self.worker_exits += len(self.workers.revive())
            if not self._try_kill():
                time.sleep(0.2)
        chaos_s = time.monotonic() - chaos_started
        faults.clear()
        notification_faults(self.rng, on=False)
        last_fault = time.monotonic()
        converged = self._converge(beat, watch, timeout=args.converge_timeout)
        seconds_to_converge = time.monotonic() - last_fault
        beat.halt.set()
        beat.join(timeout=30)
        watch.halt.set()
        watch.join(timeout=30)
        return self._verdict(
            workload=workload, world=world, since=since, converged=converged,
            seconds_to_converge=seconds_to_converge, chaos_s=chaos_s,
        )  # fmt: skip

    def _open_work(self) -> tuple[int, int]:
        now = timezone.now()
        dirty = CalendarEvent.objects.filter(
            Q(synced_version__lt=F("wanted_version")) | Q(lease_until__gt=now)
        ).count()
        return dirty, CandidateEmail.objects.filter(status__in=OPEN_MAIL).count()

    def _converge(self, beat: Beat, watch: DriftWatch, *, timeout: float) -> bool:
        """Outbox empty (no record dirty, retrying or leased; no e-mail open) and every
        Outlook-side change recorded by EBMS, then one sweep that finds nothing to do, then
        still empty. (An unrecorded change runs into the timeout: drift_missed.)"""
        deadline = time.monotonic() + timeout
        beat.every = 1.0
        while time.monotonic() < deadline:
            self.worker_exits += len(self.workers.revive())
            if self._open_work() == (0, 0) and watch.look() == 0:
                swept = beat.tick()
                time.sleep(1.0)
                if self._open_work() == (0, 0) and not any(swept.values()):
                    return True
            time.sleep(0.5)
        return False

    def _verdict(self, *, workload, world, since, converged, seconds_to_converge, chaos_s) -> dict:
        changes = workload.outlook_changes
        calendars = oracle.calendars(
            company=world.company, outlook_changed=workload.outlook_diverged
        )
        drifted = oracle.drift(changes)
        mails = oracle.emails(company=world.company)
        traffic = oracle.graph_traffic(since=since, outage=self.outage_window)
        erased = oracle.erasures(
            company=world.company, names=workload.erased_names, erased_at=workload.erased_at
        )
        dirty, open_mails = self._open_work()
        ops = workload.count.ops
        result = {
            "ops": ops,
            "faults": traffic["faults"],
            "kills": self.kills_done,
            "redis_outage_s": round(self.outage_s, 1),
            "lost": calendars["lost"],
            "duplicated": calendars["duplicated"],
            "stale": calendars["stale"],
            "orphaned": calendars["orphaned"],
            "emails_duplicated": mails["emails_duplicated"],
            "emails_lost": mails["emails_lost"],
            "drift_missed": drifted["drift_missed"],
            "drift_seconds_p95": drifted["drift_seconds_p95"],
            "outlook_changes": drifted["outlook_changes"],
            "outlook_changes_by_kind": drifted["outlook_changes_by_kind"],
            "notification_faulted_subscriptions": self.notification_faulted,
            "erasure_name_left": erased["erasure_name_left"],
            "erasure_out_of_reach": erased["erasure_out_of_reach"],
            "erasure_traces": erased["erasure_traces"],
            "erasure_open": erased["erasure_open"],
            "erasures": erased["erasures"],
            "erased_events": erased["erased_events"],
            "erased_events_patched_again": erased["erased_events_patched_again"],
            "graph_calls_per_op": round(traffic["calls"] / max(ops, 1), 2),
            "max_in_flight_per_mailbox": traffic["max_in_flight_per_mailbox"],
            "max_in_flight_at": traffic["max_in_flight_at"],
            "max_in_flight_calls": traffic["max_in_flight_calls"],
            "max_in_flight_during_redis_outage": traffic["max_in_flight_during_redis_outage"],
            "redis_outage_window": [t.isoformat() for t in self.outage_window or ()],
            "seconds_to_converge": round(seconds_to_converge, 1),
            "seed": self.args.seed,
            "recruiters": self.args.recruiters,
            "ops_by_kind": dict(sorted(workload.count.by_kind.items())),
            "applied_then_failed_writes": traffic["applied_then_failed_writes"],
            "mailbox_concurrency_429": traffic["mailbox_concurrency_429"],
            "failed_ops": workload.count.failed,
            "failed_op_examples": workload.count.failures,
            "worker_exits_restarted": self.worker_exits,
            "rejected_ops": workload.count.rejected,
            "converged": converged,
            "unconverged_records": dirty,
            "open_emails": open_mails,
            "chaos_phase_s": round(chaos_s, 1),
            "examples": calendars["examples"]
            + drifted["drift_examples"]
            + mails["email_examples"]
            + erased["erasure_examples"],
        }
        counts = ("lost", "duplicated", "stale", "orphaned", "emails_duplicated", "emails_lost",
                  "erasure_name_left", "erasure_traces", "erasure_open",
                  "drift_missed")  # fmt: skip
        result["ok"] = (
            converged
            and not any(result[name] for name in counts)
            and result["failed_ops"] == 0
            and result["max_in_flight_per_mailbox"] <= MAX_IN_FLIGHT
            and self.kills_done == self.args.kills
        )
        return result
