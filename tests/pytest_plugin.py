"""Project-wide pytest setup (loaded via pytest.ini `-p tests.pytest_plugin`).

Tests run Celery tasks eagerly even when REDIS_URL is set (CI), so results are
deterministic; the worker tests (marker `worker`) switch to the real broker themselves.
The cache (Redis in CI) is emptied before each test. Passwords use a fast hasher:
users are created per test and the production hasher would dominate the run time.
"""

from __future__ import annotations

# Imported now, before any live-server thread runs: CPython 3.11.7 can fail an import that
# pytest rewrites while another thread parses ("AST constructor recursion depth mismatch").
import hypothesis  # noqa: F401
import pytest


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings):
    from django.core.cache import cache

    from ebms.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    # No subscription at sign-in unless a test asks for push (calendar_integration/sync/
    # tests/test_push*.py switch it on): other tests count their Graph calls.
    settings.M365_NOTIFICATIONS = "off"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    yield
    app.conf.task_always_eager = previous
