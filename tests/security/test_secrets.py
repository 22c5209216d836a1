"""Microsoft tokens never leave their encrypted column.

A canary: alice connects through the real flow against the live simulator; her tokens (every
access, refresh and id token the simulator handed out, read from the decrypted cache) are then
searched in the raw database, in every log record (all loggers at DEBUG), in every e-mail,
in every Celery task's arguments, in an error page and in the Django admin. The web server's
access log (runserver's over a whole journey, gunicorn's with our gunicorn.conf.py) holds no
OAuth code, no token and no candidate link token; a link token read in some other log picks
nothing once the candidate opened it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from celery import signals
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.db import connection as db
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calendar_integration.microsoft import crypto
from calendar_integration.microsoft.graph import GraphClient
from calendar_integration.microsoft.identity import token_for
from calendar_integration.models import ConnectionState, MicrosoftConnection
from calendar_integration.tasks import tokens_keep_alive
from calendar_integration.tests.conftest import connect
from ebms.recruiting.links import proposal_link_for
from ebms.recruiting.models import Appointment

from .conftest import client_for

LOGGERS = ("", "calendar_integration", "ebms", "django", "msal", "urllib3", "celery", "requests")


class Canary:
    """Every token string seen in the connection's cache, and everything we captured."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.tasks: list[str] = []

    def harvest(self, connection: MicrosoftConnection) -> None:
        connection.refresh_from_db()
        cache = json.loads(crypto.decrypt(connection.token_cache_encrypted))
        for kind in ("AccessToken", "RefreshToken", "IdToken"):
            for entry in cache.get(kind, {}).values():
                self.secrets.add(entry["secret"])

    def found_in(self, text: str) -> list[str]:
        # A prefix is enough to leak a JWT's header/claims; look for a good part of each.
        return [s[:8] + "…" for s in self.secrets if s in text or s[-40:] in text]


@pytest.fixture
def canary():
    seen = Canary()

    def published(sender=None, body=None, headers=None, **kwargs):
        seen.tasks.append(f"publish {sender} {body!r} {headers!r}")

    def prerun(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        seen.tasks.append(f"run {task.name if task else sender} {args!r} {kwargs!r}")

    signals.before_task_publish.connect(published, weak=False)
    signals.task_prerun.connect(prerun, weak=False)
    yield seen
    signals.before_task_publish.disconnect(published)
    signals.task_prerun.disconnect(prerun)


@pytest.fixture
def connected(m365, world, canary) -> MicrosoftConnection:
    journey = connect(m365, world["alice"], email=m365.recruiter.email, rooms=False)
    assert journey.response.status_code == 302
    connection = MicrosoftConnection.objects.get(user=world["alice"])
    canary.harvest(connection)
    assert any(s.startswith("eyJ") for s in canary.secrets)  # the access token is a JWT
    return connection


def _calendar_tables() -> list[str]:
    existing = set(db.introspection.table_names())
    return sorted(
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("calendar_integration")
        for model in config.get_models()
        if model._meta.db_table in existing
    )


def _is_fernet(value) -> bool:
    return isinstance(value, (bytes, memoryview)) and bytes(value).startswith(b"gAAAAA")


def test_tokens_are_encrypted_at_rest_in_every_calendar_table(m365, connected, canary):
    token_for(connected, force_refresh=True)  # a rotated refresh token is written back
    canary.harvest(connected)
    cells = 0
    with db.cursor() as cursor:
        for table in _calendar_tables():
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    cells += 1
                    if _is_fernet(value):
                        # Encrypted material: it decrypts with our key (so it IS the cache)...
                        assert crypto.decrypt(value)
                        text = bytes(value).decode("ascii")
                    else:
                        text = (
                            bytes(value).decode("latin-1")
                            if isinstance(value, (bytes, memoryview))
                            else str(value)
                        )
                        # ...and no plain column holds a JWT (header "{"alg"... = eyJ).
                        assert "eyJ" not in text
                    assert not canary.found_in(text)
    assert cells


def test_a_canary_token_appears_in_no_log_mail_task_or_error_page(
    m365, connected, canary, caplog, mailoutbox, settings
):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    settings.DEBUG = False
    alice = connected.user
    pages: list[str] = []

    # Normal use: a forced refresh (new access + refresh token) and a Graph call.
    token_for(connected, force_refresh=True)
    assert GraphClient(connected).me()["userPrincipalName"] == m365.recruiter.email
    canary.harvest(connected)
    pages.append(client_for(alice).get(reverse("calendar_integration:connect")).content.decode())

    # An error page: the function check fails hard when no key can be built.
    keys = settings.TOKEN_ENCRYPTION_KEYS
    settings.TOKEN_ENCRYPTION_KEYS = ["kein-fernet-schluessel"]
    broken = Client(raise_request_exception=False)
    broken.force_login(alice)
    error = broken.post(reverse("calendar_integration:check"))
    assert error.status_code == 500
    pages.append(error.content.decode())
    settings.TOKEN_ENCRYPTION_KEYS = keys

    # A failure path through Celery: 95 idle days, the keep-alive task's refresh fails.
    MicrosoftConnection.objects.filter(pk=connected.pk).update(last_refresh_at=None)
    m365.advance_clock(days=95)
    assert tokens_keep_alive.delay().get()["failed"] == 1
    connected.refresh_from_db()
    assert connected.state == ConnectionState.RECONNECT
    pages.append(client_for(alice).get(reverse("calendar_integration:connect")).content.decode())

    logs = "\n".join(
        logging.Formatter("%(name)s %(message)s").format(record) + repr(record.args)
        for record in caplog.records
    )
    mails = "\n".join(message.message().as_string() for message in mailoutbox)
    assert len(canary.secrets) >= 4  # two generations of access and refresh tokens
    assert "could not be refreshed" in logs and mailoutbox  # the failure path did run
    assert any("tokens_keep_alive" in call for call in canary.tasks)
    assert canary.found_in(logs) == []
    assert canary.found_in(mails) == []
    assert canary.found_in("\n".join(canary.tasks)) == []
    assert canary.found_in("\n".join(pages)) == []


def test_the_django_admin_of_the_calendar_module_never_shows_tokens(
    m365, connected, canary, admin_user
):
    token_for(connected, force_refresh=True)
    canary.harvest(connected)
    client = client_for(admin_user)
    checked = 0
    for model in list(admin.site._registry):
        if not model._meta.app_config.name.startswith("calendar_integration"):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{prefix}_changelist")]
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            urls.append(reverse(f"{prefix}_change", args=[pk]))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert canary.found_in(html) == [], url
            assert "gAAAAA" not in html, url  # not even the encrypted cache
            checked += 1
    assert checked >= 3  # connection list + change page + function check list


def test_keep_alive_tasks_take_no_token_arguments(m365, connected, canary):
    MicrosoftConnection.objects.filter(pk=connected.pk).update(
        last_refresh_at=timezone.now() - timedelta(days=31)
    )
    assert tokens_keep_alive.delay().get()["refreshed"] == 1
    canary.harvest(connected)
    assert canary.tasks
    assert canary.found_in("\n".join(canary.tasks)) == []


# --- The web server's access log (issue 11.8) -------------------------------------------


@pytest.fixture
def access_log(m365, live_server):
    """The live server writes every request line as `runserver` does (logger django.server,
    with the project's LOGGING); the lines are collected here."""
    from django.core.servers.basehttp import WSGIRequestHandler

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    httpd = live_server.thread.httpd
    quiet = httpd.RequestHandlerClass
    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("django.server")
    logger.addHandler(handler)
    httpd.RequestHandlerClass = WSGIRequestHandler  # runserver's handler: logs each request
    yield lines
    httpd.RequestHandlerClass = quiet
    logger.removeHandler(handler)


def _post(browser, url: str, data: dict):
    """A form post of this browser (CSRF token from its cookie)."""
    token = browser.session.cookies.get(django_settings.CSRF_COOKIE_NAME)
    return browser.session.post(
        url, {"csrfmiddlewaretoken": token, **data}, allow_redirects=False, timeout=30
    )


def test_the_access_log_of_a_journey_holds_no_usable_secret(
    m365, live_server, world, canary, access_log
):
    base = live_server.url
    alice = world["alice"]
    # alice's browser: logged in (session cookie of a test login), then connects to Microsoft.
    login = Client()
    login.force_login(alice)
    recruiter = m365.browser()
    recruiter.session.cookies.set(
        django_settings.SESSION_COOKIE_NAME,
        login.cookies[django_settings.SESSION_COOKIE_NAME].value,
    )
    assert recruiter.open(f"{base}/kalender/verbinden/").status_code == 200
    started = _post(recruiter, f"{base}/kalender/verbinden/start/", {"rooms": "0", "next": ""})
    assert started.status_code == 302
    callback_url = m365.sign_in(started.headers["Location"], email=m365.recruiter.email)
    code = parse_qs(urlsplit(callback_url).query)["code"][0]
    assert recruiter.open(callback_url).status_code == 302  # connected
    canary.harvest(MicrosoftConnection.objects.get(user=alice))
    assert canary.secrets

    # The candidate opens his link (its token is exchanged) and picks a slot.
    proposal = world["proposal"]
    link = proposal_link_for(proposal)
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]
    candidate = m365.browser()
    assert candidate.open(link).status_code == 200  # the link's page: a button
    opened = _post(candidate, link, {})
    assert opened.status_code == 302 and token not in opened.headers["Location"]
    page_url = base + opened.headers["Location"]
    assert 'name="slot"' in candidate.open(page_url).text
    first = proposal.slots.order_by("starts_at").first()
    picked = _post(candidate, page_url, {"slot": str(first.pk)})
    assert picked.status_code == 200 and Appointment.objects.filter(proposal=proposal).exists()

    log = "\n".join(access_log)
    assert "/kalender/verbinden/callback/?code=" in log and "/vorschlag/" in log  # it logged
    assert code not in log
    assert token not in log and token[:20] not in log
    assert canary.found_in(log) == [] and "eyJ" not in log


def test_a_link_token_read_in_a_log_picks_nothing_after_the_first_open(m365, live_server, world):
    """Logs we do not write ourselves (a proxy) may hold the link: it is exchanged already."""
    proposal = world["proposal"]
    link = proposal_link_for(proposal)
    candidate, reader = m365.browser(), m365.browser()
    candidate.open(link)
    page_url = live_server.url + _post(candidate, link, {}).headers["Location"]

    again = candidate.open(link)  # the candidate clicks the mail's link again: same page
    stolen = reader.open(link)
    forged = _post(reader, page_url, {"slot": str(proposal.slots.first().pk)})

    assert live_server.url + again.headers["Location"] == page_url
    assert stolen.status_code == 403 and 'name="slot"' not in stolen.text
    assert forged.status_code in (403, 404)
    assert not Appointment.objects.filter(proposal=proposal).exists()


def test_gunicorns_access_log_redacts_the_oauth_code_and_link_tokens(tmp_path):
    """The production server with the repository's gunicorn.conf.py (as in the Dockerfile)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    access = tmp_path / "access.log"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "M365SIM_DATABASE_URL": f"sqlite:///{tmp_path / 'sim.sqlite3'}",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "ebms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(access)],
        cwd=django_settings.BASE_DIR, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    token = "eyJwIjo0MiwibiI6InNlY3JldC1ub25jZSJ9:1vLogT:c2lnbmF0dXJlLW9mLXRoZS1saW5r"
    try:
        session = requests.Session()
        for _ in range(240):  # until the worker answers (nothing timed is asserted)
            if server.poll() is not None:
                break
            try:
                session.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        base = f"http://127.0.0.1:{port}"
        session.get(f"{base}/kalender/verbinden/callback/?code=GEHEIMER-CODE-4711&state=S-0815",
                    allow_redirects=False, timeout=30)  # fmt: skip
        session.get(f"{base}/vorschlag/{token}/", allow_redirects=False, timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)

    log = access.read_text()
    assert "/kalender/verbinden/callback/" in log and "/vorschlag/" in log  # both were logged
    assert "GEHEIMER-CODE-4711" not in log and "S-0815" not in log
    assert token not in log and "eyJ" not in log
