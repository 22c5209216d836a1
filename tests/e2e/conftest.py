"""Browser fixtures: Playwright driving Debian's chromium (/usr/bin/chromium) against the live server.

`new_page`  a factory: new_page() opens a page in a fresh browser context (its own cookies), so
            each person of a journey has a browser of their own. Chromium starts at the first
            call and stops after the test.
`page`      one such page, for a test with a single person.
`browser`   the chromium Browser itself (started at once), for tests that need more control.

Do the test's database work before the first page: while Playwright's sync API runs, this
thread has a running asyncio loop, so Django refuses ORM calls here (SynchronousOnlyOperation);
switching that check off would hide connections in a per-context store that nobody closes.
So request `page` and `browser` after fixtures that touch the database. The live server's
threads are not affected.

The tests skip with a reason only when chromium or the playwright package is missing;
.ci/run installs both, so CI always runs them. When a test fails, every open page is saved to
var/e2e-failures/<test>-<n>.png.
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


def _skip_if_missing() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is missing (.venv/bin/pip install playwright)")


class Chromium:
    """One Playwright session with chromium, started on first use."""

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None
        self.contexts: list = []

    @property
    def browser(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                env={**os.environ, **CHROMIUM_ENV},
                headless=True,
            )
        return self._browser

    def new_page(self, *, locale: str = "de-DE", bypass_csp: bool = False):
        # bypass_csp: only so a test can inject axe-core (tests/e2e/axe.py); the
        # application's CSP stays as it is for every other context.
        context = self.browser.new_context(
            viewport=VIEWPORT, locale=locale, timezone_id="Europe/Berlin", bypass_csp=bypass_csp
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def save_pages(self, name: str) -> None:
        FAILURES.mkdir(parents=True, exist_ok=True)
        pages = [page for context in self.contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            try:
                page.screenshot(path=str(FAILURES / f"{name}-{number}.png"), full_page=True)
            except Exception:  # a closed page must not hide the test's own failure
                continue

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def _chromium(request):
    _skip_if_missing()
    chromium = Chromium()
    yield chromium
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        chromium.save_pages(request.node.name)
    chromium.close()


@pytest.fixture
def new_page(_chromium):
    """new_page(locale="de-DE", bypass_csp=False) -> a Playwright Page in a context of its own."""
    return _chromium.new_page


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def browser(_chromium):
    return _chromium.browser
