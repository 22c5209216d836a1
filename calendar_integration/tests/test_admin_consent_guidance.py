"""F3: consent errors lead to "Administrator-Zustimmung erforderlich", never around a loop."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from calendar_integration.models import AuthFlow, ConnectionState, MicrosoftConnection

from .conftest import back_from_approval, client_for, connect, local, start


def _guidance_from_approval(m365, client, *, email):
    authorize_url = start(client, rooms=True)["Location"]
    redirect_url = back_from_approval(m365, authorize_url, email=email)
    return client.get(local(redirect_url))


def test_recruiter_before_admin_consent_gets_the_guidance_page(m365, muster, alice):
    client = client_for(alice)

    page = _guidance_from_approval(m365, client, email=m365.recruiter.email)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Administrator-Zustimmung erforderlich" in text
    assert "AADSTS90094" in text
    assert "Ohne Räume verbinden" in text
    assert "E-Mail an Ihre IT" in text
    assert not MicrosoftConnection.objects.filter(user=alice).exists()


def test_a_second_consent_failure_in_a_row_shows_the_guidance_again_not_a_redirect(
    m365, muster, alice
):
    client = client_for(alice)
    _guidance_from_approval(m365, client, email=m365.recruiter.email)

    page = _guidance_from_approval(m365, client, email=m365.recruiter.email)

    assert page.status_code == 200
    assert "Administrator-Zustimmung erforderlich" in page.content.decode()
    assert list(AuthFlow.objects.filter(user=alice).values_list("outcome", flat=True)) == [
        "admin_consent",
        "admin_consent",
    ]


def test_the_admin_consent_link_is_tenant_specific_and_reaches_the_simulator(m365, muster, alice):
    muster.microsoft_tenant_id = str(m365.tenant.id)
    muster.save()
    page = _guidance_from_approval(m365, client_for(alice), email=m365.recruiter.email)

    link = page.context["consent_url"]
    parts = urlsplit(link)
    assert parts.path == f"/m365/login/{m365.tenant.id}/v2.0/adminconsent"
    query = parse_qs(parts.query)
    assert query["client_id"] == [str(m365.app.client_id)]
    assert "https://graph.microsoft.com/Place.Read.All" in query["scope"][0].split()
    assert query["redirect_uri"] == [m365.redirect_uri]
    assert "/common/" not in link


def test_admin_consent_link_grants_and_the_recruiter_then_gets_rooms(m365, muster, alice):
    client = client_for(alice)
    page = _guidance_from_approval(m365, client, email=m365.recruiter.email)

    # The IT admin opens the link from the e-mail and consents for the organisation.
    browser = m365.browser()
    login = browser.open(page.context["consent_url"])
    consent = browser.submit(login, login=m365.admin.email, passwd=m365.password, action="sign_in")
    done = browser.submit(consent, action="accept")
    assert done.status_code == 302
    result = client.get(local(done.headers["Location"]))
    assert "Zustimmung erteilt" in result.content.decode()
    assert not MicrosoftConnection.objects.exists()  # the callback trusts nothing, stores nothing

    journey = connect(m365, client, email=m365.recruiter.email, rooms=True)
    assert MicrosoftConnection.objects.get(user=alice).state == ConnectionState.ACTIVE
    assert journey.response.status_code == 302


def test_admin_consent_callback_with_forged_state_is_refused(m365, muster, alice):
    page = client_for(alice).get(
        "/kalender/verbinden/callback/",
        {"admin_consent": "True", "tenant": str(m365.tenant.id), "state": "forged"},
    )
    assert page.status_code == 400
    assert "Ungültige oder abgelaufene Anfrage" in page.content.decode()


def test_rooms_not_granted_connects_without_rooms_and_explains(m365, muster, alice):
    # The tenant granted the calendar scopes org-wide, but not Place.Read.All.
    m365.grant_admin_consent(
        ["User.Read", "Calendars.ReadWrite", "openid", "profile", "offline_access"]
    )
    client = client_for(alice)
    authorize_url = start(client, rooms=True)["Location"]
    redirect_url = back_from_approval(m365, authorize_url, email=m365.recruiter.email)
    page = client.get(local(redirect_url))
    assert "Administrator-Zustimmung erforderlich" in page.content.decode()

    # "Ohne Räume verbinden" meanwhile: no admin step needed.
    connect(m365, client, email=m365.recruiter.email, rooms=False)
    connection = MicrosoftConnection.objects.get(user=alice)
    assert connection.state == ConnectionState.NO_ROOMS
    rooms = next(i for i in connection.checks.get().items if i["key"] == "rooms")
    assert rooms["status"] == "warning"


def test_a_tenant_forbidding_user_consent_90093_gets_the_admin_consent_guidance(
    m365, muster, alice
):
    m365.tenant.users_may_consent = False
    m365.tenant.save()
    client = client_for(alice)

    page = _guidance_from_approval(m365, client, email=m365.recruiter.email)

    text = page.content.decode()
    assert "Administrator-Zustimmung erforderlich" in text
    assert "AADSTS90093" in text
    assert not MicrosoftConnection.objects.filter(user=alice).exists()
