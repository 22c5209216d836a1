"""Celery tasks (thin): the daily token keep-alive. Never pass tokens as arguments."""

from __future__ import annotations

import logging

from celery import shared_task

from .availability.tasks import *  # noqa: F403  (Celery autodiscovers this module only)
from .connection.lifecycle import auth_flows_purge, connections_keep_alive
from .sync.tasks import *  # noqa: F403

logger = logging.getLogger(__name__)


@shared_task(name="calendar_integration.tasks.tokens_keep_alive")
def tokens_keep_alive() -> dict[str, int]:
    """Daily: refresh tokens unused for 30 days (Microsoft expires them after 90 idle days)."""
    result = connections_keep_alive()
    if result.failed:
        logger.warning("token keep-alive: %d connection(s) could not be refreshed", result.failed)
    purged = auth_flows_purge()
    return {"refreshed": result.refreshed, "failed": result.failed, "flows_purged": purged}
