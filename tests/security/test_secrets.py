"""Microsoft tokens never leave their encrypted column.

A canary: alice connects through the real flow against the live simulator; her tokens (every
access, refresh and id token the simulator handed out, read from the decrypted cache) are then
searched in the raw database, in every log record (all loggers at DEBUG), in every e-mail,
in every Celery task's arguments, in an error page and in the Django admin.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from celery import signals
from django.apps import apps
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
