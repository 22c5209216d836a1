"""In-process beat for `make demo`: runs the Celery beat schedule eagerly in a thread.

The demo has no Redis, no worker and no `celery beat`; tasks run eagerly in the web
process. Without this thread the periodic jobs (sync and candidate-mail sweeps, drift
check, proposal expiry, room list, token keep-alive, the GDPR retention job) would never run
in the demo, and work parked while the feature was off would never resume. Production uses
`celery beat`.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from django.db import close_old_connections

logger = logging.getLogger(__name__)
TICK_SECONDS = 15


def wanted() -> bool:
    """Only when asked for (EBMS_DEMO_BEAT=1), eager, and in the serving process."""
    from django.conf import settings

    if os.environ.get("EBMS_DEMO_BEAT") != "1" or not settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    # runserver's autoreloader starts the app twice; only the child (RUN_MAIN) serves.
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv


def schedules_of(app) -> dict:
    """The beat schedule's entries as Celery schedule objects (numbers are seconds).

    Also imports every app's tasks module: a web process registers tasks lazily, and the
    beat must find each task by name as a worker would.
    """
    from celery.schedules import schedule as every

    app.loader.import_default_modules()

    return {
        name: entry["schedule"]
        if hasattr(entry["schedule"], "is_due")
        else every(entry["schedule"], app=app)
        for name, entry in app.conf.beat_schedule.items()
    }


def tick(app, schedules: dict, last_run: dict) -> list[str]:
    """Run every job that is due (each job once on the first tick); names of those run."""
    ran = []
    for name, entry in app.conf.beat_schedule.items():
        schedule = schedules[name]
        if name in last_run and not schedule.is_due(last_run[name]).is_due:
            continue
        last_run[name] = schedule.now()
        ran.append(name)
        try:
            app.tasks[entry["task"]].apply()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            logger.exception("demo beat: %s failed", entry["task"])
        finally:
            close_old_connections()
    return ran


def _run_forever() -> None:
    from ebms.celery import app

    schedules, last_run = schedules_of(app), {}
    while True:
        time.sleep(TICK_SECONDS)
        tick(app, schedules, last_run)


def start() -> None:
    if wanted():
        threading.Thread(target=_run_forever, name="demo-beat", daemon=True).start()
        logger.info("demo beat started: periodic jobs run every %s s when due", TICK_SECONDS)
        if simulator_delivery_start():
            logger.info("demo: the simulator delivers change notifications in a thread")


def simulator_delivery_start() -> bool:
    """Start the delivery thread of the simulator served by this process (issue 13), so
    notifications queued before a restart, delayed ones and retries go out without waiting
    for the next change; True when started. Off where M365SIM_DELIVERY_THREAD is False
    (tests drain synchronously) or the simulator is not installed."""
    from django.apps import apps

    if not apps.is_installed("m365sim"):
        return False
    from m365sim.graph import delivery

    if not delivery.thread_enabled():
        return False
    delivery.start_thread()
    return True
