"""Microsoft's per-mailbox limits (applied by the Graph client to every call): at most 4 requests in flight (across all workers), and a
pause after 429/503 with Retry-After that holds back only that mailbox.

The slots live in the Django cache (Redis in production: `add` is an atomic SET NX with an
expiry), so a killed worker frees its slot when the expiry passes. The pause lives in the
database (MailboxPause) because it must outlive Redis and steer the sweep.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from ..models import MailboxPause
from .errors import Transient

logger = logging.getLogger(__name__)

MAX_IN_FLIGHT = 4  # https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
# Longer than one request may take (MicrosoftSession read timeout 30 s + connect 5 s).
SLOT_TTL_SECONDS = 90
SLOT_WAIT_SECONDS = 15.0

__all__ = [
    "MAX_IN_FLIGHT",
    "MailboxBusy",
    "mailbox_pause",
    "mailbox_pause_active",
    "mailbox_paused_until",
    "mailbox_slot",
    "mailbox_slots",
]


class MailboxBusy(Transient):
    """All slots of the mailbox stayed taken: try again a little later."""

    def __init__(self, connection_id: int) -> None:
        super().__init__(f"mailbox {connection_id} busy", code="MailboxBusy")


def _key(connection_id: int, index: int) -> str:
    return f"calsync:slot:{connection_id}:{index}"


@contextmanager
def mailbox_slot(connection_id: int, *, wait: float = SLOT_WAIT_SECONDS) -> Iterator[None]:
    """Hold one of the mailbox's MAX_IN_FLIGHT slots for one Graph request."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    held: str | None = None
    try:
        while held is None:
            for index in random.sample(range(MAX_IN_FLIGHT), MAX_IN_FLIGHT):
                if cache.add(_key(connection_id, index), token, SLOT_TTL_SECONDS):
                    held = _key(connection_id, index)
                    break
            else:
                if time.monotonic() >= deadline:
                    raise MailboxBusy(connection_id)
                time.sleep(0.05 + random.random() * 0.1)  # noqa: S311 - jitter, not security
    except MailboxBusy:
        raise
    except Exception as exc:  # noqa: BLE001 - the cache (Redis) is down
        # Degrade, never fail: without the cache the cap cannot be counted; the request goes
        # out uncapped (Microsoft's own 429 MailboxConcurrency is handled like any throttle).
        logger.warning("mailbox %s: cap not applied, cache unreachable (%s)", connection_id, exc)
    try:
        yield
    finally:
        # Only our own slot: after an expiry another worker may hold this key now.
        with contextlib.suppress(Exception):
            if held is not None and cache.get(held) == token:
                cache.delete(held)


@contextmanager
def mailbox_slots(connection_id: int, count: int = 1) -> Iterator[None]:
    """Hold `count` slots (a $batch: Graph runs up to 4 of its items in parallel)."""
    with ExitStack() as stack:
        for _ in range(max(1, min(count, MAX_IN_FLIGHT))):
            stack.enter_context(mailbox_slot(connection_id))
        yield


def mailbox_pause_active(connection_id: int, *, now: datetime | None = None) -> MailboxPause | None:
    """The running Retry-After pause of the mailbox (its end and Microsoft's code), if any."""
    now = now or timezone.now()
    return MailboxPause.objects.filter(connection_id=connection_id, until__gt=now).first()


def mailbox_paused_until(connection_id: int, *, now: datetime | None = None) -> datetime | None:
    """When Microsoft's Retry-After for this mailbox ends (None when not paused)."""
    pause = mailbox_pause_active(connection_id, now=now)
    return pause.until if pause else None


def mailbox_pause(connection_id: int, *, seconds: float, code: str) -> datetime:
    """Remember Retry-After for the mailbox (never shortening a longer pause)."""
    until = timezone.now() + timedelta(seconds=max(seconds, 1.0))
    pause, created = MailboxPause.objects.get_or_create(
        connection_id=connection_id, defaults={"until": until, "code": code[:100]}
    )
    if not created and pause.until < until:
        MailboxPause.objects.filter(pk=pause.pk, until__lt=until).update(
            until=until, code=code[:100]
        )
    return max(until, pause.until)
