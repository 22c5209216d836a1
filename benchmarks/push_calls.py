"""(f) Outlook-side changes: Graph calls per hour at steady state, measured, and the time
from an Outlook change until EBMS shows it, with notifications on and with polling.

    .venv/bin/python benchmarks/push_calls.py [--port 8772] [--sqlite] [--groups 100x20,100x40]
        [--trials 20] [--poll-trials 10] [--poll-seconds 10] [--tick-seconds 2] [--model-only]

Not a test. gunicorn serves EBMS + the simulator on the bench databases (PostgreSQL, or two
SQLite files in var/bench with `--sqlite`); this process runs the product's beat functions.

Part 1 (calls per hour, measured): the groups' mailboxes (`--groups`: mailboxes x upcoming
appointments each, seeded by benchmarks/_push_seed.py) are subscribed and pulled once
(warm-up), then simulated hours run through the product's code: `subscriptions_maintain`
every 5th and `pulls_due` every minute with a `now` stepping through the hour, delta pulls
as the beat asks for them, Outlook moves through the simulator's owner path (0 % or 1 % of
the events in the hour), each delivered by the simulator's notification code to EBMS's
endpoint, whose pull runs in the server. The calls are counted per group from the simulator's
request log (m365sim.graph.log). Notifications on first (0 %, then 1 %), then off
(M365_POLL_MINUTES=5; the switch drops the subscriptions), 0 % and 1 %.

Part 2 (latency): one recruiter's appointments moved in Outlook (a PATCH as the owner through
the simulator's Graph) until EBMS's record shows the move: notifications on (the simulator's
delivery thread in gunicorn), then off with a real poll (`--poll-seconds`, `pulls_due` every
`--tick-seconds` in a thread), scaled to the production 5-minute interval.

The per-event sweep the product had before issue 13 no longer exists; its row is the model
it was scheduled by (every 30 minutes, at most 200 reads, each event at most hourly).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import _bench
from _push_seed import Group, groups_seed

SWEEP_RUNS_PER_HOUR = 2  # the old sweep (drift.py drifts_sweep, "detect-outlook-drift")
SWEEP_LIMIT = 200
HOUR_HEADERS = ["mode", "changed/h", "mailboxes x appointments", "events", "changes",
                "Graph calls/h", "per mailbox", "delta GETs", "GETs by id", "other"]  # fmt: skip
FMT = "%Y-%m-%dT%H:%M:%S"


def baseline(mailboxes: int, appointments: int) -> dict:
    """The per-event sweep before issue 13 (model: it no longer exists in code)."""
    events = mailboxes * appointments
    reads = min(events, SWEEP_RUNS_PER_HOUR * SWEEP_LIMIT)
    return {"mailboxes": mailboxes, "appointments": appointments, "calls": reads,
            "seen_h": round(events / reads, 1)}  # fmt: skip


def measure(args: argparse.Namespace) -> dict:
    values = _bench.env(args.port, M365_NOTIFICATIONS="on")
    if args.sqlite:
        _sqlite_reset(values)
    else:
        _bench.databases_reset(values)
    with _bench.gunicorn(values, args.port):
        _bench.django_setup(values)
        from django.conf import settings

        settings.M365SIM_DELIVERY_THREAD = False  # this process delivers by drain()
        began = time.monotonic()
        latency = _latency(args)
        groups = [Group(*map(int, g.split("x"))) for g in args.groups.split(",")]
        hours = _hours(groups)
        return {"latency": latency, "hours": hours, "groups": args.groups,
                "seconds": round(time.monotonic() - began),
                "database": "SQLite" if args.sqlite else "PostgreSQL"}  # fmt: skip


def _sqlite_reset(values: dict[str, str]) -> None:
    """Fresh SQLite files for EBMS and the simulator, migrated (instead of PostgreSQL)."""
    _bench.BENCH.mkdir(parents=True, exist_ok=True)
    for name in ("push-ebms", "push-m365sim"):
        for suffix in ("", "-wal", "-shm"):
            (_bench.BENCH / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
    values["DATABASE_URL"] = f"sqlite:///{_bench.BENCH / 'push-ebms.sqlite3'}"
    values["M365SIM_DATABASE_URL"] = f"sqlite:///{_bench.BENCH / 'push-m365sim.sqlite3'}"
    _bench.manage(values, "migrate", "--noinput")
    _bench.manage(values, "migrate", "--noinput", "--database", "m365sim")


# --- part 2: Outlook change -> EBMS shows it -------------------------------------------------


def _move_as_owner(m365, record) -> None:
    """The owner drags the event an hour later in Outlook (a PATCH through Graph)."""
    from calendar_integration.sync.tests.conftest import as_outlook_user

    start, end = record.appointment.starts_at, record.appointment.ends_at
    shift = timedelta(hours=1)
    as_outlook_user(m365, m365.recruiter, "PATCH", f"/me/events/{record.graph_id}", json={
        "start": {"dateTime": (start + shift).astimezone(UTC).strftime(FMT), "timeZone": "UTC"},
        "end": {"dateTime": (end + shift).astimezone(UTC).strftime(FMT), "timeZone": "UTC"},
    })  # fmt: skip


def _seen(record, deadline_s: float) -> float:
    """Seconds until EBMS's record shows the move (deadline_s when it never does)."""
    from calendar_integration.sync.models import CalendarEvent

    began = time.monotonic()
    while time.monotonic() - began < deadline_s:
        if CalendarEvent.objects.filter(pk=record.pk, drift="changed").exists():
            break
        time.sleep(0.02)
    return time.monotonic() - began


def _records(company, recruiter, count: int) -> list:
    from calendar_integration.sync.models import CalendarEvent
    from ebms.recruiting.services import appointment_create
    from ebms.recruiting.tests import factories

    records = []
    for day in range(count):
        start = factories.future(days=day + 2, hour=10)
        appointment = appointment_create(
            by=recruiter, application=factories.application(company=company),
            recruiter=recruiter, observers=[], kind="onsite", starts_at=start,
            ends_at=start + timedelta(hours=1), title="Vorstellungsgespräch",
            location="Hauptstraße 1",
        )  # fmt: skip
        records.append(
            CalendarEvent.objects.select_related("appointment").get(appointment=appointment)
        )
    return records


def _latency(args: argparse.Namespace) -> dict:
    from django.conf import settings

    from calendar_integration.sync.delta import delta_pull
    from calendar_integration.sync.push import subscription_create, subscription_drop
    from m365sim import clock
    from m365sim.graph import log

    m365, company, recruiter, _people, _journey = _bench.tenant_connected(args.port)
    connection = recruiter.microsoft_connection
    settings.M365_NOTIFICATIONS = "on"
    row = subscription_create(connection=connection)
    assert row is not None and row.subscription_id, "the simulator refused the subscription"
    records = _records(company, recruiter, args.trials + args.poll_trials)
    pushed, gets = [], []
    for record in records[: args.trials]:
        since = clock.now()
        _move_as_owner(m365, record)
        pushed.append(_seen(record, 30))
        gets.append(len([e for e in log.calls(since=since) if e.method == "GET"]))
    began = time.monotonic()
    delta_pull(connection.pk)
    pull_s = time.monotonic() - began
    subscription_drop(connection=connection)
    polled = _poll_latency(m365, records[args.trials :], args)
    interval = args.poll_seconds
    scale = 300 / interval  # the production interval, 5 minutes
    return {
        "trials": args.trials,
        "push_p50_s": round(_bench.pct(pushed, 0.5), 3),
        "push_p95_s": round(_bench.pct(pushed, 0.95), 3),
        "push_max_s": round(max(pushed), 3),
        "gets_per_change": round(sum(gets) / len(gets), 2),
        "pull_s": round(pull_s, 3),
        "poll_trials": len(polled),
        "poll_interval_s": interval,
        "tick_s": args.tick_seconds,
        "poll_p50_s": round(_bench.pct(polled, 0.5), 2),
        "poll_p95_s": round(_bench.pct(polled, 0.95), 2),
        "poll_max_s": round(max(polled), 2),
        # The wait is uniform over the interval: it scales with it, the pull time does not.
        "poll_5min_p50_s": round((_bench.pct(polled, 0.5) - pull_s) * scale + pull_s),
        "poll_5min_p95_s": round((_bench.pct(polled, 0.95) - pull_s) * scale + pull_s),
    }


def _poll_latency(m365, records: list, args: argparse.Namespace) -> list[float]:
    """Notifications off, the poll every `poll_seconds` for real: `pulls_due` runs every
    `tick_seconds` in a thread (as the beat would); each move comes at a random moment."""
    from django.conf import settings
    from django.db import close_old_connections

    from calendar_integration.sync.push import pulls_due

    settings.M365_NOTIFICATIONS = "off"
    settings.M365_POLL_MINUTES = args.poll_seconds / 60
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            pulls_due(tick=timedelta(seconds=args.tick_seconds))
            stop.wait(args.tick_seconds)
        close_old_connections()

    ticker = threading.Thread(target=beat, name="bench-beat", daemon=True)
    ticker.start()
    chance = random.Random(13)
    seconds = []
    try:
        for record in records:
            time.sleep(chance.uniform(0, args.poll_seconds))
            _move_as_owner(m365, record)
            seconds.append(_seen(record, 3 * args.poll_seconds + 10))
    finally:
        stop.set()
        ticker.join(30)
        settings.M365_POLL_MINUTES = 5
    return seconds


# --- part 1: calls per hour at steady state ----------------------------------------------------


def _counted(groups: list[Group], since: datetime, until: datetime) -> dict[str, Counter]:
    """The simulator's log between `since` and `until` (real time), per group and kind."""
    from m365sim.models import RequestLogEntry

    group_of = {a.lower(): g.name for g in groups for a in g.addresses}
    counts: dict[str, Counter] = {g.name: Counter() for g in groups}
    entries = RequestLogEntry.objects.filter(at__gte=since, at__lt=until, batch_request_id="")
    for mailbox, method, path in entries.values_list("mailbox", "method", "path"):
        name = group_of.get(mailbox.lower())
        if name is None:
            continue
        if "/calendarView/delta" in path:
            kind = "delta"
        elif method == "GET" and "/events/" in path:
            kind = "by_id"
        else:
            kind = "other"
        counts[name][kind] += 1
    return counts


def _changes(groups: list[Group], rate: float, chance: random.Random) -> list[tuple[int, str]]:
    """(minute, event graph id): `rate` of each group's events, once each, spread over the hour."""
    from m365sim.models import Event

    moves = []
    for group in groups:
        events = list(
            Event.objects.filter(mailbox__email__in=group.addresses).values_list("pk", flat=True)
        )
        for pk in chance.sample(events, round(group.events * rate)):
            moves.append((chance.randrange(55), pk))  # a poll follows within the hour
    return sorted(moves)


def _outlook_move(m365, event_pk: int) -> str:
    """The owner drags the event an hour later (the simulator's owner path, no Graph call)."""
    from m365sim.models import Event

    event = Event.objects.get(pk=event_pk)
    m365.outlook_move(event, event.start + timedelta(hours=1), event.end + timedelta(hours=1))
    return event.immutable_id


def _hour(m365, groups, *, first_tick: datetime, rate: float, chance) -> dict[str, Counter]:
    """Sixty beat ticks from `first_tick` with `rate` of the events moved in Outlook."""
    from django.utils import timezone

    from calendar_integration.sync.models import CalendarEvent
    from calendar_integration.sync.push import pulls_due, subscriptions_maintain
    from m365sim.graph import delivery

    moves = _changes(groups, rate, chance)
    moved = []
    since = timezone.now()
    for minute in range(60):
        now = first_tick + timedelta(minutes=minute)
        for _, pk in [m for m in moves if m[0] == minute]:
            moved.append(_outlook_move(m365, pk))
            delivery.drain()  # the simulator POSTs the notification; EBMS pulls in the server
        if minute % 5 == 0:
            subscriptions_maintain(now=now)
        pulls_due(now=now)
    deadline = time.monotonic() + 15
    seen = 0
    while time.monotonic() < deadline:  # a notification the server's thread delivered
        seen = CalendarEvent.objects.filter(graph_id__in=moved, drift="changed").count()
        if seen == len(moved):
            break
        time.sleep(0.1)
    assert seen == len(moved), f"EBMS saw {seen} of {len(moved)} Outlook moves"
    time.sleep(0.5)  # the server's last pull answered; its log row is written
    counts = _counted(groups, since, timezone.now())
    for group in groups:
        counts[group.name]["changes"] = sum(1 for _, pk in moves if pk in _event_pks(group))
    return counts


_PKS: dict[str, set[int]] = {}


def _event_pks(group: Group) -> set[int]:
    from m365sim.models import Event

    if group.name not in _PKS:
        _PKS[group.name] = set(
            Event.objects.filter(mailbox__email__in=group.addresses).values_list("pk", flat=True)
        )
    return _PKS[group.name]


def _hours(groups: list[Group]) -> list[dict]:
    """Warm-up, then two simulated hours with notifications on and two with them off."""
    from django.conf import settings
    from django.utils import timezone

    from calendar_integration.sync.models import CalendarEvent
    from calendar_integration.sync.push import subscriptions_maintain
    from ebms.accounts.models import Company
    from m365sim.graph import log
    from m365sim.tests.harness import build

    m365 = build(os.environ["SITE_URL"])
    company = Company.objects.get(name="Bench GmbH")
    began = time.monotonic()
    groups_seed(m365, company, groups)
    seeded_s = time.monotonic() - began
    settings.M365_NOTIFICATIONS = "on"
    t0 = timezone.now()
    warm = timezone.now()
    subscriptions_maintain(now=t0)  # subscriptions + each mailbox's first (full) delta round
    warm_counts = _counted(groups, warm, timezone.now())
    addresses = [a for g in groups for a in g.addresses]
    drifted = CalendarEvent.objects.filter(connection__upn__in=addresses).exclude(drift="").count()
    assert drifted == 0, f"{drifted} seeded records look drifted: the seed is inconsistent"
    chance = random.Random(13)
    results = []
    plan = [("on", 0.0, 30), ("on", 0.01, 90), ("off", 0.0, 151), ("off", 0.01, 211)]
    for mode, rate, minute in plan:
        if mode == "off" and settings.M365_NOTIFICATIONS == "on":
            settings.M365_NOTIFICATIONS = "off"
            settings.M365_POLL_MINUTES = 5
            subscriptions_maintain(now=t0 + timedelta(minutes=150))  # drops, pulls
        started = time.monotonic()
        counts = _hour(m365, groups, first_tick=t0 + timedelta(minutes=minute), rate=rate,
                       chance=chance)  # fmt: skip
        took = time.monotonic() - started
        for group in groups:
            c = counts[group.name]
            calls = c["delta"] + c["by_id"] + c["other"]
            results.append({
                "mode": mode, "rate": rate, "group": group.name, "mailboxes": group.mailboxes,
                "appointments": group.appointments, "events": group.events,
                "changes": c["changes"], "calls": calls, "delta": c["delta"],
                "by_id": c["by_id"], "other": c["other"],
                "per_mailbox": round(calls / group.mailboxes, 2), "hour_s": round(took),
            })  # fmt: skip
    log.clear()
    return [{"seed_s": round(seeded_s), "warmup": {k: dict(v) for k, v in warm_counts.items()}},
            *results]  # fmt: skip


# --- tables --------------------------------------------------------------------------------


def _mode(mode: str) -> str:
    return "notifications on" if mode == "on" else "polling, 5 min (notifications off)"


def hour_rows(hours: list[dict]) -> list[list]:
    return [[_mode(h["mode"]), f"{h['rate']:.0%}", h["group"], h["events"], h["changes"],
             h["calls"], h["per_mailbox"], h["delta"], h["by_id"], h["other"]]
            for h in hours[1:]]  # fmt: skip


def extrapolated(hours: list[dict], mailboxes: int = 1000) -> list[list]:
    """Per-mailbox figures of the largest measured group with 20 appointments, x mailboxes."""
    rows = []
    for h in hours[1:]:
        if h["appointments"] != 20 or h["mailboxes"] < 100:
            continue
        rows.append([_mode(h["mode"]), f"{h['rate']:.0%}", f"{mailboxes}x20",
                     round(h["per_mailbox"] * mailboxes)])  # fmt: skip
    for m in (100, mailboxes):
        b = baseline(m, 20)
        rows.append(["before issue 13: per-event sweep (model)", "any", f"{m}x20",
                     f"{b['calls']} (each event seen every {b['seen_h']} h)"])  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8772)
    parser.add_argument("--groups", default="100x20,100x40,25x20")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--poll-trials", type=int, default=8)
    parser.add_argument("--poll-seconds", type=float, default=10.0)
    parser.add_argument("--tick-seconds", type=float, default=2.0)
    parser.add_argument("--model-only", action="store_true", help="the old sweep's model only")
    parser.add_argument("--sqlite", action="store_true", help="SQLite files, not PostgreSQL")
    args = parser.parse_args()
    sys.path.insert(0, str(_bench.ROOT))
    if args.model_only:
        print([baseline(m, 20) for m in (100, 1000)])
        return
    data = measure(args)
    print(data["latency"])
    print(_bench.table(HOUR_HEADERS, hour_rows(data["hours"])))
    print(_bench.table(["mode", "changed/h", "mailboxes x appointments", "Graph calls/h"],
                       extrapolated(data["hours"])))  # fmt: skip
    _bench.save("push_calls", data)


if __name__ == "__main__":
    main()
