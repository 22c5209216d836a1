"""Tokens at rest: encrypted with MultiFernet, never readable in the table, keys rotatable."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from calendar_integration.microsoft import crypto
from calendar_integration.microsoft.errors import ReconnectNeeded
from calendar_integration.microsoft.graph import GraphClient
from calendar_integration.microsoft.identity import token_for
from calendar_integration.models import ConnectionState, MicrosoftConnection

from .conftest import signed_in


def _raw_rows() -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM calendar_integration_microsoftconnection")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM calendar_integration_authflow")
        rows += cursor.fetchall()
    return repr(rows)


def _plain_cache(connection: MicrosoftConnection) -> dict:
    return json.loads(crypto.decrypt(connection.token_cache_encrypted))


def test_a_raw_sql_read_shows_no_token_in_plain_text(m365, muster, alice):
    signed_in(m365, alice, email=m365.recruiter.email)
    connection = MicrosoftConnection.objects.get(user=alice)
    cache = _plain_cache(connection)
    secrets = [rt["secret"] for rt in cache["RefreshToken"].values()]
    secrets += [at["secret"] for at in cache["AccessToken"].values()]
    assert secrets

    raw = _raw_rows()

    for secret in secrets:
        assert secret not in raw
        assert secret[:24] not in raw
    assert "code_verifier" not in raw


def test_rotation_re_encrypts_under_the_new_key_and_the_old_key_can_go(
    m365, muster, alice, settings
):
    signed_in(m365, alice, email=m365.recruiter.email)
    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("rotate_token_keys")

    settings.TOKEN_ENCRYPTION_KEYS = [new_key]
    connection = MicrosoftConnection.objects.get(user=alice)
    assert GraphClient(connection).me()["userPrincipalName"] == m365.recruiter.email


def test_a_cache_no_configured_key_can_read_needs_a_reconnect(m365, muster, alice, settings):
    signed_in(m365, alice, email=m365.recruiter.email)
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    connection = MicrosoftConnection.objects.get(user=alice)

    with pytest.raises(ReconnectNeeded):
        token_for(connection)

    connection.refresh_from_db()
    assert connection.state == ConnectionState.RECONNECT


def test_encrypt_decrypt_round_trip_with_several_keys(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [second]
    blob = crypto.encrypt("geheim")
    settings.TOKEN_ENCRYPTION_KEYS = [first, second]
    assert crypto.decrypt(blob) == "geheim"
    assert b"geheim" not in blob
