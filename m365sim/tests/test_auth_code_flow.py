"""The real MSAL library through authorization code + PKCE, against the live simulator."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

SCOPES = ["User.Read", "Calendars.ReadWrite"]


def _connect(m365, *, email=None, scopes=SCOPES, **sign_in):
    app = m365.msal_app()
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=m365.redirect_uri)
    url = m365.sign_in(flow["auth_uri"], email=email, **sign_in)
    return app, flow, url


def test_it_runs_the_msal_auth_code_flow_with_pkce(m365):
    app, flow, url = _connect(m365)
    assert (
        "code_challenge=" in flow["auth_uri"] and "code_challenge_method=S256" in flow["auth_uri"]
    )
    assert flow["auth_uri"].startswith(
        m365.base_url + f"/login/{m365.tenant.id}/oauth2/v2.0/authorize"
    )

    result = app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))

    assert "error" not in result, result
    assert result["token_type"] == "Bearer"
    assert isinstance(result["expires_in"], int) and 3600 <= result["expires_in"] <= 5400
    assert isinstance(result["ext_expires_in"], int)
    # Graph scopes as full URLs, as in the documented answer (asked with short names).
    assert set(result["scope"].split()) == {
        "https://graph.microsoft.com/User.Read",
        "https://graph.microsoft.com/Calendars.ReadWrite",
        "openid",
        "profile",
    }
    assert result["refresh_token"] and result["id_token"]
    claims = result["id_token_claims"]
    assert claims["aud"] == str(m365.app.client_id)
    assert claims["tid"] == str(m365.tenant.id)
    assert claims["oid"] == str(m365.recruiter.object_id)
    assert claims["preferred_username"] == "rita@contoso.example"
    assert claims["name"] == "Rita Recruiter"
    assert claims["iss"] == f"https://login.microsoftonline.com/{m365.tenant.id}/v2.0"
    assert claims["ver"] == "2.0" and claims["nonce"]


def test_the_redirect_carries_code_state_and_client_info(m365):
    _, flow, url = _connect(m365)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(m365.redirect_uri + "?")
    assert query["state"] == [flow["state"]]
    assert query["code"][0].startswith("0.A")
    assert "client_info" in query and "session_state" in query


def test_msal_caches_the_account_and_acquires_silently(m365):
    app, flow, url = _connect(m365)
    app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))

    accounts = app.get_accounts()
    assert [a["username"] for a in accounts] == ["rita@contoso.example"]
    # MSAL files the token under the answer's scopes: Graph URLs, as Microsoft answers.
    answered = [f"https://graph.microsoft.com/{s}" for s in SCOPES]
    cached = app.acquire_token_silent(answered, account=accounts[0])
    assert cached["token_source"] == "cache"
    refreshed = app.acquire_token_silent(answered, account=accounts[0], force_refresh=True)
    assert refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != cached["access_token"]


def test_the_access_token_is_a_graph_token_for_the_user(m365):
    from m365sim.tokens import validate_access_token

    app, flow, url = _connect(m365)
    result = app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))

    claims = validate_access_token(result["access_token"])
    assert claims["aud"] == "00000003-0000-0000-c000-000000000000"
    assert set(claims["scp"].split()) == {"User.Read", "Calendars.ReadWrite"}
    assert claims["upn"] == "rita@contoso.example"
    assert claims["appid"] == str(m365.app.client_id)
    assert claims["tid"] == str(m365.tenant.id) and claims["oid"] == str(m365.recruiter.object_id)


def test_the_id_token_signature_verifies_with_the_published_keys(m365, sim_session):
    app, flow, url = _connect(m365)
    result = app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))
    config = sim_session.get(
        f"https://login.microsoftonline.com/{m365.tenant.id}/v2.0/.well-known/openid-configuration"
    ).json()
    jwks = sim_session.get(config["jwks_uri"]).json()

    header = jwt.get_unverified_header(result["id_token"])
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(
        result["id_token"],
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=str(m365.app.client_id),
        issuer=config["issuer"],
    )
    assert claims["oid"] == str(m365.recruiter.object_id)


@pytest.mark.parametrize("authority_tenant", ["organizations", "common", "contoso.example"])
def test_it_works_with_the_multi_tenant_and_domain_authorities(m365, authority_tenant):
    app = m365.msal_app(authority=f"https://login.microsoftonline.com/{authority_tenant}")
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=m365.redirect_uri)
    url = m365.sign_in(flow["auth_uri"])
    result = app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))
    assert result["id_token_claims"]["tid"] == str(m365.tenant.id), result


def test_response_mode_form_post_posts_the_code_to_the_app(m365):
    app = m365.msal_app()
    flow = app.initiate_auth_code_flow(
        SCOPES, redirect_uri=m365.redirect_uri, response_mode="form_post"
    )
    m365.grant_user_consent(m365.recruiter, [*SCOPES, "openid", "profile", "offline_access"])
    browser = m365.browser()
    page = browser.submit(
        browser.open(flow["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert f'action="{m365.redirect_uri}"' in page.text
    assert 'name="code"' in page.text and f'value="{flow["state"]}"' in page.text
