"""In a fresh process (as in runserver) the demo beat finds every scheduled task by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebms.settings")
django.setup()
from ebms.celery import app
from ebms.demo.beat import schedules_of
schedules_of(app)
missing = [e["task"] for e in app.conf.beat_schedule.values() if e["task"] not in app.tasks]
print("MISSING", missing)
"""


def test_every_scheduled_task_is_registered_in_a_fresh_web_process():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "MISSING []" in result.stdout
