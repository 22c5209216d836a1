"""(e) The appointment list under concurrent load: gunicorn + PostgreSQL, wrk from 127.0.0.1.

    .venv/bin/python benchmarks/list_load.py [--seconds 20] [--connections 10 50] [--port 8775]

Not a test. Needs Debian's `wrk` (apt-get install wrk). PostgreSQL databases recreated and
seeded with 100 upcoming appointments of one company; `collectstatic` (the manifest that
DEBUG=False needs); gunicorn as the Dockerfile runs it (3 sync workers) with DEBUG=False,
Redis db 14 as cache, the simulator mounted (M365_MODE=simulator). A recruiter's session
cookie (force_login in this process, same SECRET_KEY) is sent by wrk with every request to
GET /termine/; a Lua hook reports p50/p95/p99 and the non-2xx count. Every connection count
runs after a 3 s warm-up, for `--seconds` each, bounded and against 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from datetime import datetime, timedelta

import _bench
import requests

LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"mean_ms": %.2f, "non_2xx_3xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
APPOINTMENTS = 100


def production_env(port: int) -> dict[str, str]:
    return _bench.env(
        port, redis=True, DEBUG="False", ALLOWED_HOSTS="127.0.0.1,localhost",
        M365_MODE="simulator", SECURE_SSL_REDIRECT="False", EMAIL_URL="consolemail://",
        TOKEN_ENCRYPTION_KEYS="ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=",
        M365_CLIENT_ID="c0ec60b5-60a8-4768-8053-870f11315492",
        M365_CLIENT_SECRET="ebms-simulator-secret",  # noqa: S106 - the simulator's demo secret
    )  # fmt: skip


def seed(port: int) -> str:
    """Company, recruiter, 100 upcoming appointments; the recruiter's session cookie."""
    from django.test import Client
    from django.utils import timezone

    from ebms.accounts.models import Company, Role, User
    from ebms.accounts.services import booking_activate
    from ebms.recruiting.services import appointment_create
    from ebms.recruiting.tests import factories

    company = Company.objects.create(name="Last GmbH")
    booking_activate(company=company, by=None)
    recruiter = User.objects.create_user(
        "last@bench.example", "pw", company=company, role=Role.RECRUITER, first_name="Lea"
    )
    zone = timezone.get_default_timezone()
    first = timezone.localdate() + timedelta(days=7)
    applications = [factories.application(company=company) for _ in range(10)]
    for index in range(APPOINTMENTS):
        day = first + timedelta(days=index // 8)
        start = datetime(day.year, day.month, day.day, 8 + index % 8, tzinfo=zone)
        appointment_create(
            by=recruiter, application=applications[index % 10], recruiter=recruiter,
            observers=[], kind="onsite", starts_at=start, ends_at=start + timedelta(hours=1),
            location="Hauptstraße 1, Berlin", title=f"Gespräch {index}",
        )  # fmt: skip
    client = Client()
    client.force_login(recruiter)
    return client.cookies["sessionid"].value


def wrk(url: str, cookie: str, connections: int, seconds: int) -> dict:
    script = _bench.BENCH / "wrk-report.lua"
    script.write_text(LUA)
    done = subprocess.run(  # noqa: S603, S607 - wrk from PATH, 127.0.0.1 only
        [shutil.which("wrk") or "wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
         "--timeout", "10s", "-s", str(script), "-H", f"Cookie: sessionid={cookie}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("{"))
    figures = json.loads(line)
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def measure(port: int, seconds: int, connections: list[int]) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    values = production_env(port)
    _bench.databases_reset(values)
    _bench.manage(values, "collectstatic", "--noinput")
    seed_values = _bench.env(port)  # seeding runs embedded (Celery eager); same databases
    _bench.django_setup(seed_values)
    cookie = seed(port)
    url = f"http://127.0.0.1:{port}/termine/"
    results = {"appointments": APPOINTMENTS, "seconds": seconds, "gunicorn": "3 sync workers",
               "runs": []}  # fmt: skip
    with _bench.gunicorn(values, port, workers=3, threads=1):
        page = requests.get(url, cookies={"sessionid": cookie}, timeout=10)
        assert page.status_code == 200 and "Seite 1 von 2" in page.text, page.status_code
        results["page_bytes"] = len(page.content)
        wrk(url, cookie, 10, 3)  # warm-up: connections, template cache, PostgreSQL cache
        for count in connections:
            results["runs"].append({"connections": count, **wrk(url, cookie, count, seconds)})
    return results


def rows(data: dict) -> list[list]:
    return [[r["connections"], r["requests"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"],
             r["non_2xx_3xx"] + r["socket_errors"]] for r in data["runs"]]  # fmt: skip


HEADERS = ["connections", "requests", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--port", type=int, default=8775)
    args = parser.parse_args()
    data = measure(args.port, args.seconds, args.connections)
    _bench.save("list_load", data)
    print(f"(e) GET /termine/ ({data['appointments']} appointments, {data['page_bytes']} bytes), "
          f"gunicorn {data['gunicorn']}, DEBUG=False, wrk {args.seconds} s per run")  # fmt: skip
    print(_bench.table(HEADERS, rows(data)))


if __name__ == "__main__":
    main()
