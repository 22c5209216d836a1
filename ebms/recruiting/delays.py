"""Work that waits for Redis: a request learns that its saved change goes out later.

A change is committed in the database first; waking the workers (Celery broker) and
refreshing the free/busy cache happen after the commit and may fail while Redis is down.
They report it here, and the page that made the change shows a notice instead of an
error: the beat sweeps send what is due once Redis is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_noted: ContextVar[list[str] | None] = ContextVar("recruiting_delays", default=None)


@contextmanager
def watching() -> Iterator[list[str]]:
    """Collect what was delayed while the block runs (its on-commit work included)."""
    token = _noted.set([])
    try:
        yield _noted.get()
    finally:
        _noted.reset(token)


def background_delayed(what: str) -> None:
    """Report that `what` (e.g. "broker", "cache") could not be reached after a commit."""
    noted = _noted.get()
    if noted is not None:
        noted.append(what)
