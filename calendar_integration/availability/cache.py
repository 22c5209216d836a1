"""The brief free/busy cache: one entry per company, window and address.

Every key carries the company's *generation*; EBMS bumps it whenever it books, moves or
cancels an appointment of that company, so a stale picture is never reused after our own
change (the Django cache: local memory by default, Redis in production).
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

__all__ = [
    "CacheDown",
    "cache_ttl",
    "entries_get",
    "entries_put",
    "generation",
    "generation_bump",
]

PREFIX = "ci:avail"
logger = logging.getLogger(__name__)


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


def generation_bump(company_id: int) -> bool:
    """Make every cached free/busy answer of the company stale; False if the cache is down.

    A cache that is down holds nothing to invalidate; entries written before the outage
    expire within `cache_ttl()`.
    """
    try:
        try:
            cache.incr(_gen_key(company_id))
        except ValueError:  # not there (evicted or never used): any fresh value will do
            cache.set(_gen_key(company_id), time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - Redis down: the booking is saved, the bump is best effort
        logger.warning(
            "free/busy cache unreachable: generation of company %s not bumped", company_id
        )
        return False
    return True


def _key(company_id: int, gen: int, start: datetime, end: datetime, address: str) -> str:
    digest = hashlib.sha1(address.lower().encode(), usedforsecurity=False).hexdigest()[:20]
    return f"{PREFIX}:{company_id}:{gen}:{start:%Y%m%d%H%M}:{end:%Y%m%d%H%M}:{digest}"


class CacheDown(Exception):
    """The cache (Redis) cannot be reached."""


def entries_get(
    *, company_id: int, start: datetime, end: datetime, addresses: list[str]
) -> tuple[int, dict[str, dict]]:
    """The generation read, and the cached results by address (only the ones present).

    Raises CacheDown when the cache is unreachable.
    """
    try:
        gen = generation(company_id)
        keys = {_key(company_id, gen, start, end, a): a for a in addresses}
        return gen, {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
    except Exception as exc:  # noqa: BLE001 - any backend's connection error
        raise CacheDown(str(exc)) from exc


def entries_put(
    *, company_id: int, gen: int, start: datetime, end: datetime, results: dict[str, dict]
) -> None:
    """Store under the generation read BEFORE fetching: a booking meanwhile has bumped it,
    so a possibly stale answer is never served."""
    try:
        cache.set_many(
            {_key(company_id, gen, start, end, a): r for a, r in results.items()},
            timeout=cache_ttl(),
        )
    except Exception:  # noqa: BLE001 - Redis gone meanwhile: the answer is just not kept
        logger.warning("free/busy cache unreachable: answer of company %s not kept", company_id)
