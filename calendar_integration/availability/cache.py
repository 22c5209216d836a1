"""The brief free/busy cache: one entry per company, window and address.

Every key carries the company's *generation*; EBMS bumps it whenever it books, moves or
cancels an appointment of that company, so a stale picture is never reused after our own
change (the Django cache: local memory by default, Redis in production).
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

__all__ = ["cache_ttl", "entries_get", "entries_put", "generation", "generation_bump"]

PREFIX = "ci:avail"


def cache_ttl() -> int:
    """Seconds a free/busy answer stays fresh (settings.AVAILABILITY_CACHE_SECONDS, 180)."""
    return int(getattr(settings, "AVAILABILITY_CACHE_SECONDS", 180))


def _gen_key(company_id: int) -> str:
    return f"{PREFIX}:gen:{company_id}"


def generation(company_id: int) -> int:
    """The company's current generation (created on first use)."""
    value = cache.get(_gen_key(company_id))
    if value is None:
        # A time-based start: an evicted counter never falls back onto an old generation.
        cache.add(_gen_key(company_id), time.time_ns(), timeout=None)
        value = cache.get(_gen_key(company_id))
    return int(value)


def generation_bump(company_id: int) -> None:
    """Make every cached free/busy answer of the company stale."""
    try:
        cache.incr(_gen_key(company_id))
    except ValueError:  # not there (evicted or never used): any fresh value will do
        cache.set(_gen_key(company_id), time.time_ns(), timeout=None)


def _key(company_id: int, gen: int, start: datetime, end: datetime, address: str) -> str:
    digest = hashlib.sha1(address.lower().encode(), usedforsecurity=False).hexdigest()[:20]
    return f"{PREFIX}:{company_id}:{gen}:{start:%Y%m%d%H%M}:{end:%Y%m%d%H%M}:{digest}"


def entries_get(
    *, company_id: int, start: datetime, end: datetime, addresses: list[str]
) -> tuple[int, dict[str, dict]]:
    """The generation read, and the cached results by address (only the ones present)."""
    gen = generation(company_id)
    keys = {_key(company_id, gen, start, end, a): a for a in addresses}
    return gen, {keys[k]: v for k, v in cache.get_many(list(keys)).items()}


def entries_put(
    *, company_id: int, gen: int, start: datetime, end: datetime, results: dict[str, dict]
) -> None:
    """Store under the generation read BEFORE fetching: a booking meanwhile has bumped it,
    so a possibly stale answer is never served."""
    cache.set_many(
        {_key(company_id, gen, start, end, a): r for a, r in results.items()}, timeout=cache_ttl()
    )
