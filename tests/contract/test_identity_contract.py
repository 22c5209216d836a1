"""The product's sign-in and token refresh (MSAL with MicrosoftSession) against the identity
platform's documented requests and responses (fixtures/identity.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from .conftest import (
    CONSENT_MODULE,
    DOCUMENTED_CODE,
    ERRORS_MODULE,
    IDENTITY_MODULE,
    TENANT_ID,
    form,
    product,
    sign_in,
)
from .fixtures import identity as idf


def test_code_redemption_sends_the_documented_form_and_reads_the_answer(idp, recruiter) -> None:
    identity = product(IDENTITY_MODULE)

    redeemed, request, authorize = sign_in(idp, recruiter)

    # POST /{tenant}/oauth2/v2.0/token, application/x-www-form-urlencoded.
    assert request.method == "POST"
    assert urlsplit(request.url).path == "/organizations/oauth2/v2.0/token"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = form(request)
    assert set(fields) >= idf.CODE_REDEMPTION_FIELDS
    assert fields["grant_type"] == "authorization_code"
    assert fields["code"] == DOCUMENTED_CODE
    assert fields["client_id"] == settings.M365_CLIENT_ID
    assert fields["client_secret"] == settings.M365_CLIENT_SECRET
    assert fields["redirect_uri"] == settings.M365_REDIRECT_URI
    assert fields["code_verifier"]  # PKCE (recommended)
    assert set(fields["scope"].split()) >= {"User.Read", "Calendars.ReadWrite", "offline_access"}
    # The authorize request carried the matching challenge and nonce.
    assert authorize["code_challenge_method"] == "S256" and authorize["nonce"]

    assert isinstance(redeemed, identity.Redeemed)
    assert (redeemed.tenant_id, redeemed.upn) == (TENANT_ID, "AdeleV@contoso.com")
    assert {"User.Read", "Calendars.ReadWrite"} <= set(redeemed.granted_scopes)
    assert identity.connection_state_after_signin(granted=redeemed.granted_scopes) == "no_rooms"


def test_the_authorize_request_has_the_documented_parameters(idp, recruiter) -> None:
    identity = product(IDENTITY_MODULE)

    url = identity.flow_start(user=recruiter, with_rooms=True)

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == (idf.discovery("organizations")["authorization_endpoint"])
    )
    from urllib.parse import parse_qs

    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert set(query) >= idf.AUTHORIZE_REQUIRED | idf.AUTHORIZE_RECOMMENDED
    assert query["response_type"] == idf.AUTHORIZE_REQUEST["response_type"]
    assert query["response_mode"] == idf.AUTHORIZE_REQUEST["response_mode"]
    assert query["code_challenge_method"] == idf.AUTHORIZE_REQUEST["code_challenge_method"]
    assert len(query["code_challenge"]) == 43  # S256 of the verifier, base64url, no padding
    assert query["client_id"] == settings.M365_CLIENT_ID
    assert query["redirect_uri"] == settings.M365_REDIRECT_URI
    assert {"User.Read", "Calendars.ReadWrite", "Place.Read.All", "offline_access"} <= set(
        query["scope"].split()
    )


def test_msal_reads_the_discovery_document_at_the_documented_address(idp, recruiter) -> None:
    sign_in(idp, recruiter)

    urls = [c.request.url for c in idp.mock.calls]
    assert f"{idf.AUTHORITY_HOST}/organizations/v2.0/.well-known/openid-configuration" in urls
    # The id token is checked against the tenant's keys (jwks_uri of the tenant's document).
    assert idf.discovery(TENANT_ID)["jwks_uri"] in urls


def test_refresh_sends_the_documented_form(connection, idp) -> None:
    identity = product(IDENTITY_MODULE)

    token = identity.token_for(connection, force_refresh=True)

    request = idp.token_calls()[-1].request
    assert urlsplit(request.url).path == f"/{TENANT_ID}/oauth2/v2.0/token"
    fields = form(request)
    assert set(fields) >= idf.REFRESH_FIELDS
    assert fields["grant_type"] == "refresh_token"
    assert fields["refresh_token"] == idf.TOKEN_RESPONSE["refresh_token"]
    assert fields["client_secret"] == settings.M365_CLIENT_SECRET
    assert token == idf.TOKEN_RESPONSE["access_token"]
    connection.refresh_from_db()
    assert connection.last_refresh_at is not None


def test_documented_token_error_at_redemption_is_shown_with_its_code(idp, recruiter) -> None:
    identity = product(IDENTITY_MODULE)

    refused, _request, _q = sign_in(idp, recruiter, token_body=idf.TOKEN_ERROR, status=400)

    assert isinstance(refused, identity.Refused)
    assert refused.problem.code == 70011
    assert refused.problem.code_label == "AADSTS70011"
    assert refused.problem.kind == "other"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (65001, "consent_required"),
        (90094, "admin_consent"),
        (90093, "admin_consent"),
    ],
)
def test_consent_errors_at_redemption_are_classified(idp, recruiter, code, kind) -> None:
    identity = product(IDENTITY_MODULE)

    refused, _request, _q = sign_in(idp, recruiter, token_body=idf.aadsts_error(code), status=400)

    assert isinstance(refused, identity.Refused)
    assert refused.problem.code == code
    assert refused.problem.kind == kind


@pytest.mark.parametrize(
    ("code", "kind"),
    [(90094, "admin_consent"), (90093, "admin_consent")],
)
def test_consent_errors_on_the_redirect_are_classified(code, kind) -> None:
    """v2-oauth2-auth-code-flow.md "Error response": error + error_description on the redirect."""
    consent = product(CONSENT_MODULE)
    body = idf.aadsts_error(code)

    problem = consent.classify(error="access_denied", description=body["error_description"])

    assert (problem.code, problem.kind) == (code, kind)


def test_documented_cancel_redirect_is_a_cancelled_sign_in(idp, recruiter) -> None:
    """v2-oauth2-auth-code-flow.md: error=access_denied&error_description=the+user+canceled..."""
    identity = product(IDENTITY_MODULE)
    from urllib.parse import parse_qs

    auth_uri = identity.flow_start(user=recruiter, with_rooms=False)
    state = parse_qs(urlsplit(auth_uri).query)["state"][0]

    refused = identity.flow_redeem(
        user=recruiter,
        params={
            "error": "access_denied",
            "error_description": "the user canceled the authentication",
            "state": state,
        },
    )

    assert refused.problem.kind == "cancelled"
    assert not idp.token_calls()


@pytest.mark.parametrize("code", [700082, 50173])
def test_refresh_errors_ask_for_a_reconnect(connection, idp, code, mailoutbox) -> None:
    identity = product(IDENTITY_MODULE)
    errors = product(ERRORS_MODULE)
    idp.mock.replace("POST", idp.token_endpoint(TENANT_ID), json=idf.aadsts_error(code), status=400)

    with pytest.raises(errors.ReconnectNeeded) as raised:
        identity.token_for(connection, force_refresh=True)

    assert raised.value.code == f"AADSTS{code}"
    connection.refresh_from_db()
    assert connection.state == "reconnect"
    assert connection.last_error_code == f"AADSTS{code}"


def _connect_with_scope(idp, recruiter, scope: str) -> tuple[Any, Any]:
    from urllib.parse import parse_qs

    from calendar_integration.models import MicrosoftConnection

    from .conftest import token_response

    identity = product(IDENTITY_MODULE)
    auth_uri = identity.flow_start(user=recruiter, with_rooms=False)
    query = {k: v[0] for k, v in parse_qs(urlsplit(auth_uri).query).items()}
    idp.answer_token(
        "organizations", token_response(scope=scope, id_token=idp.id_token(nonce=query["nonce"]))
    )
    redeemed = identity.flow_redeem(user=recruiter, params={"code": DOCUMENTED_CODE,
                                                            "state": query["state"]})  # fmt: skip
    conn = MicrosoftConnection.objects.create(
        user=recruiter, company=recruiter.company, tenant_id=redeemed.tenant_id,
        oid=redeemed.oid, upn=redeemed.upn, requested_scopes=identity.BASE_SCOPES,
        granted_scopes=redeemed.granted_scopes, state="no_rooms",
    )  # fmt: skip
    identity.token_state_store(conn, cache_json=redeemed.cache_json)
    idp.answer_token(TENANT_ID, token_response(scope=scope, id_token=idp.id_token(nonce="")))
    return conn, redeemed


def _refreshes_for_three_tokens(idp, conn) -> int:
    identity = product(IDENTITY_MODULE)
    before = len(idp.token_calls())
    for _ in range(3):
        identity.token_for(conn)
    return len(idp.token_calls()) - before


def test_the_access_token_is_reused_when_the_answer_names_scopes_as_asked(idp, recruiter) -> None:
    conn, _redeemed = _connect_with_scope(
        idp, recruiter, "User.Read Calendars.ReadWrite openid profile offline_access"
    )

    # The sign-in's token serves (MSAL filed it under "organizations", we ask with the tenant).
    assert _refreshes_for_three_tokens(idp, conn) == 0


def test_the_access_token_is_reused_when_the_answer_names_scopes_as_urls(idp, recruiter) -> None:
    # The documented example's scope, URL-decoded, for the product's scopes.
    scope = (
        "https://graph.microsoft.com/User.Read https://graph.microsoft.com/Calendars.ReadWrite "
        "openid profile offline_access"
    )
    conn, redeemed = _connect_with_scope(idp, recruiter, scope)

    assert {"User.Read", "Calendars.ReadWrite"} <= set(redeemed.granted_scopes)
    assert _refreshes_for_three_tokens(idp, conn) == 0


# --- admin consent (v2-admin-consent.md) -----------------------------------------------------


def test_admin_consent_link_has_the_documented_parameters(recruiter, mocked) -> None:
    from urllib.parse import parse_qs

    from calendar_integration.connection import services

    url = services.admin_consent_url(company=recruiter.company)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == idf.AUTHORITY_HOST
    # Before the first connection the tenant is unknown: `organizations`, never `common`.
    assert parts.path == "/organizations/v2.0/adminconsent"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert set(query) == set(idf.ADMIN_CONSENT_REQUEST)
    assert query["client_id"] == settings.M365_CLIENT_ID
    assert query["redirect_uri"] == settings.M365_REDIRECT_URI
    # Scopes as in the example: full Graph URLs, space-separated.
    assert query["scope"].split() == [
        "https://graph.microsoft.com/User.Read",
        "https://graph.microsoft.com/Calendars.ReadWrite",
        "https://graph.microsoft.com/Place.Read.All",
    ]
    assert services.admin_consent_verify_state(query["state"]) == recruiter.company_id


def _admin_consent_answer(recruiter, documented: dict) -> Any:
    from urllib.parse import parse_qs

    from django.test import Client
    from django.urls import reverse

    from calendar_integration.connection import services

    url = services.admin_consent_url(company=recruiter.company)
    state = parse_qs(urlsplit(url).query)["state"][0]
    client = Client()
    client.force_login(recruiter)
    return client.get(reverse("calendar_integration:callback"), {**documented, "state": state})


def test_documented_admin_consent_success_is_shown_as_granted(recruiter, mocked) -> None:
    page = _admin_consent_answer(recruiter, idf.ADMIN_CONSENT_SUCCESS)

    assert page.status_code == 200
    assert "Zustimmung erteilt" in page.content.decode()


def test_documented_admin_consent_error_is_shown_as_cancelled_with_its_code(
    recruiter, mocked
) -> None:
    page = _admin_consent_answer(recruiter, idf.ADMIN_CONSENT_ERROR)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Zustimmung nicht erteilt" in html and "abgebrochen" in html
    assert "AADSTS65004" in html
