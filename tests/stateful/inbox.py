"""A broker stand-in for the stateful test: the sync's wake-ups land here (the test sets
`calendar_integration.sync.outbox.dispatch` to `capture`) instead of running at once, so the test delivers them when it
wants: late, twice, or out of order. A wake-up is only (task name, id), as on the wire."""

from __future__ import annotations

MESSAGES: list[tuple[str, int]] = []

__all__ = ["MESSAGES", "capture"]


def capture(task_name: str, arg: int) -> None:
    """`outbox.dispatch` stand-in: queue the message instead of publishing it."""
    MESSAGES.append((task_name, arg))
