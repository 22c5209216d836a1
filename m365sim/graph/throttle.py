"""Outlook's per-mailbox concurrency limit: at most 4 requests in flight per app and mailbox.

A fifth concurrent request gets 429 "ApplicationThrottled" / "Application is over its
MailboxConcurrency limit." with Retry-After
(https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits;
https://learn.microsoft.com/graph/throttling). Counted in-process under a lock: the
threaded dev/live server runs requests concurrently, so the count is real.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from .errors import GraphError

MAX_CONCURRENT = 4
RETRY_AFTER_SECONDS = "1"

_lock = threading.Lock()
_in_flight: dict[str, int] = {}


def in_flight(mailbox: str) -> int:
    with _lock:
        return _in_flight.get(mailbox.lower(), 0)


@contextmanager
def slot(mailbox: str):
    """Hold one of the mailbox's concurrency slots, or raise 429."""
    key = mailbox.lower()
    with _lock:
        if _in_flight.get(key, 0) >= MAX_CONCURRENT:
            raise GraphError(
                429,
                "ApplicationThrottled",
                "Application is over its MailboxConcurrency limit.",
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            )
        _in_flight[key] = _in_flight.get(key, 0) + 1
    try:
        yield
    finally:
        with _lock:
            _in_flight[key] -= 1
            if not _in_flight[key]:
                del _in_flight[key]
