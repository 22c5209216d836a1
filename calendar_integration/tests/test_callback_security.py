"""Bad input and attacks on the callback: refused with a clear page, nothing stored."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from calendar_integration.models import AuthFlow, MicrosoftConnection

from .conftest import client_for, connect, local, start


def _signed_in_redirect(m365, client, *, email, rooms=False) -> str:
    authorize_url = start(client, rooms=rooms)["Location"]
    return m365.sign_in(authorize_url, email=email)


def _with(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    query = {k: v for k, v in query.items() if v is not None}
    from urllib.parse import urlencode

    return parts.path + "?" + urlencode(query)


def test_missing_state_is_refused(m365, muster, alice):
    client = client_for(alice)
    url = _signed_in_redirect(m365, client, email=m365.recruiter.email)
    page = client.get(_with(url, state=None))
    assert page.status_code == 400
    assert "Ungültige oder abgelaufene Anfrage" in page.content.decode()
    assert not MicrosoftConnection.objects.exists()


def test_tampered_state_is_refused(m365, muster, alice):
    client = client_for(alice)
    url = _signed_in_redirect(m365, client, email=m365.recruiter.email)
    page = client.get(_with(url, state="x" * 16))
    assert page.status_code == 400
    assert not MicrosoftConnection.objects.exists()


def test_callback_without_a_started_flow_is_refused(m365, muster, alice):
    page = client_for(alice).get(
        "/kalender/verbinden/callback/", {"code": "0.Afake", "state": "abc"}
    )
    assert page.status_code == 400
    assert not MicrosoftConnection.objects.exists()


def test_a_replayed_callback_is_refused_and_changes_nothing(m365, muster, alice):
    client = client_for(alice)
    url = _signed_in_redirect(m365, client, email=m365.recruiter.email)
    assert client.get(local(url)).status_code == 302
    before = MicrosoftConnection.objects.get(user=alice).token_cache_encrypted

    again = client.get(local(url))

    assert again.status_code == 400
    assert "bereits verwendet" in again.content.decode()
    assert bytes(MicrosoftConnection.objects.get(user=alice).token_cache_encrypted) == bytes(before)


def test_a_callback_for_another_users_flow_is_refused(m365, muster, alice, dave):
    url = _signed_in_redirect(m365, client_for(alice), email=m365.recruiter.email)

    page = client_for(dave).get(local(url))

    assert page.status_code == 400
    assert "anderen EBMS-Benutzer gestartet" in page.content.decode()
    assert not MicrosoftConnection.objects.exists()
    assert AuthFlow.objects.get(user=alice).used_at is None  # alice can still finish


def test_a_user_of_another_company_cannot_use_the_flow(m365, muster, alice, mallory):
    url = _signed_in_redirect(m365, client_for(alice), email=m365.recruiter.email)
    page = client_for(mallory).get(local(url))
    assert page.status_code == 400
    assert not MicrosoftConnection.objects.exists()


def test_an_account_of_a_foreign_tenant_is_refused(m365, muster, alice):
    muster.microsoft_tenant_id = "11111111-2222-3333-4444-555555555555"
    muster.save()

    journey = connect(m365, alice, email=m365.recruiter.email, rooms=False)

    assert journey.response.status_code == 400
    assert "anderen Microsoft-365-Tenant" in journey.response.content.decode()
    assert not MicrosoftConnection.objects.exists()


def test_one_microsoft_account_belongs_to_one_ebms_user(m365, muster, alice, dave):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)

    journey = connect(m365, dave, email=m365.recruiter.email, rooms=False)

    assert "bereits mit einem anderen EBMS-Benutzer verbunden" in journey.response.content.decode()
    assert not MicrosoftConnection.objects.filter(user=dave).exists()


def test_a_company_bound_to_another_tenant_by_another_company_is_independent(
    m365, muster, beispiel, alice, mallory
):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    # The same Microsoft account cannot be linked by a user of another company either.
    journey = connect(m365, mallory, email=m365.recruiter.email, rooms=False)
    assert journey.response.status_code == 400
    assert not MicrosoftConnection.objects.filter(user=mallory).exists()


@pytest.mark.parametrize(
    "target",
    ["//evil.com", "\\\\evil.com", "javascript:alert(1)", "https://evil.com/x", "/\\evil.com"],
)
def test_open_redirects_in_next_are_refused_before_anything_is_stored(muster, alice, target):
    page = start(client_for(alice), rooms=False, next_url=target)
    assert page.status_code == 400
    assert not AuthFlow.objects.exists()


def test_a_local_next_is_followed_after_connecting(m365, muster, alice):
    client = client_for(alice)
    authorize_url = start(client, rooms=False, next_url="/termine/")["Location"]
    done = client.get(local(m365.sign_in(authorize_url, email=m365.recruiter.email)))
    assert done["Location"] == "/termine/"


def test_an_id_token_signed_with_an_unknown_key_is_refused_not_a_crash(m365):
    import jwt as pyjwt
    import pytest
    from cryptography.hazmat.primitives.asymmetric import rsa

    from calendar_integration.microsoft.identity import verify_id_token

    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = pyjwt.encode(
        {"tid": str(m365.tenant.id), "oid": "x", "aud": "y"},
        foreign_key,
        algorithm="RS256",
        headers={"kid": "not-in-the-tenant-jwks"},
    )
    with pytest.raises(pyjwt.PyJWTError):
        verify_id_token(forged)
