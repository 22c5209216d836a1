"""Login throttling: after too many failed attempts for an e-mail address or from one
client address, further attempts are refused for a while (counted in the cache)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


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


def login_blocked(*, email: str, ip: str) -> bool:
    """True while the e-mail address or the client address has too many recent failures."""
    counts = cache.get_many(_keys(email=email, ip=ip))
    return any(count >= MAX_FAILURES for count in counts.values())


def login_failed(*, email: str, ip: str) -> None:
    for key in _keys(email=email, ip=ip):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def login_succeeded(*, email: str) -> None:
    cache.delete(_keys(email=email, ip="")[0])
