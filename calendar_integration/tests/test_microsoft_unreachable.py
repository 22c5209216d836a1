"""Microsoft down (connection refused, timeout): connect, callback and function check say so in
German and never answer 5xx."""

from __future__ import annotations

import re
import socket

import pytest
import requests
import responses
from django.urls import reverse

from calendar_integration.microsoft import crypto, identity
from calendar_integration.models import AuthFlow, MicrosoftConnection

from .conftest import client_for, local, signed_in, start

UNREACHABLE = "Microsoft ist gerade nicht erreichbar, bitte später erneut versuchen"


def _forget_access_tokens(connection: MicrosoftConnection) -> None:
    import msal

    cache = msal.SerializableTokenCache()
    cache.deserialize(crypto.decrypt(connection.token_cache_encrypted))
    for token in list(cache.search(cache.CredentialType.ACCESS_TOKEN)):
        cache.remove_at(token)
    identity.token_state_store(connection, cache_json=cache.serialize())


def _closed_port_url() -> str:
    """A local URL nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/m365"


def test_connecting_while_the_connection_is_refused_shows_a_german_page(muster, alice, settings):
    settings.M365_SIMULATOR_URL = _closed_port_url()

    page = start(client_for(alice), rooms=True)

    assert page.status_code == 200
    assert UNREACHABLE in page.content.decode()
    assert not AuthFlow.objects.exists()


def test_connecting_while_microsoft_times_out_shows_a_german_page(muster, alice):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, re.compile(r".*"), body=requests.ConnectTimeout("timed out"))

        page = start(client_for(alice), rooms=False)

    assert page.status_code == 200
    assert UNREACHABLE in page.content.decode()


def test_the_callback_while_microsoft_is_down_shows_a_german_page(m365, muster, alice, settings):
    client = client_for(alice)
    redirect_url = m365.sign_in(start(client, rooms=False)["Location"], email=m365.recruiter.email)
    settings.M365_SIMULATOR_URL = _closed_port_url()

    page = client.get(local(redirect_url))

    assert page.status_code == 200
    assert UNREACHABLE in page.content.decode()
    assert not MicrosoftConnection.objects.exists()
    assert AuthFlow.objects.get(user=alice).outcome == "unreachable"


@pytest.mark.parametrize("expired", [False, True])
def test_the_function_check_while_microsoft_is_down_reports_it(
    m365, muster, alice, settings, expired
):
    connection = signed_in(m365, alice, email=m365.recruiter.email)
    if expired:
        _forget_access_tokens(connection)  # the check must reach the token endpoint first
    settings.M365_SIMULATOR_URL = _closed_port_url()
    client = client_for(alice)

    answer = client.post(reverse("calendar_integration:check"), follow=True)

    assert answer.status_code == 200
    assert "Microsoft ist gerade nicht erreichbar" in answer.content.decode()
    items = connection.checks.order_by("-pk").first().items
    failed = {i["key"] for i in items if i["status"] == "failed"}
    assert failed == {"profile", "write", "free_busy", "teams"}  # rooms: not asked without rooms
