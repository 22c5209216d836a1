"""Token lifecycle: refresh, inactivity expiry, revocation, reconnect, keep-alive, disconnect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_integration.microsoft.errors import ReconnectNeeded
from calendar_integration.microsoft.graph import GraphClient
from calendar_integration.microsoft.identity import token_for
from calendar_integration.models import AuthFlow, ConnectionState, MicrosoftConnection
from calendar_integration.tasks import tokens_keep_alive
from m365sim.identity import directory
from m365sim.models import RefreshToken

from .conftest import client_for, connect, signed_in


@pytest.fixture
def connected(m365, muster, alice) -> MicrosoftConnection:
    return signed_in(m365, alice, email=m365.recruiter.email)


@pytest.fixture
def connected_in_the_browser(m365, muster, alice) -> MicrosoftConnection:
    """The sign-in itself (it leaves an AuthFlow behind)."""
    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    return MicrosoftConnection.objects.get(user=alice)


def test_a_forced_refresh_rotates_and_stores_the_refresh_token(m365, connected):
    before = bytes(connected.token_cache_encrypted)
    used_before = RefreshToken.objects.count()

    token_for(connected, force_refresh=True)

    connected.refresh_from_db()
    assert bytes(connected.token_cache_encrypted) != before
    assert RefreshToken.objects.count() == used_before + 1
    assert connected.last_refresh_at is not None
    # The stored (new) refresh token works again.
    assert GraphClient(connected).me()["userPrincipalName"] == m365.recruiter.email


def test_the_cached_access_token_is_reused_without_calling_microsoft(m365, connected):
    tokens_before = RefreshToken.objects.count()
    token_for(connected)
    token_for(connected)
    assert RefreshToken.objects.count() == tokens_before


def test_inactivity_expiry_marks_reconnect_and_mails_once(m365, connected, mailoutbox):
    m365.advance_clock(days=91)

    with pytest.raises(ReconnectNeeded):
        token_for(connected, force_refresh=True)
    with pytest.raises(ReconnectNeeded):
        token_for(connected, force_refresh=True)

    connected.refresh_from_db()
    assert connected.state == ConnectionState.RECONNECT
    assert connected.last_error_code == "AADSTS700082"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@muster.example"]
    assert "erneut" in mailoutbox[0].subject
    assert "0.A" not in mailoutbox[0].body  # no token material in the mail
    page = client_for(connected.user).get(reverse("calendar_integration:connect"))
    assert "Bitte verbinden Sie Ihr Konto erneut" in page.content.decode()


def test_an_expired_access_token_is_refreshed_by_the_graph_client_on_401(m365, connected):
    m365.advance_clock(hours=2)  # access token (60-90 min) expired at Graph, refresh token fine

    me = GraphClient(connected).me()

    assert me["userPrincipalName"] == m365.recruiter.email
    connected.refresh_from_db()
    assert connected.state == ConnectionState.NO_ROOMS


def test_revoked_sessions_need_a_reconnect_which_restores_the_connection(m365, connected, alice):
    directory.user_sessions_revoke(mailbox=m365.recruiter)

    with pytest.raises(ReconnectNeeded):
        token_for(connected, force_refresh=True)
    connected.refresh_from_db()
    assert connected.state == ConnectionState.RECONNECT
    assert connected.last_error_code == "AADSTS50173"

    connect(m365, alice, email=m365.recruiter.email, rooms=False)

    connected.refresh_from_db()
    assert connected.state == ConnectionState.NO_ROOMS
    assert connected.reconnect_mail_sent_at is None
    assert GraphClient(connected).me()["userPrincipalName"] == m365.recruiter.email


def test_keep_alive_refreshes_tokens_unused_for_30_days(m365, connected):
    MicrosoftConnection.objects.filter(pk=connected.pk).update(
        last_refresh_at=timezone.now() - timedelta(days=31)
    )
    m365.advance_clock(days=80)  # simulator: 80 idle days, still inside Microsoft's 90

    assert tokens_keep_alive()["refreshed"] == 1

    m365.advance_clock(days=80)  # without the keep-alive this would be 160 idle days
    assert GraphClient(connected).me()["userPrincipalName"] == m365.recruiter.email


def test_keep_alive_warns_and_mails_when_the_refresh_fails(m365, connected, caplog, mailoutbox):
    MicrosoftConnection.objects.filter(pk=connected.pk).update(last_refresh_at=None)
    m365.advance_clock(days=95)

    assert tokens_keep_alive()["failed"] == 1

    assert "could not be refreshed" in caplog.text
    assert len(mailoutbox) == 1


def test_keep_alive_leaves_recently_refreshed_connections_alone(m365, connected):
    assert tokens_keep_alive() == {"refreshed": 0, "failed": 0, "flows_purged": 0}


def test_disconnect_deletes_the_tokens(m365, connected, alice):
    response = client_for(alice).post(reverse("calendar_integration:disconnect"))

    assert response.status_code == 302
    connected.refresh_from_db()
    assert connected.state == ConnectionState.DISCONNECTED
    assert bytes(connected.token_cache_encrypted) == b""
    assert connected.oid is None
    with pytest.raises(ReconnectNeeded):
        token_for(connected)


def test_old_sign_in_flows_are_purged(m365, connected_in_the_browser):
    AuthFlow.objects.update(created_at=timezone.now() - timedelta(days=3))

    assert tokens_keep_alive()["flows_purged"] == 1
    assert not AuthFlow.objects.exists()


def test_two_workers_losing_the_same_token_send_one_reconnect_mail(m365, connected, mailoutbox):
    from calendar_integration.connection.lifecycle import connection_lost
    from calendar_integration.microsoft.consent import Kind, Problem

    # Both read the row while it still looked healthy (stale copies), then both fail.
    first = MicrosoftConnection.objects.get(pk=connected.pk)
    second = MicrosoftConnection.objects.get(pk=connected.pk)
    problem = Problem(kind=Kind.OTHER, error="invalid_grant", description="AADSTS700082")
    connection_lost(first, problem=problem)
    connection_lost(second, problem=problem)

    assert len(mailoutbox) == 1


def test_a_graph_client_reads_its_token_once_for_many_requests(m365, connected):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    def token_reads(calls: int) -> int:
        client = GraphClient(connected)
        with CaptureQueriesContext(db) as queries:
            for _ in range(calls):
                client.me()
        client.close()
        table = MicrosoftConnection._meta.db_table
        return sum(1 for q in queries if table in q["sql"] and q["sql"].startswith("SELECT"))

    assert token_reads(3) == token_reads(1) >= 1
