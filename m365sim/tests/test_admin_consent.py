"""The admin consent endpoint /{tenant}/v2.0/adminconsent."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from m365sim.models import Grant

SCOPE = "https://graph.microsoft.com/Place.Read.All https://graph.microsoft.com/Calendars.ReadWrite"


def _url(m365, tenant="organizations"):
    query = urlencode(
        {
            "client_id": str(m365.app.client_id),
            "scope": SCOPE,
            "redirect_uri": m365.redirect_uri,
            "state": "s-123",
        }
    )
    return f"{m365.base_url}/login/{tenant}/v2.0/adminconsent?{query}"


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_an_admin_grants_tenant_wide_consent(m365):
    url = m365.sign_in(_url(m365), email=m365.admin.email)

    query = _query(url)
    assert query == {
        "admin_consent": "True",
        "tenant": str(m365.tenant.id),
        "scope": SCOPE,
        "state": "s-123",
    }
    grant = Grant.objects.get(principal__isnull=True)
    assert {"Place.Read.All", "Calendars.ReadWrite"} <= set(grant.scopes)


def test_cancelled_admin_consent_is_consent_required_65004_without_tenant(m365):
    url = m365.sign_in(_url(m365), email=m365.admin.email, accept=False)

    query = _query(url)
    assert query["error"] == "consent_required"  # v2-admin-consent.md "Error response"
    assert query["admin_consent"] == "True" and query["state"] == "s-123"
    assert query["error_description"].startswith("AADSTS65004")
    assert "tenant" not in query


def test_a_non_admin_gets_need_admin_approval(m365):
    browser = m365.browser()
    page = browser.submit(
        browser.open(_url(m365, str(m365.tenant.id))),
        login=m365.recruiter.email,
        passwd=m365.password,
        action="sign_in",
    )
    assert 'data-aadsts="90094"' in page.text
    answer = browser.submit(page, action="back")
    query = _query(answer.headers["Location"])
    assert query["error"] == "access_denied" and query["admin_consent"] == "True"
    assert not Grant.objects.exists()


def test_common_is_refused_for_admin_consent(m365):
    # v2-admin-consent: "Do not use 'common'"; a tenant or `organizations` is required.
    page = m365.browser().open(_url(m365, tenant="common"))

    assert 'data-aadsts="50000"' in page.text
    assert not Grant.objects.exists()
