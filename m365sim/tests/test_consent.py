"""Consent: user consent, admin-only scopes (90094), the approval workflow (90095), cancel."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from m365sim.models import ConsentRequest, Grant
from m365sim.tests.harness import SignInStopped

SCOPES = ["User.Read", "Calendars.ReadWrite"]


def _start(m365, scopes=SCOPES, **kw):
    app = m365.msal_app()
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=m365.redirect_uri, **kw)
    return app, flow


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_consent_page_lists_the_permissions_in_german(m365):
    _, flow = _start(m365, ["Calendars.ReadWrite"])
    browser = m365.browser()
    page = browser.submit(
        browser.open(flow["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert "Angeforderte Berechtigungen" in page.text
    assert "Vollzugriff auf Ihre Kalender" in page.text
    assert "Zustimmung im Namen Ihrer Organisation" not in page.text  # not an admin


def test_user_consent_is_stored_for_the_user_and_not_asked_again(m365):
    app, flow = _start(m365)
    m365.sign_in(flow["auth_uri"])
    grant = Grant.objects.get(principal=m365.recruiter)
    assert set(grant.scopes) >= {"User.Read", "Calendars.ReadWrite", "offline_access"}

    _, second = _start(m365)
    browser = m365.browser()
    answer = browser.submit(
        browser.open(second["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert answer.status_code == 302 and "code=" in answer.headers["Location"]


def test_cancel_on_the_consent_page_is_access_denied_65004(m365):
    app, flow = _start(m365)
    url = m365.sign_in(flow["auth_uri"], accept=False)

    query = _query(url)
    assert query["error"] == "access_denied"
    assert query["error_description"].startswith("AADSTS65004: User declined to consent")
    assert query["state"] == flow["state"]
    result = app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))
    assert result["error"] == "access_denied"


def test_back_on_the_sign_in_page_is_access_denied_with_subcode_cancel(m365):
    _, flow = _start(m365)
    browser = m365.browser()
    answer = browser.submit(browser.open(flow["auth_uri"]), action="cancel")
    query = _query(answer.headers["Location"])
    assert query["error"] == "access_denied" and query["error_subcode"] == "cancel"


def test_place_read_all_needs_admin_approval_90094(m365):
    app, flow = _start(m365, [*SCOPES, "Place.Read.All"])

    with pytest.raises(SignInStopped) as stopped:
        m365.sign_in(flow["auth_uri"])

    assert stopped.value.aadsts == 90094
    assert "Administratorgenehmigung erforderlich" in stopped.value.page


def test_going_back_from_need_admin_approval_redirects_access_denied(m365):
    app, flow = _start(m365, [*SCOPES, "Place.Read.All"])
    browser = m365.browser()
    page = browser.submit(
        browser.open(flow["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    answer = browser.submit(page, action="back")

    query = _query(answer.headers["Location"])
    assert query["error"] == "access_denied"
    assert query["error_description"].startswith(
        "AADSTS90094: The grant requires admin permission."
    )
    assert query["error_uri"] == "https://login.microsoftonline.com/error?code=90094"
    result = app.acquire_token_by_auth_code_flow(
        flow, m365.auth_response(answer.headers["Location"])
    )
    assert result["error"] == "access_denied"


def test_disabled_user_consent_needs_admin_approval_even_for_user_read_90093(m365):
    m365.tenant.users_may_consent = False
    m365.tenant.save()
    _, flow = _start(m365, ["User.Read"])

    with pytest.raises(SignInStopped) as stopped:
        m365.sign_in(flow["auth_uri"])
    # Tenant policy forbids user consent: AADSTS90093 (entra-docs,
    # application-sign-in-unexpected-user-consent-error.md).
    assert stopped.value.aadsts == 90093


def test_with_the_workflow_a_user_requests_approval_90095(m365):
    m365.tenant.users_may_consent = False
    m365.tenant.admin_consent_workflow = True
    m365.tenant.save()
    _, flow = _start(m365)
    browser = m365.browser()
    page = browser.submit(
        browser.open(flow["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert 'data-aadsts="90095"' in page.text and "Genehmigung erforderlich" in page.text

    sent = browser.submit(page, action="request", justification="Für Termine")
    answer = browser.submit(sent, action="back")

    request = ConsentRequest.objects.get()
    assert request.requested_by == m365.recruiter and request.justification == "Für Termine"
    assert _query(answer.headers["Location"])["error_description"].startswith("AADSTS90095:")


def test_an_admin_consents_for_the_organisation(m365):
    _, flow = _start(m365, [*SCOPES, "Place.Read.All"])
    m365.sign_in(flow["auth_uri"], email=m365.admin.email, org_consent=True)
    tenant_wide = Grant.objects.get(principal__isnull=True)
    assert "Place.Read.All" in tenant_wide.scopes

    app, second = _start(m365, [*SCOPES, "Place.Read.All"])
    browser = m365.browser()
    answer = browser.submit(
        browser.open(second["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert answer.status_code == 302  # no consent page for the recruiter any more
    result = app.acquire_token_by_auth_code_flow(
        second, m365.auth_response(answer.headers["Location"])
    )
    assert "https://graph.microsoft.com/Place.Read.All" in result["scope"].split()


def test_an_admin_without_the_checkbox_consents_only_for_themself(m365):
    _, flow = _start(m365, [*SCOPES, "Place.Read.All"])
    m365.sign_in(flow["auth_uri"], email=m365.admin.email)

    assert not Grant.objects.filter(principal__isnull=True).exists()
    assert "Place.Read.All" in Grant.objects.get(principal=m365.admin).scopes


def test_prompt_consent_shows_the_consent_page_again(m365):
    _, flow = _start(m365)
    m365.sign_in(flow["auth_uri"])
    _, again = _start(m365, prompt="consent")
    browser = m365.browser()
    page = browser.submit(
        browser.open(again["auth_uri"]),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert "Angeforderte Berechtigungen" in page.text


def test_prompt_none_without_a_session_is_login_required(m365):
    _, flow = _start(m365, prompt="none")
    answer = m365.browser().open(flow["auth_uri"])
    query = _query(answer.headers["Location"])
    assert query["error"] == "login_required" and query["error_description"].startswith(
        "AADSTS50058"
    )


def test_prompt_none_with_a_session_but_no_consent_is_consent_required_65001(m365):
    browser = m365.browser()
    _, flow = _start(m365, ["User.Read"])
    m365.sign_in(flow["auth_uri"], browser=browser)  # session + consent for User.Read only

    _, silent = _start(m365, ["Calendars.ReadWrite"], prompt="none")
    query = _query(browser.open(silent["auth_uri"]).headers["Location"])
    assert query["error"] == "consent_required"
    assert query["error_description"].startswith("AADSTS65001:")


def test_prompt_none_with_session_and_consent_returns_a_code(m365):
    browser = m365.browser()
    _, flow = _start(m365)
    m365.sign_in(flow["auth_uri"], browser=browser)

    app, silent = _start(m365, prompt="none")
    url = browser.open(silent["auth_uri"]).headers["Location"]
    assert "access_token" in app.acquire_token_by_auth_code_flow(silent, m365.auth_response(url))


def test_prompt_login_asks_for_the_password_despite_the_session(m365):
    browser = m365.browser()
    _, flow = _start(m365)
    m365.sign_in(flow["auth_uri"], browser=browser)

    _, again = _start(m365, prompt="login")
    assert 'name="passwd"' in browser.open(again["auth_uri"]).text
