"""(b) Sync pipeline: appointments saved -> events visible in the simulator, against the floor.

    .venv/bin/python benchmarks/sync_pipeline.py [--count 200] [--singles 30] [--port 8772]

Not a test. PostgreSQL (ebms_bench, ebms_bench_m365sim, recreated), Redis db 14 as broker and
cache, gunicorn serving the simulator (one process, 8 threads), real `celery worker` processes
(prefork, concurrency 1 and 2). This process plans on-site appointments (one observer with a
mailbox in the tenant) through recruiting's service; each commit sends the sync task (and the
candidate's invitation task) to Redis. "Visible" is the time the simulator logged the 201 of
the POST /me/events (m365sim.graph.log, written after the event row is committed).

- burst: `count` appointments saved in ONE transaction (t0 = just before its commit):
  latency = visible - t0 per event, throughput = count / (last visible - t0);
- single: one appointment at a time, waiting for its event (no queueing): latency = visible -
  commit.

The floor: the same POST /me/events bodies (our payloads with a fresh transactionId) sent by
a raw requests.Session loop with a valid token (1 or 2 threads, like 1 or 2 workers), measured
from the same log in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import _bench
import requests


class Run:
    """One benchmark run: the tenant, the recruiter, and helpers reading the simulator log."""

    def __init__(self, port: int):
        from ebms.recruiting.tests import factories

        self.port = port
        self.factories = factories
        self.m365, self.company, self.recruiter, self.people, _ = _bench.tenant_connected(
            port, observers=1
        )
        self.mailbox = self.m365.recruiter.email
        self.day = 10

    # --- EBMS side ---------------------------------------------------------------------
    def appointment(self, application):
        from ebms.recruiting.services import appointment_create

        self.day += 1 if self.day < 300 else -290
        start = self.factories.future(days=self.day, hour=8 + self.day % 9)
        return appointment_create(
            by=self.recruiter, application=application, recruiter=self.recruiter,
            observers=self.people, kind="onsite", starts_at=start,
            ends_at=start + timedelta(minutes=45), location="Hauptstraße 1, Berlin",
            title="Vorstellungsgespräch",
        )  # fmt: skip

    def applications(self, count: int) -> list:
        return [self.factories.application(company=self.company) for _ in range(count)]

    # --- simulator side ----------------------------------------------------------------
    def created_since(self, since) -> list:
        from m365sim.graph import log

        return [
            e.at
            for e in log.calls(mailbox=self.mailbox, since=since, path_contains="/me/events")
            if e.method == "POST" and e.status == 201 and not e.batch_request_id
            and e.path.endswith("/me/events")
        ]  # fmt: skip

    def wait_created(self, since, count: int, timeout: float = 600) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.created_since(since)
            if len(seen) >= count:
                return sorted(seen)[:count]
            time.sleep(0.05)
        raise SystemExit(f"only {len(self.created_since(since))} of {count} events appeared")


def _now():
    from m365sim import clock

    return clock.now()


@contextmanager
def celery_worker(values: dict, concurrency: int):
    """A real `celery worker` (prefork, `concurrency` processes); SIGTERM and wait on exit."""
    log = (_bench.BENCH / f"worker-{concurrency}.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "celery", "-A", "ebms", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", f"--hostname=bench{concurrency}@%h",
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=_bench.ROOT, env=values, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _summary(latencies_s: list[float], span_s: float | None = None) -> dict:
    ms = [value * 1000 for value in latencies_s]
    out = {
        "n": len(ms),
        "p50_ms": round(_bench.pct(ms, 0.5), 1),
        "p95_ms": round(_bench.pct(ms, 0.95), 1),
        "mean_ms": round(statistics.mean(ms), 1),
    }
    if span_s is not None:
        out["span_s"] = round(span_s, 2)
        out["events_per_s"] = round(len(ms) / span_s, 1)
    return out


def ours(run: Run, values: dict, *, workers: int, count: int, singles: int) -> tuple[dict, list]:
    """Burst and single latency through Celery workers; returns figures and the appointments."""
    from django.db import transaction

    from ebms.celery import app

    app.control.purge()
    with celery_worker(values, workers):
        warm = run.applications(2 * workers)
        since = _now()
        for application in warm:  # the first task of each pool process imports everything
            run.appointment(application)
        run.wait_created(since, len(warm), timeout=120)

        burst_apps = run.applications(count)
        with transaction.atomic():
            burst = [run.appointment(application) for application in burst_apps]
            t0 = _now()
        seen = run.wait_created(t0, count)
        latencies = [(at - t0).total_seconds() for at in seen]
        figures = {"burst": _summary(latencies, latencies[-1])}

        single_lat = []
        for application in run.applications(singles):
            with transaction.atomic():
                run.appointment(application)
                t = _now()
            (at,) = run.wait_created(t, 1, timeout=60)
            single_lat.append((at - t).total_seconds())
        figures["single"] = _summary(single_lat)
    return figures, burst


def floor(run: Run, appointments: list, *, threads: int, singles: int) -> dict:
    """The same POST bodies through a bare requests.Session loop with a valid token."""
    from calendar_integration.sync.models import CalendarEvent
    from calendar_integration.sync.payloads import PROPERTY_ID, appointment_payload, create_body

    bodies = []
    for appointment in appointments:
        record = CalendarEvent.objects.get(appointment=appointment)
        body = create_body(record, appointment_payload(appointment))
        marker = f"floor-{uuid.uuid4()}"
        body["transactionId"] = marker
        body["singleValueExtendedProperties"] = [{"id": PROPERTY_ID, "value": marker}]
        bodies.append(body)
    token = run.m365.access_token(run.m365.recruiter, ["Calendars.ReadWrite"])
    url = f"http://127.0.0.1:{run.port}/m365/graph/v1.0/me/events"
    headers = {"Authorization": f"Bearer {token}", "Prefer": 'IdType="ImmutableId"'}
    local = threading.local()

    def post(body: dict) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        response = session.post(url, json=body, headers=headers, timeout=60)
        assert response.status_code == 201, response.text[:300]

    with ThreadPoolExecutor(threads) as pool:  # warm: connections open
        list(pool.map(post, bodies[: 2 * threads]))
        t0 = _now()
        list(pool.map(post, bodies))
    seen = run.wait_created(t0, len(bodies))
    latencies = [(at - t0).total_seconds() for at in seen]
    figures = {"burst": _summary(latencies, latencies[-1])}
    single_lat = []
    for body in bodies[:singles]:
        t = _now()
        post(body)
        (at,) = run.wait_created(t, 1, timeout=60)
        single_lat.append((at - t).total_seconds())
    figures["single"] = _summary(single_lat)
    return figures


def measure(port: int, count: int, singles: int) -> dict:
    values = _bench.env(port, redis=True)
    _bench.databases_reset(values)
    results = {"count": count, "singles": singles, "configs": []}
    with _bench.gunicorn(values, port):
        _bench.django_setup(values)
        run = Run(port)
        for workers in (1, 2):
            mine, appointments = ours(run, values, workers=workers, count=count, singles=singles)
            base = floor(run, appointments, threads=workers, singles=singles)
            results["configs"].append({"workers": workers, "ours": mine, "floor": base})
        run.m365.close()
    return results


def rows(data: dict) -> list[list]:
    out = []
    for config in data["configs"]:
        n = config["workers"]
        mine, base = config["ours"], config["floor"]
        for mode in ("burst", "single"):
            a, b = mine[mode], base[mode]
            ratio = f"{a['p50_ms'] / b['p50_ms']:.1f}× / {a['p95_ms'] / b['p95_ms']:.1f}×"
            tput_a = a.get("events_per_s", "–")
            tput_b = b.get("events_per_s", "–")
            tput_ratio = f"{tput_a / tput_b:.2f}" if mode == "burst" else "–"
            label = f"{mode} ({a['n']})"
            out.append([f"{n} worker{'s' if n > 1 else ''}", label,
                        f"{a['p50_ms']:.0f} / {a['p95_ms']:.0f}",
                        f"{b['p50_ms']:.0f} / {b['p95_ms']:.0f}", ratio,
                        tput_a, tput_b, tput_ratio])  # fmt: skip
    return out


HEADERS = ["EBMS", "mode (events)", "ours p50 / p95 ms", "floor p50 / p95 ms",
           "ratio p50 / p95", "ours events/s", "floor events/s", "throughput ours/floor"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--singles", type=int, default=30)
    parser.add_argument("--port", type=int, default=8772)
    args = parser.parse_args()
    Path(_bench.BENCH).mkdir(parents=True, exist_ok=True)
    data = measure(args.port, args.count, args.singles)
    _bench.save("sync_pipeline", data)
    print(f"(b) sync pipeline, {args.count} appointments per burst, {args.singles} singles; "
          "floor = raw requests loop with 1/2 threads")  # fmt: skip
    print(_bench.table(HEADERS, rows(data)))


if __name__ == "__main__":
    main()
