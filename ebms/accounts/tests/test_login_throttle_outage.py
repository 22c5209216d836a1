"""While the cache is down the login throttle counts in this process: never an error page."""

from __future__ import annotations

import pytest

from ebms.accounts.login_throttle import MAX_FAILURES, login_blocked, login_failed

UNREACHABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = UNREACHABLE


def test_failures_are_counted_per_process_while_the_cache_is_down(cache_down):
    email, ip = "outage@muster.example", "192.0.2.7"
    for _ in range(MAX_FAILURES - 1):
        login_failed(email=email, ip=ip)
    assert not login_blocked(email=email, ip=ip)
    login_failed(email=email, ip=ip)
    assert login_blocked(email=email, ip=ip)
    assert not login_blocked(email="someone@else.example", ip="192.0.2.8")
