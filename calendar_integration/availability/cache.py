"""The brief free/busy cache: one entry per company, window and address.

Every key carries the company's *generation*; EBMS bumps it whenever it books, moves or
cancels an appointment of that company, so a stale picture is never reused after our own
change (the Django cache: local memory by default, Redis in production). Each key also
carries its address's own generation: a change notification from a recruiter's mailbox
(sync/push.py) makes only his row stale, others' rows keep their TTL.
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
    "address_bump",
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


def _digest(address: str) -> str:
    return hashlib.sha1(address.lower().encode(), usedforsecurity=False).hexdigest()[:20]


def _address_gen_key(company_id: int, address: str) -> str:
    return f"{PREFIX}:agen:{company_id}:{_digest(address)}"


def _address_gens(company_id: int, addresses: list[str]) -> dict[str, int]:
    keys = {_address_gen_key(company_id, a): a for a in addresses}
    found = cache.get_many(list(keys))
    return {a: int(found.get(k, 0)) for k, a in keys.items()}


def address_bump(*, company_id: int, addresses: list[str]) -> None:
    """Make the cached answers of these addresses stale (their mailbox changed in Outlook)."""
    try:
        for address in {a.lower() for a in addresses if a}:
            key = _address_gen_key(company_id, address)
            if not cache.add(key, 1, timeout=None):
                cache.incr(key)
    except Exception:  # noqa: BLE001 - cache down: nothing cached to invalidate
        logger.warning("free/busy cache unreachable: rows of company %s not bumped", company_id)


def _key(
    company_id: int, gen: int, start: datetime, end: datetime, address: str, agen: int = 0
) -> str:
    return (
        f"{PREFIX}:{company_id}:{gen}:{start:%Y%m%d%H%M}:{end:%Y%m%d%H%M}:{_digest(address)}:{agen}"
    )


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
        agens = _address_gens(company_id, addresses)
        keys = {_key(company_id, gen, start, end, a, agens[a]): a for a in addresses}
        return gen, {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
    except Exception as exc:  # noqa: BLE001 - any backend's connection error
        raise CacheDown(str(exc)) from exc


def entries_put(
    *, company_id: int, gen: int, start: datetime, end: datetime, results: dict[str, dict]
) -> None:
    """Store under the generation read BEFORE fetching: a booking meanwhile has bumped it,
    so a possibly stale answer is never served."""
    try:
        # Address generations read now: a notification meanwhile leaves at most this one
        # answer stale for its TTL (the company generation guards EBMS's own bookings).
        agens = _address_gens(company_id, list(results))
        cache.set_many(
            {_key(company_id, gen, start, end, a, agens[a]): r for a, r in results.items()},
            timeout=cache_ttl(),
        )
    except Exception:  # noqa: BLE001 - Redis gone meanwhile: the answer is just not kept
        logger.warning("free/busy cache unreachable: answer of company %s not kept", company_id)
