"""(f) Push vs sweep: Graph calls per hour at steady state, and Outlook change -> EBMS shows it.

    .venv/bin/python benchmarks/push_calls.py [--port 8772] [--trials 20] [--model-only] [--sqlite]

Not a test. Part 1 is a model built from the product's own constants (sync/push.py,
sync/delta.py) and the per-operation call counts of its code paths (a delta pull is one
call per page of 50, a removed entry one GET by id, a renewal one PATCH: what
tests/contract/test_push_product.py counts), against today's per-event sweep as it was
scheduled before issue 13 (every 30 minutes, at most 200 reads, each event at most hourly,
14 days ahead). Part 2 runs when the simulator has change notifications
(m365sim.graph.subscriptions): PostgreSQL + gunicorn as the other scripts, a recruiter with
`--trials` appointments, each moved in Outlook through the simulator's Graph; the time until
EBMS's record shows the move (notification -> delta pull), and the calls each change cost,
counted from the simulator's log (`--sqlite`: the same with two SQLite files in var/bench
instead of PostgreSQL, for hosts where PostgreSQL is busy; latency only). Polling latency is the poll interval's distribution plus
the measured pull time (waiting out real 5-minute intervals is no benchmark).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys
import time
from datetime import UTC, timedelta

import _bench

# Today's sweep before issue 13 (drift.py drifts_sweep + ebms/celery.py "detect-outlook-drift").
SWEEP_RUNS_PER_HOUR = 2
SWEEP_LIMIT = 200
SWEEP_INTERVAL_H = 1.0
APPOINTMENTS = 20
MAILBOXES = (100, 1000)
CHANGE_RATES = (0.0, 0.01)
DELETE_SHARE = 0.25  # of changes, read once more by id (deleted vs moved out of the window)
HEADERS = ["mailboxes", "changed/h", "design", "Graph calls/h", "events covered/h",
           "an Outlook change is seen after"]  # fmt: skip


def _constants() -> dict:
    from django.conf import settings

    if not settings.configured:  # the model alone: the default (SQLite) settings will do
        sys.path.insert(0, str(_bench.ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebms.settings")
        import django

        django.setup()
    from calendar_integration.microsoft.graph import DELTA_PAGE
    from calendar_integration.sync import push

    return {
        "safety_net_h": push.SAFETY_NET.total_seconds() / 3600,
        "renew_every_h": (push.LIFETIME - push.RENEW_BEFORE).total_seconds() / 3600,
        "poll_minutes": 5,
        "delta_page": DELTA_PAGE,
    }


def model(c: dict) -> list[dict]:
    rows = []
    for mailboxes in MAILBOXES:
        events = mailboxes * APPOINTMENTS
        for rate in CHANGE_RATES:
            changes = events * rate
            per_mailbox = changes / mailboxes
            pages = max(1, math.ceil(per_mailbox / c["delta_page"]))
            checks = min(events, SWEEP_RUNS_PER_HOUR * SWEEP_LIMIT / SWEEP_INTERVAL_H)
            rows.append({
                "mailboxes": mailboxes, "rate": rate, "design": "today: per-event sweep",
                "calls": round(checks), "checked": round(checks),
                "seen": f"up to {events / checks:.0f} h (each event read every {events / checks:.0f} h)",
            })  # fmt: skip
            # Safety net once per mailbox and hour (a notification's pull resets it: upper
            # bound), renewals, a pull per change (no coalescing: upper bound), GETs by id.
            push_calls = (mailboxes * pages / c["safety_net_h"] + mailboxes / c["renew_every_h"]
                          + changes + changes * DELETE_SHARE)  # fmt: skip
            rows.append({
                "mailboxes": mailboxes, "rate": rate, "design": "delta + notifications",
                "calls": round(push_calls), "checked": events,
                "seen": f"seconds; up to {c['safety_net_h']:.0f} h if a notification is lost",
            })  # fmt: skip
            poll = mailboxes * 60 / c["poll_minutes"] + changes * DELETE_SHARE
            rows.append({
                "mailboxes": mailboxes, "rate": rate,
                "design": f"delta polling ({c['poll_minutes']} min, M365_NOTIFICATIONS=off)",
                "calls": round(poll), "checked": events,
                "seen": f"up to {c['poll_minutes']} min",
            })  # fmt: skip
    return rows


def rows(data: dict) -> list[list]:
    return [[r["mailboxes"], f"{r['rate']:.0%}", r["design"], r["calls"], r["checked"],
             r["seen"]] for r in data["model"]]  # fmt: skip


def measure(port: int, trials: int, *, sqlite: bool = False) -> dict:
    values = _bench.env(port, M365_NOTIFICATIONS="on")
    if sqlite:
        _sqlite_reset(values)
    else:
        _bench.databases_reset(values)
    with _bench.gunicorn(values, port):
        _bench.django_setup(values)
        return {**_latency(trials), "database": "SQLite" if sqlite else "PostgreSQL"}


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


def _latency(trials: int) -> dict:
    from calendar_integration.sync.delta import delta_pull
    from calendar_integration.sync.models import CalendarEvent
    from calendar_integration.sync.push import subscription_create
    from calendar_integration.sync.tests.conftest import as_outlook_user
    from ebms.recruiting.services import appointment_create
    from ebms.recruiting.tests import factories
    from m365sim import clock
    from m365sim.graph import log

    m365, company, recruiter, _people, _journey = _bench.tenant_connected(int(
        os.environ["SITE_URL"].rsplit(":", 1)[1]))  # fmt: skip
    connection = recruiter.microsoft_connection
    row = subscription_create(connection=connection)
    assert row is not None and row.subscription_id, "the simulator refused the subscription"
    records = []
    for day in range(trials):
        start = factories.future(days=day + 2, hour=10)
        appointment = appointment_create(
            by=recruiter, application=factories.application(company=company),
            recruiter=recruiter, observers=[], kind="onsite", starts_at=start,
            ends_at=start + timedelta(hours=1), title="Vorstellungsgespräch",
            location="Hauptstraße 1",
        )  # fmt: skip
        records.append(CalendarEvent.objects.get(appointment=appointment))
    seconds, calls = [], []
    fmt = "%Y-%m-%dT%H:%M:%S"
    for record in records:
        appointment = record.appointment
        since = clock.now()
        moved = (
            appointment.starts_at + timedelta(hours=1),
            appointment.ends_at + timedelta(hours=1),
        )
        began = time.monotonic()
        as_outlook_user(m365, m365.recruiter, "PATCH", f"/me/events/{record.graph_id}", json={
            "start": {"dateTime": moved[0].astimezone(UTC).strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": moved[1].astimezone(UTC).strftime(fmt), "timeZone": "UTC"},
        })  # fmt: skip
        deadline = began + 30
        while time.monotonic() < deadline:
            if CalendarEvent.objects.filter(pk=record.pk, drift="changed").exists():
                break
            time.sleep(0.02)
        seconds.append(time.monotonic() - began)
        ebms = [e for e in log.calls(since=since) if e.method == "GET"]
        calls.append(len(ebms))
    began = time.monotonic()
    delta_pull(connection.pk)
    pull_s = time.monotonic() - began
    poll_s = 5 * 60
    return {
        "trials": trials,
        "push_p50_s": round(_bench.pct(seconds, 0.5), 3),
        "push_p95_s": round(_bench.pct(seconds, 0.95), 3),
        "calls_per_change": round(sum(calls) / len(calls), 2),
        "pull_s": round(pull_s, 3),
        # A change waits for the next poll: uniform over the interval.
        "poll_p50_s": round(poll_s * 0.5 + pull_s, 1),
        "poll_p95_s": round(poll_s * 0.95 + pull_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8772)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--model-only", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="SQLite files, not PostgreSQL")
    args = parser.parse_args()
    sys.path.insert(0, str(_bench.ROOT))
    simulator_ready = importlib.util.find_spec("m365sim.graph.subscriptions") is not None
    latency = None
    if simulator_ready and not args.model_only:
        latency = measure(
            args.port, args.trials, sqlite=args.sqlite
        )  # configures Django for the bench databases
        print(latency)
    else:
        print("latency: skipped (the simulator has no change notifications yet)")
    constants = _constants()
    data: dict = {"constants": constants, "model": model(constants), "latency": latency}
    print(_bench.table(HEADERS, rows(data)))
    _bench.save("push_calls", data)


if __name__ == "__main__":
    main()
