"""Celery app: late acks, redelivery on worker loss, beat schedule in code."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebms.settings")

app = Celery("ebms")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.on_after_finalize.connect
def _configure(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    # Redis redelivers unacknowledged messages after the visibility timeout; keep it one
    # value for broker and result backend so redelivery timing is predictable.
    options = {"visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT}
    sender.conf.broker_transport_options = options
    sender.conf.result_backend_transport_options = options


app.conf.beat_schedule = {
    "send-due-candidate-mails": {
        "task": "ebms.recruiting.tasks.candidate_mails_sweep",
        "schedule": 60.0,
    },
    "sync-outlook-events": {
        "task": "calendar_integration.sync.tasks.sync_sweep",
        "schedule": 60.0,
    },
    # Subscriptions: create, renew, drop (and the due pulls, as below).
    "outlook-changes": {
        "task": "calendar_integration.sync.tasks.outlook_changes",
        "schedule": 300.0,
    },
    # The per-mailbox delta pull when due: the hourly safety net with notifications on, the
    # poll every M365_POLL_MINUTES with them off. Every minute, so a 5-minute poll is 5
    # minutes (sync/push.py BEAT_TICK), not the next 5-minute tick after it.
    "outlook-pulls": {
        "task": "calendar_integration.sync.tasks.outlook_pulls",
        "schedule": 60.0,
    },
    "refresh-idle-microsoft-tokens": {
        "task": "calendar_integration.tasks.tokens_keep_alive",
        "schedule": crontab(hour=3, minute=17),
    },
    "refresh-room-lists": {
        "task": "calendar_integration.availability.tasks.rooms_refresh_daily",
        "schedule": crontab(hour=4, minute=20),
    },
    "anonymise-candidates-after-retention": {
        "task": "ebms.recruiting.tasks.candidates_retention",
        "schedule": crontab(hour=2, minute=40),
    },
    "expire-proposals": {
        "task": "ebms.recruiting.tasks.proposals_expire",
        "schedule": crontab(minute="*/15"),
    },
    "forget-form-submissions": {
        "task": "ebms.accounts.tasks.submissions_forget",
        "schedule": crontab(hour=2, minute=43),
    },
}
app.autodiscover_tasks()
