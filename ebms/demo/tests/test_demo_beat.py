"""The demo's in-process beat runs the real beat schedule's jobs when they are due."""

from __future__ import annotations

import pytest

from ebms.celery import app
from ebms.demo import beat

pytestmark = pytest.mark.django_db(databases="__all__")


def test_every_job_runs_on_the_first_tick_and_then_only_when_due():
    schedules, last_run = beat.schedules_of(app), {}
    assert sorted(beat.tick(app, schedules, last_run)) == sorted(app.conf.beat_schedule)
    assert beat.tick(app, schedules, last_run) == []  # nothing is due a moment later


def test_the_beat_thread_only_starts_when_asked_for(monkeypatch):
    monkeypatch.delenv("EBMS_DEMO_BEAT", raising=False)
    assert beat.wanted() is False
    monkeypatch.setenv("EBMS_DEMO_BEAT", "1")
    monkeypatch.setenv("RUN_MAIN", "true")
    assert beat.wanted() is True


def test_the_simulators_delivery_thread_stays_off_where_tests_drain(settings):
    settings.M365SIM_DELIVERY_THREAD = False
    assert beat.simulator_delivery_start() is False


def test_the_demo_starts_the_simulators_delivery_thread(settings):
    from m365sim.graph import delivery

    settings.M365SIM_DELIVERY_THREAD = True
    try:
        assert beat.simulator_delivery_start() is True
        assert delivery.start_thread().is_alive()  # idempotent: the same running thread
    finally:
        delivery.stop_thread()
