"""Start and stop real Celery worker processes against the test databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]


def _url(alias: str) -> str:
    db = connections[alias].settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def worker_env() -> dict[str, str]:
    """The environment of a worker that sees the test databases."""
    env = dict(os.environ)
    env["DATABASE_URL"] = _url("default")
    if "m365sim" in connections.databases:
        env["M365SIM_DATABASE_URL"] = _url("m365sim")
    env["REDIS_URL"] = settings.REDIS_URL
    env["SITE_URL"] = settings.SITE_URL
    env["M365_SIMULATOR_URL"] = settings.M365_SIMULATOR_URL
    return env


@contextmanager
def celery_worker(concurrency: int = 1, name: str = "w1"):
    """A `celery worker` subprocess; yields the Popen; SIGTERM and wait on exit."""
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "ebms",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        f"--hostname={name}@%h",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",
    ]
    proc = subprocess.Popen(  # noqa: S603
        cmd, cwd=ROOT, env=worker_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.2) -> bool:
    """Poll `predicate` until true or `timeout` seconds passed; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
