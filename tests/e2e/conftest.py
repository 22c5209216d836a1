"""Browser fixtures: Playwright driving Debian's chromium (/usr/bin/chromium) against the live server.

`browser`   a headless chromium, started per test: Playwright's sync API keeps an asyncio loop
            running in this thread while it is open, so it must not outlive the test (Django's
            async-unsafe check is relaxed only for that time).
`new_page`  a factory: new_page() opens a page in a fresh context (its own cookies), so each
            person of a journey has a browser of their own.
`page`      one such page, for a test with a single person.

When a test fails, every open page is saved to var/e2e-failures/<test>-<n>.png (for CI logs).

The tests skip with a reason only when chromium or the playwright package is missing;
.ci/run installs both, so CI always runs them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=de-DE",
]
# Date and time inputs follow the process locale (German only with Debian's chromium-l10n).
CHROMIUM_ENV = {"LANG": "de_DE.UTF-8", "LANGUAGE": "de_DE:de", "LC_ALL": "de_DE.UTF-8"}
FAILURES = Path(__file__).resolve().parents[2] / "var" / "e2e-failures"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def _missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (.venv/bin/pip install playwright)"
    return ""


@pytest.fixture
def browser(monkeypatch):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # The ORM refuses to run next to a running event loop, although nothing here is concurrent.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            env={**os.environ, **CHROMIUM_ENV},
            headless=True,
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _save_failure(name: str, contexts: list) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        try:
            page.screenshot(path=str(FAILURES / f"{name}-{number}.png"), full_page=True)
        except Exception:  # a closed page must not hide the test's own failure
            continue


@pytest.fixture
def new_page(browser, request):
    """Factory for pages in separate browser contexts (closed after the test)."""
    contexts = []

    def make(*, locale: str = "de-DE"):
        context = browser.new_context(viewport=VIEWPORT, locale=locale, timezone_id="Europe/Berlin")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_failure(request.node.name, contexts)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
