"""The password grant (ROPC) as MSAL's acquire_token_by_username_password uses it."""

from __future__ import annotations

SCOPES = ["User.Read", "Calendars.ReadWrite"]


def test_a_consented_user_gets_tokens_with_the_password(m365):
    m365.grant_user_consent(m365.recruiter, [*SCOPES, "openid", "profile", "offline_access"])
    app = m365.msal_app()

    result = app.acquire_token_by_username_password(m365.recruiter.email, m365.password, SCOPES)

    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == m365.recruiter.email
    assert app.get_accounts()[0]["username"] == m365.recruiter.email


def test_a_wrong_password_is_invalid_grant_50126(m365):
    result = m365.msal_app().acquire_token_by_username_password(
        m365.recruiter.email, "falsch", SCOPES
    )
    assert result["error"] == "invalid_grant" and result["error_codes"] == [50126]
    assert result["error_description"].startswith(
        "AADSTS50126: Error validating credentials due to invalid username or password."
    )


def test_without_consent_the_password_grant_fails_with_65001(m365):
    result = m365.msal_app().acquire_token_by_username_password(
        m365.recruiter.email, m365.password, SCOPES
    )
    assert result["error"] == "invalid_grant" and result["error_codes"] == [65001]
    assert result["suberror"] == "consent_required"


def test_tenant_wide_consent_covers_the_password_grant(m365):
    m365.grant_admin_consent([*SCOPES, "Place.Read.All", "openid", "profile", "offline_access"])

    result = m365.msal_app().acquire_token_by_username_password(
        m365.recruiter.email, m365.password, ["Place.Read.All"]
    )

    granted = {s.removeprefix("https://graph.microsoft.com/") for s in result["scope"].split()}
    assert granted >= {"Place.Read.All", "Calendars.ReadWrite", "User.Read"}


def test_the_first_attempt_creates_the_service_principal_even_if_it_fails(m365):
    assert m365.service_principal() is None

    m365.msal_app().acquire_token_by_username_password(m365.recruiter.email, "falsch", SCOPES)

    assert m365.service_principal() is not None
