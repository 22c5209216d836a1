"""The processes of a chaos run: a private Redis, the simulator server, Celery workers.

Every process is started here and ended here by its own pid (never by name).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "var" / "chaos"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def wait_port(port: int, *, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args!r} ended with {proc.returncode}")
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def _log(name: str):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    return open(LOG_DIR / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process


def descendants(pid: int) -> list[int]:
    """Child processes (a prefork pool) of `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found + [grandchild for child in found for grandchild in descendants(child)]


def kill_hard(proc: subprocess.Popen) -> None:
    """SIGKILL a process and its children: nobody cleans up or acknowledges anything."""
    for pid in [*descendants(proc.pid), proc.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


def stop(proc: subprocess.Popen | None, *, timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after `timeout` (children included)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_hard(proc)


class Redis:
    """A private redis-server (no persistence): stopping it loses every queued message."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        cmd += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.proc = subprocess.Popen(  # noqa: S603
            cmd, stdout=_log("redis"), stderr=subprocess.STDOUT
        )
        wait_port(self.port, proc=self.proc)

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None


class Simulator:
    """`manage.py runserver --noreload` serving the simulator (threaded, like Django's)."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = env
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, env=self.env, stdout=_log("simulator"), stderr=subprocess.STDOUT
        )
        wait_port(self.port, timeout=60, proc=self.proc)

    def stop(self) -> None:
        stop(self.proc)


class Workers:
    """Several `celery worker` processes (prefork); one can be SIGKILLed and replaced."""

    def __init__(self, env: dict[str, str], *, count: int, concurrency: int) -> None:
        self.env = env
        self.concurrency = concurrency
        self.procs: dict[str, subprocess.Popen] = {}
        self._serial = 0
        for _ in range(count):
            self.start_one()

    def start_one(self) -> str:
        self._serial += 1
        name = f"chaos{self._serial}"
        cmd = [sys.executable, "-m", "celery", "-A", "ebms", "worker", "--pool=prefork"]
        cmd += [f"--concurrency={self.concurrency}", f"--hostname={name}@%h"]
        cmd += ["--without-mingle", "--without-gossip", "--loglevel=WARNING"]
        self.procs[name] = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, env=self.env, stdout=_log(name), stderr=subprocess.STDOUT
        )
        return name

    def pids(self, name: str) -> set[int]:
        proc = self.procs[name]
        return {proc.pid, *descendants(proc.pid)}

    def owner_of(self, pid: int) -> str | None:
        for name in self.procs:
            if pid in self.pids(name):
                return name
        return None

    def kill(self, name: str) -> None:
        kill_hard(self.procs.pop(name))

    def revive(self) -> list[str]:
        """What a supervisor does (compose: restart unless-stopped): replace exited workers.

        Needed because a broker outage can end a worker: kombu's restore of unacknowledged
        messages on the lost connection raises AttributeError ("Unrecoverable error").
        """
        gone = [name for name, proc in self.procs.items() if proc.poll() is not None]
        for name in gone:
            self.procs.pop(name)
            self.start_one()
        return gone

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            stop(proc)
        self.procs.clear()
