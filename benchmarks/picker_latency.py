"""Picker latency against the simulator: p50/p95 for a cache miss and a cache hit.

    .venv/bin/python benchmarks/picker_latency.py [--rounds 30] [--observers 5] [--port 8765]

Not a test. Starts `manage.py runserver` (EBMS + the simulator under /m365) in a subprocess
with its own SQLite databases under var/bench/ (deleted first), seeds a tenant with busy
calendars, connects a recruiter through the real sign-in flow, then times
GET /kalender/verfuegbarkeit/ (week view, organiser + observers + a room + the rooms' occupancy).

A miss asks for a week not asked before (a new cache window: one getSchedule call);
a hit repeats a week already asked (no Graph call). Both cross HTTP like a browser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"


def _env(port: int) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{BENCH / 'ebms.sqlite3'}",
        M365SIM_DATABASE_URL=f"sqlite:///{BENCH / 'm365sim.sqlite3'}",
        SITE_URL=f"http://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="ebms.settings",
    )
    env.pop("REDIS_URL", None)  # local-memory cache inside the server process
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


def _setup(port: int, observers: int) -> tuple[str, dict, list[int]]:
    """Seed (in this process, same databases) and connect: (session cookie, params, ids)."""
    os.environ.update(_env(port))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from calendar_integration.availability.rooms import rooms_refresh
    from calendar_integration.tests.conftest import connect
    from ebms.accounts.models import Company, Role, User
    from ebms.accounts.services import booking_activate
    from m365sim.seed_events import seed_events
    from m365sim.tests.harness import build

    m365 = build(f"http://127.0.0.1:{port}")
    m365.grant_admin_consent(
        ["User.Read", "Calendars.ReadWrite", "Place.Read.All", "openid", "profile",
         "offline_access"]
    )  # fmt: skip
    company = Company.objects.create(name="Bench GmbH")
    booking_activate(company=company, by=None)
    recruiter = User.objects.create_user(
        "bench@bench.example", "pw", company=company, role=Role.RECRUITER, first_name="Bea"
    )
    people = []
    for i in range(observers):
        m365.add_user(f"kollege{i}", f"Kollege {i}")
        people.append(User.objects.create_user(
            f"kollege{i}@contoso.example", "pw", company=company, role=Role.OBSERVER,
        ).pk)  # fmt: skip
    seed_events(m365.tenant)
    journey = connect(m365, recruiter, email=m365.recruiter.email, rooms=True)
    recruiter.refresh_from_db()
    rooms_refresh(connection=recruiter.microsoft_connection)
    cookie = journey.client.cookies["sessionid"].value
    params = {"days": 7, "observers": people, "room": "raum.beta@contoso.example"}
    m365.close()
    return cookie, params, people


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--observers", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    shutil.rmtree(BENCH, ignore_errors=True)
    BENCH.mkdir(parents=True)
    env = _env(args.port)
    _manage(env, "migrate", "--noinput")
    _manage(env, "migrate", "--noinput", "--database", "m365sim")
    server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload",
         "--skip-checks"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        _wait(base + "/healthz")
        cookie, params, _ids = _setup(args.port, args.observers)
        session = requests.Session()
        session.cookies.set("sessionid", cookie)
        url = base + "/kalender/verfuegbarkeit/"
        monday = date.today() - timedelta(days=date.today().weekday())

        def timed(week: int) -> tuple[float, dict]:
            day = monday + timedelta(weeks=week)
            query = {**params, "start": day.isoformat(),
                     "slot_start": f"{day}T08:00:00Z", "slot_end": f"{day}T09:00:00Z"}  # fmt: skip
            began = time.perf_counter()
            response = session.get(url, params=query, timeout=60)
            elapsed = (time.perf_counter() - began) * 1000
            response.raise_for_status()
            return elapsed, response.json()

        misses, hits, calls = [], [], {"miss": 0, "hit": 0}
        for week in range(args.rounds):  # every week a new window: cache miss
            elapsed, data = timed(week * 3)
            misses.append(elapsed)
            calls["miss"] += data["outlook"]["graph_calls"]
        for round_ in range(args.rounds):  # weeks asked before: cache hit
            elapsed, data = timed((round_ % args.rounds) * 3)
            hits.append(elapsed)
            calls["hit"] += data["outlook"]["graph_calls"]
        rows = len(data["rows"]) + len(data["rooms"]["items"])
        print(f"picker latency, week view, {rows} schedules (people, room, room list), "
              f"{args.rounds} requests each")  # fmt: skip
        for name, values in (("miss", misses), ("hit", hits)):
            print(f"  cache {name:4}: p50 {_pct(values, 0.5):7.1f} ms   p95 {_pct(values, 0.95):7.1f} ms"
                  f"   mean {statistics.mean(values):7.1f} ms   Graph calls {calls[name]}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
