"""The request log of the simulated Graph: every call, batch sub-requests included.

    from m365sim.graph import log
    log.calls(mailbox="anna@muster.de", since=t0)   # oldest first
    log.clear()
"""

from __future__ import annotations

import logging
from datetime import datetime

from m365sim.models import RequestLogEntry

__all__ = ["calls", "clear", "record"]

logger = logging.getLogger(__name__)


def record(**fields) -> None:
    """Store one call; a failing log write must never fail the Graph answer."""
    try:
        RequestLogEntry.objects.create(**fields)
    except Exception:  # noqa: BLE001 - logging is best effort
        logger.exception("m365sim request log write failed")


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
