"""A broker stand-in for the stateful test: the sync's wake-ups land here (via the
CALENDAR_SYNC_DISPATCH setting) instead of running at once, so the test delivers them when it
wants: late, twice, or out of order. A wake-up is only (task name, id), as on the wire."""

from __future__ import annotations

MESSAGES: list[tuple[str, int]] = []

__all__ = ["MESSAGES", "capture"]


def capture(*, task, arg: int) -> None:
    """`outbox._send` hook: queue the message instead of publishing it."""
    MESSAGES.append((task.name, arg))
