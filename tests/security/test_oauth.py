"""OAuth and redirects, beyond calendar_integration/tests/test_callback_security.py (state,
replay, other user, foreign tenant, `next` on connect_start): `next` on every other endpoint
that takes one, more spellings of a foreign target, PKCE code swap, expired and parallel flows."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calendar_integration.models import AuthFlow, MicrosoftConnection
from calendar_integration.tests.conftest import local, start
from ebms.recruiting.tests import factories as f

from .conftest import client_for

EVIL = [
    "//evil.com",
    "\\\\evil.com",
    "javascript:alert(1)",
    "https://evil.com",
    "/\\evil.com",
    "///evil.com",
    "https:evil.com",
    " //evil.com",
    "\t//evil.com",
    "http://testserver@evil.com",
    "https://testserver.evil.com/",
    "data:text/html,<script>alert(1)</script>",
]


def _leaves_site(location: str) -> bool:
    parts = urlsplit(location.strip().replace("\\", "/"))
    return bool(parts.netloc and parts.netloc != "testserver") or parts.scheme not in ("", "http")


@pytest.fixture
def alice(world):
    return world["alice"]


@pytest.fixture
def rita(world):
    """A recruiter of company A without any Microsoft connection yet."""
    return f.user(company=world["alice"].company, role="recruiter", first_name="Rita")


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_site(world, target):
    client = Client()
    page = client.get(reverse("accounts:login"), {"next": target})
    assert page.context["next"] == ""  # the login form does not carry it on
    response = client.post(
        reverse("accounts:login") + "?" + urlencode({"next": target}),
        {"username": world["alice"].email, "password": f.PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert not _leaves_site(response["Location"]), response["Location"]
    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize("target", EVIL)
def test_logout_never_redirects_off_site(alice, target):
    response = client_for(alice).post(reverse("accounts:logout"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_redirects_off_site(alice, target):
    response = client_for(alice).post(
        reverse("set_language"), {"language": "en", "next": target}, HTTP_REFERER=target
    )
    assert response.status_code == 302
    assert not _leaves_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_the_connect_page_does_not_carry_a_foreign_next_into_its_buttons(alice, target):
    page = client_for(alice).get(reverse("calendar_integration:connect"), {"next": target})
    assert page.status_code == 200
    assert page.context["next_url"] == ""
    assert 'name="next" value=""' in page.content.decode()


@pytest.mark.parametrize("target", EVIL[5:])  # the first five are in test_callback_security
def test_connect_start_refuses_more_spellings_of_a_foreign_next(alice, target):
    page = start(client_for(alice), rooms=False, next_url=target)
    assert page.status_code == 400
    assert not AuthFlow.objects.exists()


def test_the_authorize_url_carries_s256_pkce_nonce_and_a_fresh_state(m365, alice):
    client = client_for(alice)
    first = parse_qs(urlsplit(start(client, rooms=False)["Location"]).query)
    second = parse_qs(urlsplit(start(client, rooms=False)["Location"]).query)

    for query in (first, second):
        assert query["code_challenge_method"] == ["S256"]
        assert len(query["code_challenge"][0]) >= 43
        assert query["nonce"][0] and len(query["state"][0]) >= 16
        assert "code_verifier" not in query  # the verifier stays on the server
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]
    assert AuthFlow.objects.filter(user=alice).count() == 2


def test_a_code_swapped_into_another_flow_fails_pkce_and_stores_nothing(m365, rita):
    """An authorization code only works with the verifier of the flow that asked for it."""
    client = client_for(rita)
    first = start(client, rooms=False)["Location"]
    second = start(client, rooms=False)["Location"]
    redirect = m365.sign_in(first, email=m365.recruiter.email)
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
    query["state"] = parse_qs(urlsplit(second).query)["state"][0]

    page = client.get(urlsplit(redirect).path + "?" + urlencode(query))

    assert page.status_code != 302
    assert "501481" in page.content.decode()  # AADSTS501481: code verifier mismatch
    assert not MicrosoftConnection.objects.filter(user=rita).exists()
    swapped = AuthFlow.objects.get(state=query["state"])
    assert swapped.used_at is not None  # the swapped flow is spent


def test_a_callback_after_the_flow_expired_is_refused(m365, rita):
    client = client_for(rita)
    redirect = m365.sign_in(start(client, rooms=False)["Location"], email=m365.recruiter.email)
    AuthFlow.objects.update(created_at=timezone.now() - timedelta(minutes=16))

    page = client.get(local(redirect))

    assert page.status_code == 400
    assert not MicrosoftConnection.objects.filter(user=rita).exists()


def test_an_anonymous_callback_goes_to_the_login_and_redeems_nothing(m365, rita):
    client = client_for(rita)
    redirect = m365.sign_in(start(client, rooms=False)["Location"], email=m365.recruiter.email)

    response = Client().get(local(redirect))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert AuthFlow.objects.get().used_at is None
    assert not MicrosoftConnection.objects.filter(user=rita).exists()
