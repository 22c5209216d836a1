"""(d) Picker and appointment list: p50/p95 and SQL queries at 10, 100 and 1,000 appointments.

    .venv/bin/python benchmarks/picker_list.py [--rounds 30] [--port 8774]

Not a test. PostgreSQL databases recreated, gunicorn serving the simulator (the picker's
getSchedule goes over HTTP to it), Django's test client in this process (no HTTP for the EBMS
side, so the figures are the view's own time: middleware, queries, template/JSON), local-memory
cache, Celery eager. A connected planner (recruiter with a mailbox) and one observer; the
appointments are organised by a second, unconnected recruiter with both as observers, all in
the week the picker shows, so every appointment is on the list and in the picker's rows.

- appointment list: GET /termine/ (upcoming appointments of the company, pages of 50 rows);
- picker, cache hit: GET /kalender/verfuegbarkeit/ for that week again (no Graph call);
- picker, cache miss: the cache cleared before each request (one getSchedule call).
Queries are counted with django.test.utils.CaptureQueriesContext on the default database.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta

import _bench

SIZES = (10, 100, 1000)


def measure(port: int, rounds: int) -> dict:
    values = _bench.env(port)
    _bench.databases_reset(values)
    with _bench.gunicorn(values, port):
        _bench.django_setup(values)
        return _run(port, rounds)


def _run(port: int, rounds: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from ebms.accounts.models import Role, User
    from ebms.recruiting.services import appointment_create
    from ebms.recruiting.tests import factories
    from ebms.recruiting.views.appointments import APPOINTMENTS_PER_PAGE

    m365, company, planner, people, journey = _bench.tenant_connected(port, observers=1)
    organiser = User.objects.create_user(
        "orga@bench.example", "pw", company=company, role=Role.RECRUITER, first_name="Otto"
    )
    client = journey.client
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=3)
    zone = timezone.get_default_timezone()
    applications = [factories.application(company=company) for _ in range(10)]
    picker_url = reverse("calendar_integration:availability_picker")
    params = {"start": monday.isoformat(), "days": 7, "observers": [p.pk for p in people],
              "room": m365.rooms[1].email}  # fmt: skip
    list_url = reverse("recruiting:appointment_list")

    def book(index: int) -> None:
        day = monday + timedelta(days=index % 5)
        minute = 8 * 60 + (index // 5) * 7 % (9 * 60)  # spread over 08:00-17:00, overlapping
        start = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
        appointment_create(
            by=organiser, application=applications[index % 10], recruiter=organiser,
            observers=[planner, *people], kind="onsite", starts_at=start,
            ends_at=start + timedelta(minutes=30), location="Hauptstraße 1, Berlin",
            title=f"Gespräch {index}",
        )  # fmt: skip

    def sample(url, query, *, clear: bool = False) -> tuple[list[float], int, int]:
        latencies, queries, calls = [], 0, 0
        for _ in range(rounds):
            if clear:
                cache.clear()
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, query)
            latencies.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            queries = len(captured)
            if url == picker_url:
                calls += response.json()["outlook"]["graph_calls"]
        return latencies, queries, calls

    results = []
    booked = 0
    for size in SIZES:
        while booked < size:
            book(booked)
            booked += 1
        shown = min(size, APPOINTMENTS_PER_PAGE)
        client.get(picker_url, params)  # warm: the hit below finds this window cached
        for name, url, query, clear in (
            ("appointment list", list_url, {}, False),
            ("picker, cache hit", picker_url, params, False),
            ("picker, cache miss", picker_url, params, True),
        ):
            latencies, queries, calls = sample(url, query, clear=clear)
            results.append({
                "appointments": size, "view": name, "rows_shown": shown if url == list_url else None,
                "p50_ms": round(_bench.pct(latencies, 0.5), 1),
                "p95_ms": round(_bench.pct(latencies, 0.95), 1),
                "queries": queries, "graph_calls_per_request": calls / rounds,
            })  # fmt: skip
    m365.close()
    return {"rounds": rounds, "rows": results}


def rows(data: dict) -> list[list]:
    return [[r["appointments"], r["view"], r["p50_ms"], r["p95_ms"], r["queries"],
             f"{r['graph_calls_per_request']:g}"] for r in data["rows"]]  # fmt: skip


HEADERS = ["appointments", "view", "p50 ms", "p95 ms", "SQL queries", "Graph calls"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8774)
    args = parser.parse_args()
    data = measure(args.port, args.rounds)
    _bench.save("picker_list", data)
    print(f"(d) picker and appointment list, {args.rounds} requests each (Django test client)")
    print(_bench.table(HEADERS, rows(data)))


if __name__ == "__main__":
    main()
