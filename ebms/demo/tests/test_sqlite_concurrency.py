"""The demo's SQLite (a file) takes concurrent reads and writes without "database is locked":
WAL, a busy timeout and IMMEDIATE transactions (issue 14, 21)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

THREADS = 8
ROUNDS = 25


def _settings_for(path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": settings.SQLITE_OPTIONS,
        "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {},
    }  # fmt: skip


@pytest.fixture
def own_database(django_db_blocker):
    """These tests open a database file of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_the_demo_database_runs_in_wal_mode(tmp_path, own_database):
    wrapper = DatabaseWrapper(_settings_for(tmp_path / "demo.sqlite3"), "wal_mode")
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000
    wrapper.close()


def test_readers_that_write_at_the_same_time_never_see_a_locked_database(tmp_path, own_database):
    """Each thread is a request: it reads (the picker) and then writes (a form's save) in
    one transaction, all threads released at once, many rounds."""
    db_settings = _settings_for(tmp_path / "demo.sqlite3")
    setup = DatabaseWrapper(db_settings, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE booking (id INTEGER PRIMARY KEY, n INTEGER)")
    setup.close()
    start = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def request_like(number: int) -> None:
        alias = f"concurrent_{number}"
        connections[alias] = DatabaseWrapper(db_settings, alias)
        try:
            start.wait()
            for round_ in range(ROUNDS):
                with transaction.atomic(using=alias):
                    cursor = connections[alias].cursor()
                    cursor.execute("SELECT count(*) FROM booking")
                    seen = cursor.fetchone()[0]
                    cursor.execute("INSERT INTO booking (n) VALUES (%s)", [seen + round_])
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)
        finally:
            connections[alias].close()

    workers = [threading.Thread(target=request_like, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    check = DatabaseWrapper(db_settings, "check")
    with check.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM booking")
        assert cursor.fetchone()[0] == THREADS * ROUNDS
    check.close()
