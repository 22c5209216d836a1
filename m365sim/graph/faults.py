"""Fault injection for the simulated Graph (tests and the ops UI both use this API).

    from m365sim.graph import faults
    faults.inject(kind="throttle", mailbox="anna@muster.de", method="POST", remaining=1)
    faults.inject(kind="applied_then_failed", status=504, path_contains="/events")
    faults.clear()

Rules live in the database (FaultRule) so the ops UI of a running demo and the tests
share them; each rule draws from its own random generator seeded with `seed`.
"""

from __future__ import annotations

import contextlib
import random
import threading
from dataclasses import dataclass

from django.db import OperationalError
from django.db.models import F

from m365sim.models import FaultKind, FaultRule

__all__ = ["Fault", "FaultKind", "clear", "inject", "pick", "rules", "uses_left"]

_lock = threading.Lock()
_generators: dict[tuple[int, int], random.Random] = {}
# Uses per rule, counted in-process: `remaining` is a budget, not a DB counter.
_used: dict[tuple, int] = {}


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: float
    delay_ms: int
    status: int
    rule_id: int


def inject(
    *,
    kind: str,
    mailbox: str = "",
    method: str = "",
    path_contains: str = "",
    probability: float = 1.0,
    remaining: int | None = None,
    retry_after: float = 2,
    delay_ms: int = 0,
    status: int = 504,
    seed: int = 1,
) -> FaultRule:
    """Add an active rule; `kind` is a FaultKind value."""
    if kind not in FaultKind.values:
        raise ValueError(f"unknown fault kind {kind!r}")
    return FaultRule.objects.create(
        kind=kind,
        mailbox=mailbox.strip().lower(),
        method=method.strip().upper(),
        path_contains=path_contains,
        probability=probability,
        remaining=remaining,
        retry_after=retry_after,
        delay_ms=delay_ms,
        status=status,
        seed=seed,
    )


def clear() -> None:
    """Remove every rule."""
    FaultRule.objects.all().delete()
    with _lock:
        _generators.clear()
        _used.clear()


def rules() -> list[FaultRule]:
    return list(FaultRule.objects.all())


def uses_left(rule: FaultRule) -> int | None:
    """How often a limited rule still fires (None = unlimited)."""
    if rule.remaining is None:
        return None
    with _lock:
        return max(rule.remaining - _used.get((rule.pk, rule.created_at), 0), 0)


def _draw(rule: FaultRule) -> float:
    key = (rule.pk, rule.seed)
    with _lock:
        gen = _generators.get(key)
        if gen is None:
            gen = _generators[key] = random.Random(rule.seed)
        return gen.random()


def _claim(rule: FaultRule) -> bool:
    """Count one use of `rule` in-process (atomic under the lock); False when used up."""
    key = (rule.pk, rule.created_at)
    with _lock:
        used = _used.get(key, 0)
        if rule.remaining is not None and used >= rule.remaining:
            return False
        _used[key] = used + 1
        return True


def pick(*, mailbox: str, method: str, path: str) -> Fault | None:
    """The first active rule that matches and fires for this request (consumes one use)."""
    for rule in FaultRule.objects.filter(active=True):
        if rule.mailbox and rule.mailbox != (mailbox or "").lower():
            continue
        if rule.method and rule.method != method.upper():
            continue
        if rule.path_contains and rule.path_contains.lower() not in path.lower():
            continue
        if rule.probability < 1.0 and _draw(rule) >= rule.probability:
            continue
        if not _claim(rule):
            continue
        # Shown in the ops UI only; SQLite may be busy under concurrent requests.
        with contextlib.suppress(OperationalError):
            FaultRule.objects.filter(pk=rule.pk).update(hits=F("hits") + 1)
        return Fault(
            kind=rule.kind,
            retry_after=rule.retry_after,
            delay_ms=rule.delay_ms,
            status=rule.status,
            rule_id=rule.pk,
        )
    return None
