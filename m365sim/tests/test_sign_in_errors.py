"""Sign-in errors: wrong password (50126), assignment (50105), unknown app (700016), redirect
URI mismatch (50011), disabled app (7000112), and the service principal's first appearance."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest

from m365sim.tests.harness import SignInStopped

SCOPES = ["User.Read", "Calendars.ReadWrite"]


def _auth_uri(m365):
    flow = m365.msal_app().initiate_auth_code_flow(SCOPES, redirect_uri=m365.redirect_uri)
    return flow["auth_uri"]


def test_a_wrong_password_is_shown_on_the_sign_in_page(m365):
    with pytest.raises(SignInStopped) as stopped:
        m365.sign_in(_auth_uri(m365), password="falsch")

    assert stopped.value.aadsts == 50126
    assert "Ihr Konto oder Kennwort ist falsch" in stopped.value.page


def test_an_unknown_account_is_shown_on_the_sign_in_page(m365):
    with pytest.raises(SignInStopped) as stopped:
        m365.sign_in(_auth_uri(m365), email="niemand@contoso.example")
    assert stopped.value.aadsts == 50034


def test_the_service_principal_appears_at_the_first_failed_sign_in(m365):
    assert m365.service_principal() is None
    with pytest.raises(SignInStopped):
        m365.sign_in(_auth_uri(m365), password="falsch")
    assert m365.service_principal() is not None


def test_assignment_required_blocks_unassigned_users_with_50105(m365):
    sp = m365.grant_admin_consent(
        [*SCOPES, "openid", "profile", "offline_access"]
    ).service_principal
    sp.assignment_required = True
    sp.save()

    with pytest.raises(SignInStopped) as stopped:
        m365.sign_in(_auth_uri(m365))
    assert stopped.value.aadsts == 50105
    assert "AADSTS50105: Your administrator has configured the application" in stopped.value.page

    sp.assigned.add(m365.recruiter)
    assert "code=" in m365.sign_in(_auth_uri(m365))


def test_an_app_disabled_for_sign_in_is_refused_with_7000112(m365):
    sp = m365.grant_admin_consent(SCOPES).service_principal
    sp.enabled_for_sign_in = False
    sp.save()
    with pytest.raises(SignInStopped) as stopped:
        m365.sign_in(_auth_uri(m365))
    assert stopped.value.aadsts == 7000112


def test_an_unknown_client_id_shows_700016_without_redirect(m365):
    query = urlencode(
        {
            "client_id": str(uuid.uuid4()),
            "response_type": "code",
            "redirect_uri": m365.redirect_uri,
            "scope": "User.Read",
        }
    )
    response = m365.browser().open(
        f"{m365.base_url}/login/organizations/oauth2/v2.0/authorize?{query}"
    )
    assert response.status_code == 200
    assert 'data-aadsts="700016"' in response.text


def test_an_unregistered_redirect_uri_shows_50011(m365):
    query = urlencode(
        {
            "client_id": str(m365.app.client_id),
            "response_type": "code",
            "redirect_uri": "https://evil.example/cb",
            "scope": "User.Read",
        }
    )
    response = m365.browser().open(
        f"{m365.base_url}/login/organizations/oauth2/v2.0/authorize?{query}"
    )
    assert 'data-aadsts="50011"' in response.text


def test_an_unknown_scope_redirects_with_650053(m365):
    query = urlencode(
        {
            "client_id": str(m365.app.client_id),
            "response_type": "code",
            "redirect_uri": m365.redirect_uri,
            "scope": "Calendars.Fly",
            "state": "x",
        }
    )
    response = m365.browser().open(
        f"{m365.base_url}/login/organizations/oauth2/v2.0/authorize?{query}"
    )
    assert response.status_code == 302
    assert "error=invalid_client" in response.headers["Location"]
    assert "AADSTS650053" in response.headers["Location"]
