"""Each sign-in error ends on a clear page with Microsoft's code; nothing is stored."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from calendar_integration.models import AuthFlow, MicrosoftConnection
from m365sim.identity.errors import AadError, redirect_error_url
from m365sim.tests.harness import SignInStopped

from .conftest import client_for, connect, local, start


def _state(authorize_url: str) -> str:
    return parse_qs(urlsplit(authorize_url).query)["state"][0]


def _microsoft_error_redirect(m365, client, code: int, error: str, **params) -> object:
    """A started flow answered by Microsoft with an error redirect (as the identity platform shapes it)."""
    state = _state(start(client, rooms=True)["Location"])
    url = redirect_error_url(m365.redirect_uri, AadError(error, code, params), state=state)
    return client.get(local(url))


@pytest.mark.parametrize(
    ("code", "error", "title"),
    [
        (50105, "invalid_grant", "Sie sind der EBMS-App nicht zugewiesen"),
        (700016, "unauthorized_client", "in Ihrem Tenant noch nicht eingerichtet"),
        (65004, "access_denied", "Anmeldung abgebrochen"),
        (53003, "access_denied", "Anmeldung abgelaufen"),
        (50020, "invalid_request", "Microsoft hat die Anmeldung abgelehnt"),
    ],
)
def test_error_redirects_end_on_a_clear_page_with_the_code(m365, muster, alice, code, error, title):
    page = _microsoft_error_redirect(m365, client_for(alice), code, error)

    text = page.content.decode()
    assert title in text
    assert f"AADSTS{code}" in text
    assert not MicrosoftConnection.objects.exists()


def test_cancel_on_the_consent_page_is_shown_as_cancelled(m365, muster, alice):
    journey = connect(m365, alice, email=m365.recruiter.email, rooms=False, accept=False)

    assert "Anmeldung abgebrochen" in journey.response.content.decode()
    assert not MicrosoftConnection.objects.exists()
    assert AuthFlow.objects.get(user=alice).outcome == "cancelled"


def test_unassigned_user_is_stopped_by_microsoft_and_ebms_explains_assignment(m365, muster, alice):
    m365.grant_admin_consent(["User.Read", "Calendars.ReadWrite", "Place.Read.All"])
    sp = m365.service_principal()
    sp.assignment_required = True
    sp.save()

    with pytest.raises(SignInStopped) as stopped:
        connect(m365, alice, email=m365.recruiter.email)
    assert stopped.value.aadsts == 50105
    info = client_for(alice).get(reverse("calendar_integration:admin_info")).content.decode()
    assert "AADSTS50105" in info and "Benutzer und Gruppen" in info


def test_first_sign_in_attempt_creates_the_enterprise_app(m365, muster, alice):
    assert m365.service_principal() is None
    connect(m365, alice, email=m365.recruiter.email, rooms=False, accept=False)
    assert m365.service_principal() is not None


def test_consent_required_at_redemption_retries_once_with_the_consent_prompt(m365, muster, alice):
    client = client_for(alice)
    authorize_url = start(client, rooms=False)["Location"]
    redirect_url = m365.sign_in(authorize_url, email=m365.recruiter.email)
    # Consent withdrawn between sign-in and redemption: the token endpoint answers 65001.
    m365.service_principal().grants.all().delete()

    retry = client.get(local(redirect_url))

    assert retry.status_code == 302
    assert "prompt=consent" in retry["Location"]
    # Consent again on the second round: connected.
    final = client.get(local(m365.sign_in(retry["Location"], email=m365.recruiter.email)))
    assert final.status_code == 302, final.content.decode()[-3000:]
    assert MicrosoftConnection.objects.filter(user=alice).exists()


def test_consent_required_twice_in_a_row_shows_guidance_not_a_third_sign_in(m365, muster, alice):
    client = client_for(alice)
    authorize_url = start(client, rooms=False)["Location"]
    for _round in range(2):
        redirect_url = m365.sign_in(authorize_url, email=m365.recruiter.email)
        m365.service_principal().grants.all().delete()
        response = client.get(local(redirect_url))
        if response.status_code == 302:
            authorize_url = response["Location"]
    assert response.status_code == 200
    assert "Administrator-Zustimmung erforderlich" in response.content.decode()
    assert AuthFlow.objects.filter(user=alice).count() == 2
