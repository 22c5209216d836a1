"""Redeeming authorization codes: PKCE, single use, expiry, binding, error JSON shape."""

from __future__ import annotations

import re
import uuid

SCOPES = ["User.Read", "Calendars.ReadWrite"]


def _flow(m365):
    app = m365.msal_app()
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=m365.redirect_uri)
    return app, flow, m365.auth_response(m365.sign_in(flow["auth_uri"]))


def test_a_wrong_pkce_verifier_is_invalid_grant_501481(m365):
    app, flow, answer = _flow(m365)
    flow["code_verifier"] = "x" * 43

    result = app.acquire_token_by_auth_code_flow(flow, answer)

    assert result["error"] == "invalid_grant"
    assert result["error_codes"] == [501481]


def test_a_code_works_once_then_aadsts54005(m365):
    app, flow, answer = _flow(m365)
    assert "access_token" in app.acquire_token_by_auth_code_flow(flow, answer)

    replay = app.acquire_token_by_auth_code_flow(flow, answer)

    assert replay["error"] == "invalid_grant"
    assert replay["error_codes"] == [54005]


def test_a_code_expires_after_ten_minutes(m365):
    app, flow, answer = _flow(m365)
    m365.advance_clock(minutes=11)

    result = app.acquire_token_by_auth_code_flow(flow, answer)

    assert result["error"] == "invalid_grant" and result["error_codes"] == [70008]


def test_the_code_is_bound_to_its_redirect_uri(m365, sim_session):
    _, flow, answer = _flow(m365)
    response = sim_session.post(
        f"https://login.microsoftonline.com/{m365.tenant.id}/oauth2/v2.0/token",
        data={
            "client_id": str(m365.app.client_id),
            "client_secret": m365.app.client_secret,
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": "https://evil.example/callback",
            "code_verifier": flow["code_verifier"],
        },
    )
    assert response.status_code == 400
    assert response.json()["error_codes"] == [500112]


def test_token_errors_have_microsofts_json_shape(m365, sim_session):
    correlation = str(uuid.uuid4())
    response = sim_session.post(
        f"https://login.microsoftonline.com/{m365.tenant.id}/oauth2/v2.0/token",
        data={
            "client_id": str(m365.app.client_id),
            "client_secret": m365.app.client_secret,
            "grant_type": "authorization_code",
            "code": "0.Anot-a-code",
            "redirect_uri": m365.redirect_uri,
        },
        headers={"client-request-id": correlation},
    )
    body = response.json()
    assert response.status_code == 400
    assert set(body) >= {
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    }
    assert body["error"] == "invalid_grant"
    assert isinstance(body["error_codes"], list) and isinstance(body["error_codes"][0], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", body["timestamp"])
    assert body["correlation_id"] == correlation
    assert re.search(
        r"^AADSTS\d+: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: ",
        body["error_description"],
    )
    assert body["error_uri"] == "https://login.microsoftonline.com/error?code=9002313"


def test_a_wrong_client_secret_is_invalid_client_7000215(m365):
    import msal

    app = msal.ConfidentialClientApplication(
        str(m365.app.client_id),
        client_credential="wrong",
        authority=m365.authority,
        http_client=m365.http(),
    )
    result = app.acquire_token_by_username_password(
        m365.recruiter.email, m365.password, scopes=["User.Read"]
    )
    assert result["error"] == "invalid_client" and result["error_codes"] == [7000215]


def test_an_unknown_client_id_is_unauthorized_client_700016(m365):
    import msal

    app = msal.ConfidentialClientApplication(
        str(uuid.uuid4()),
        client_credential="x",
        authority=m365.authority,
        http_client=m365.http(),
    )
    result = app.acquire_token_by_username_password(
        m365.recruiter.email, m365.password, scopes=["User.Read"]
    )
    assert result["error"] == "unauthorized_client" and result["error_codes"] == [700016]
