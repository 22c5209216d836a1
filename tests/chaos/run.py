"""Chaos convergence run: python -m tests.chaos.run --ops 1000 --recruiters 50 --seed 1 ...

Real PostgreSQL, a private Redis (broker + cache), several Celery workers and the simulator
served over HTTP by its own `runserver`; the simulator injects faults, a worker is SIGKILLed
mid-call, Redis is stopped and started empty. Then faults stop, the outbox drains, one sweep
runs, and the oracle prints ONE JSON line. Exit 1 on any lost/duplicated/stale/orphaned event,
any lost or duplicated candidate e-mail, or more than 4 requests in flight for a mailbox.
See docs/chaos.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from . import procs

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ebms"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.chaos.run", description=__doc__)
    p.add_argument("--ops", type=int, default=1000)
    p.add_argument("--recruiters", type=int, default=50)
    p.add_argument("--appointments", type=int, default=300, help="at most this many creates")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kills", type=int, default=2)
    p.add_argument("--redis-outage", type=float, default=30.0, help="seconds; 0 = none")
    p.add_argument("--fault-rate", type=float, default=0.2)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--beat", type=float, default=5.0, help="seconds between sweeps")
    p.add_argument("--max-wait", type=float, default=5.0,
                   help="stored waits (backoff) longer than this are shortened (time lapse)")  # fmt: skip
    p.add_argument("--converge-timeout", type=float, default=300.0)
    p.add_argument("--database-url", default="",
                   help="use these (migrated, empty) databases instead of fresh ebms_chaos*")  # fmt: skip
    p.add_argument("--m365sim-database-url", default="")
    return p.parse_args(argv)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _fresh_databases(base: str) -> tuple[str, str]:
    """Drop and create ebms_chaos and ebms_chaos_m365sim on the server of DATABASE_URL."""
    import psycopg2

    parts = urlsplit(base)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres",
    )  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cur:
        for name in ("ebms_chaos", "ebms_chaos_m365sim"):
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return _with_db(base, "ebms_chaos"), _with_db(base, "ebms_chaos_m365sim")


def environment(args, redis: procs.Redis, sim_port: int) -> tuple[dict, bool]:
    fresh = not args.database_url
    if fresh:
        db, sim_db = _fresh_databases(os.environ.get("DATABASE_URL") or DEFAULT_DB)
    else:
        db, sim_db = args.database_url, args.m365sim_database_url
    site = f"http://127.0.0.1:{sim_port}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.chaos.settings",
        "DATABASE_URL": db,
        "M365SIM_DATABASE_URL": sim_db,
        "REDIS_URL": redis.url,
        "SITE_URL": site,
        "M365_SIMULATOR_URL": f"{site}/m365",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    return env, fresh


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    redis = procs.Redis()
    sim_port = procs.free_port()
    env, fresh = environment(args, redis, sim_port)
    os.environ.update(env)
    redis.start()
    simulator = workers = None
    try:
        import django

        django.setup()
        if fresh:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            call_command("migrate", database="m365sim", verbosity=0)
        # One runserver serves the simulator and EBMS's notification endpoint (SITE_URL).
        # EBMS's side needs our Redis as in production: its delta pulls go to the workers
        # and share their per-mailbox cap (without it they ran eagerly in this process,
        # counted against a local cache: a fifth call in flight, seen in CI). The
        # simulator's code uses neither cache nor broker, so the outage does not reach it.
        simulator = procs.Simulator(env, sim_port)
        simulator.start()
        from .chaos import Chaos

        chaos = Chaos(args, redis=redis, env=env)
        workers = chaos.start_workers()
        result = chaos.run()
        result["setup_and_run_s"] = round(time.monotonic() - started, 1)
    finally:
        if workers is not None:
            workers.stop()
        if simulator is not None:
            simulator.stop()
        redis.stop()
    print(json.dumps(result, sort_keys=False), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
