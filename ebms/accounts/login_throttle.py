"""Login throttling: after too many failed attempts for an e-mail address or from one
client address, further attempts are refused for a while (counted in the cache).

While the cache (Redis) is down, this process counts on its own: an outage weakens the
throttle to a per-process count for its duration, it never becomes an error page.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
logger = logging.getLogger(__name__)


class _LocalCounts:
    """Failure counts of this process, each expiring WINDOW_SECONDS after its first failure."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def get_many(self, keys: list[str]) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            found = {k: self._counts[k] for k in keys if k in self._counts}
            return {k: count for k, (count, until) in found.items() if until > now}

    def incr(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:  # bounded: forget the expired ones
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, until = self._counts.get(key, (0, 0.0))
            if until <= now:
                count, until = 0, now + WINDOW_SECONDS
            self._counts[key] = (count + 1, until)

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


_local = _LocalCounts()


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the header it sets.

    Behind a proxy every request comes from the proxy's address; counting that would let
    five failures anywhere lock out everyone. CLIENT_IP_HEADER names the proxy's header
    (e.g. HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR whose last entry the proxy appended).
    """
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _keys(*, email: str, ip: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{ip}"]


def _cache_down(exc: Exception) -> None:
    logger.warning("login throttle: cache unreachable (%s), counting in this process", exc)


def login_blocked(*, email: str, ip: str) -> bool:
    """True while the e-mail address or the client address has too many recent failures."""
    keys = _keys(email=email, ip=ip)
    counts = dict(_local.get_many(keys))
    try:
        shared = cache.get_many(keys)
    except Exception as exc:  # noqa: BLE001 - any cache backend's connection error
        _cache_down(exc)
        shared = {}
    return any(
        counts.get(key, 0) >= MAX_FAILURES or shared.get(key, 0) >= MAX_FAILURES for key in keys
    )


def login_failed(*, email: str, ip: str) -> None:
    for key in _keys(email=email, ip=ip):
        try:
            cache.add(key, 0, WINDOW_SECONDS)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, WINDOW_SECONDS)
        except Exception as exc:  # noqa: BLE001 - any cache backend's connection error
            _cache_down(exc)
            _local.incr(key)


def login_succeeded(*, email: str) -> None:
    key = _keys(email=email, ip="")[0]
    _local.delete(key)
    try:
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001 - any cache backend's connection error
        _cache_down(exc)
