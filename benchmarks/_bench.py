"""Shared plumbing of the benchmark scripts (not a test helper, not product code).

Every script owns a run: it recreates the PostgreSQL databases `ebms_bench` and
`ebms_bench_m365sim` (dropped first), flushes Redis db 14, starts gunicorn serving EBMS and the
simulator, and then configures Django in its own process against the same databases, so the
script can plan appointments through recruiting's services and read the simulator's request
log. Results go to var/bench/results/<name>.json; benchmarks/report.py writes them into
docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
RESULTS = BENCH / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB, SIM_DB = "ebms_bench", "ebms_bench_m365sim"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
PSQL = shutil.which("psql") or "/usr/bin/psql"
SCOPES = ["User.Read", "Calendars.ReadWrite", "Place.Read.All", "openid", "profile",
          "offline_access"]  # fmt: skip


def env(port: int, *, redis: bool = False, **extra: str) -> dict[str, str]:
    """Environment of every process of a run (server, workers, this script)."""
    values = dict(os.environ)
    site = f"http://127.0.0.1:{port}"
    values.update(
        {
            "DJANGO_SETTINGS_MODULE": "ebms.settings",
            "DATABASE_URL": f"{PG}/{DB}",
            "M365SIM_DATABASE_URL": f"{PG}/{SIM_DB}",
            "SITE_URL": site,
            "M365_SIMULATOR_URL": f"{site}/m365",
            "M365_REDIRECT_URI": f"{site}/kalender/verbinden/callback/",
            "SECRET_KEY": SECRET,
            "LOG_LEVEL": "WARNING",
        }
    )
    values.update(extra)
    values.pop("REDIS_URL", None)
    if redis:
        values["REDIS_URL"] = REDIS
    return values


def _psql(*sql: str) -> None:
    args = [PSQL, f"{PG}/postgres", "-qX", "-v", "ON_ERROR_STOP=1"]
    for statement in sql:
        args += ["-c", statement]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def databases_reset(values: dict[str, str]) -> None:
    """Drop, create and migrate both bench databases; flush Redis db 14."""
    for name in (DB, SIM_DB):
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    manage(values, "migrate", "--noinput")
    manage(values, "migrate", "--noinput", "--database", "m365sim")
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def manage(values: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=values, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


@contextmanager
def gunicorn(values: dict[str, str], port: int, *, workers: int = 1, threads: int = 8):
    """gunicorn serving EBMS + the simulator. One process by default: the simulator counts
    its per-mailbox concurrency (4 in flight) in-process, threads serve requests in parallel.
    threads=1: gunicorn's sync workers (the Dockerfile's production setting)."""
    BENCH.mkdir(parents=True, exist_ok=True)
    log = (BENCH / f"gunicorn-{port}.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "ebms.wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", str(workers),
         *(["-k", "gthread", "--threads", str(threads)] if threads > 1 else ["-k", "sync"]),
         "--timeout", "120"],
        cwd=ROOT, env=values, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def django_setup(values: dict[str, str]) -> None:
    """Configure Django in this process with the run's environment."""
    os.environ.clear()
    os.environ.update(values)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def tenant_connected(port: int, *, observers: int = 0):
    """Seed the simulator tenant, EBMS company + recruiter, connect through the real sign-in.

    Returns (m365 harness, company, recruiter, [observer users], journey)."""
    from calendar_integration.tests.conftest import connect
    from ebms.accounts.models import Company, Role, User
    from ebms.accounts.services import booking_activate
    from m365sim.tests.harness import build

    m365 = build(f"http://127.0.0.1:{port}")
    m365.grant_admin_consent(SCOPES)
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
            first_name=f"Kollege{i}",
        ))  # fmt: skip
    journey = connect(m365, recruiter, email=m365.recruiter.email, rooms=True)
    recruiter.refresh_from_db()
    assert recruiter.microsoft_connection.is_usable, "the recruiter did not connect"
    return m365, company, recruiter, people, journey


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    # Other work on the machine shows here (the 1/5/15-minute load average at the end).
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    data = {"measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg": load, **data}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path


def table(headers: list[str], rows: list[list]) -> str:
    """A markdown table (also what the scripts print)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """CPU, cores, Python, PostgreSQL, Redis, OS of this machine."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pg = subprocess.run(  # noqa: S603, S607 - psql from PATH
        [PSQL, f"{PG}/postgres", "-tAXc", "SHOW server_version"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    import redis

    info = redis.Redis.from_url(REDIS).info("server")
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
        "redis": info.get("redis_version", "?"),
    }
