"""The request log of the simulated Graph: every call, batch sub-requests included.

from m365sim.graph import log
log.calls(mailbox="anna@muster.de", since=t0)   # oldest first
log.clear()
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from django.db import OperationalError

from m365sim.models import RequestLogEntry

__all__ = ["calls", "clear", "record"]

logger = logging.getLogger(__name__)


def record(**fields) -> None:
    """Store one call; a failing log write must never fail the Graph answer."""
    for attempt in range(5):
        try:
            RequestLogEntry.objects.create(**fields)
            return
        except OperationalError:  # SQLite busy under concurrent requests: try again
            time.sleep(0.02 * (attempt + 1))
        except Exception:  # noqa: BLE001 - logging is best effort
            break
    logger.warning(
        "m365sim request log write failed for %s %s", fields.get("method"), fields.get("path")
    )


def calls(
    *, mailbox: str | None = None, since: datetime | None = None, path_contains: str = ""
) -> list[RequestLogEntry]:
    """Logged calls, oldest first, optionally for one mailbox / after `since`."""
    qs = RequestLogEntry.objects.order_by("at", "pk")
    if mailbox:
        qs = qs.filter(mailbox__iexact=mailbox)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if path_contains:
        qs = qs.filter(path__icontains=path_contains)
    return list(qs)


def clear() -> None:
    RequestLogEntry.objects.all().delete()
