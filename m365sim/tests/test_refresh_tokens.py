"""Refresh tokens: rotation, 90 days of inactivity, revocation, removed consent."""

from __future__ import annotations

from m365sim.identity import directory

SCOPES = ["User.Read", "Calendars.ReadWrite"]


def _tokens(m365):
    app = m365.msal_app()
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=m365.redirect_uri)
    result = app.acquire_token_by_auth_code_flow(
        flow, m365.auth_response(m365.sign_in(flow["auth_uri"]))
    )
    return app, result


def test_each_refresh_returns_a_new_refresh_token(m365):
    app, first = _tokens(m365)

    second = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    assert "access_token" in second, second
    assert second["refresh_token"] != first["refresh_token"]
    assert second["id_token_claims"]["oid"] == str(m365.recruiter.object_id)


def test_the_old_refresh_token_stays_valid_as_at_microsoft(m365):
    # "Refresh tokens aren't revoked when used to acquire new access tokens" (auth-code flow doc)
    app, first = _tokens(m365)
    app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    again = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    assert "access_token" in again


def test_strict_rotation_rejects_a_replaced_refresh_token(m365):
    m365.tenant.strict_refresh_rotation = True
    m365.tenant.save()
    app, first = _tokens(m365)
    second = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    old = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)
    new = app.acquire_token_by_refresh_token(second["refresh_token"], SCOPES)

    assert old["error"] == "invalid_grant" and old["error_codes"] == [70008]
    assert "access_token" in new


def test_a_refresh_token_unused_for_90_days_fails_with_700082(m365):
    app, first = _tokens(m365)
    m365.advance_clock(days=90, minutes=1)

    result = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    assert result["error"] == "invalid_grant"
    assert result["error_codes"] == [700082]
    assert "was inactive for 90.00:00:00" in result["error_description"]


def test_using_a_refresh_token_keeps_it_alive(m365):
    app, first = _tokens(m365)
    m365.advance_clock(days=80)
    assert "access_token" in app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)
    m365.advance_clock(days=80)

    assert "access_token" in app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)


def test_revoked_sessions_fail_with_50173(m365):
    app, first = _tokens(m365)
    directory.user_sessions_revoke(mailbox=m365.recruiter)

    result = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    assert result["error"] == "invalid_grant" and result["error_codes"] == [50173]


def test_a_removed_grant_makes_the_refresh_fail_with_65001(m365):
    app, first = _tokens(m365)
    for grant in m365.service_principal().grants.all():
        directory.grant_revoke(grant=grant)

    result = app.acquire_token_by_refresh_token(first["refresh_token"], SCOPES)

    assert result["error"] == "invalid_grant"
    assert result["error_codes"] == [65001]
    assert result["suberror"] == "consent_required"


def test_silent_acquisition_refreshes_an_expired_access_token(m365):
    app, first = _tokens(m365)
    account = app.get_accounts()[0]
    m365.advance_clock(hours=2)  # simulator-side only: MSAL still thinks the AT is fresh

    silent = app.acquire_token_silent_with_error(SCOPES, account=account, force_refresh=True)

    assert silent["access_token"] != first["access_token"]


def test_silent_acquisition_reports_the_inactivity_error(m365):
    app, _ = _tokens(m365)
    account = app.get_accounts()[0]
    m365.advance_clock(days=91)

    result = app.acquire_token_silent_with_error(SCOPES, account=account, force_refresh=True)

    assert result["error"] == "invalid_grant" and result["error_codes"] == [700082]
