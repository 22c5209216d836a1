"""Fixtures: Muster GmbH with the feature booked, its people, and two ways to connect.

`connect(...)` drives the whole flow like a person: POST "Account verbinden" in EBMS, follow
the redirect to the simulator, sign in / consent there over HTTP, come back to the callback
(which also runs the function check and loads the rooms).
`signed_in(...)` is for tests that need a connected recruiter but do not test the sign-in:
what a finished sign-in leaves behind, from one password grant (real MSAL over the product's
MicrosoftSession to the simulator) stored by the product's one writer of token state.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from calendar_integration.availability.rooms import rooms_refresh_first
from calendar_integration.microsoft import identity
from calendar_integration.microsoft.http import MicrosoftSession
from calendar_integration.models import MicrosoftConnection
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_activate


@pytest.fixture
def muster(db) -> Company:
    company = Company.objects.create(name="Muster GmbH")
    booking_activate(company=company, by=None)
    return company


@pytest.fixture
def beispiel(db) -> Company:
    company = Company.objects.create(name="Beispiel AG")
    booking_activate(company=company, by=None)
    return company


def _user(email, company, role, first="", last=""):
    return User.objects.create_user(
        email, "pw-" + email, company=company, role=role, first_name=first, last_name=last
    )


@pytest.fixture
def carol(muster) -> User:
    """Company admin of Muster GmbH."""
    return _user("carol@muster.example", muster, Role.COMPANY_ADMIN, "Carol", "Admin")


@pytest.fixture
def alice(muster) -> User:
    return _user("alice@muster.example", muster, Role.RECRUITER, "Alice", "Recruiter")


@pytest.fixture
def dave(muster) -> User:
    return _user("dave@muster.example", muster, Role.RECRUITER, "Dave", "Recruiter")


@pytest.fixture
def tom(muster) -> User:
    """Temporary recruiter account for the tenant admin (no EBMS profile of his own)."""
    return _user("it-admin@muster.example", muster, Role.RECRUITER, "Tom", "IT")


@pytest.fixture
def olga(muster) -> User:
    return _user("olga@muster.example", muster, Role.OBSERVER, "Olga", "Observer")


@pytest.fixture
def mallory(beispiel) -> User:
    return _user("mallory@beispiel.example", beispiel, Role.COMPANY_ADMIN)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def local(url: str) -> str:
    """Path and query of an absolute URL (the test client talks to the app directly)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Journey:
    client: Client
    authorize_url: str = ""
    redirect_url: str = ""
    response: object = None  # the callback's response


def start(client: Client, *, rooms: bool, next_url: str = ""):
    return client.post(
        reverse("calendar_integration:connect_start"),
        {"rooms": "1" if rooms else "0", "next": next_url},
    )


def connect(
    m365,
    user_or_client,
    *,
    email: str,
    rooms: bool = True,
    org_consent: bool = False,
    accept: bool = True,
    browser=None,
) -> Journey:
    """EBMS start -> simulator sign-in (+ consent) -> EBMS callback."""
    client = user_or_client if isinstance(user_or_client, Client) else client_for(user_or_client)
    journey = Journey(client=client)
    response = start(client, rooms=rooms)
    assert response.status_code == 302, response.content[:500]
    journey.authorize_url = response["Location"]
    journey.redirect_url = m365.sign_in(
        journey.authorize_url, email=email, accept=accept, org_consent=org_consent, browser=browser
    )
    journey.response = client.get(local(journey.redirect_url))
    return journey


def back_from_approval(m365, authorize_url: str, *, email: str) -> str:
    """Sign in, land on "Need admin approval", click "back to the app": the redirect URL."""
    browser = m365.browser()
    page = browser.open(authorize_url)
    page = browser.submit(page, login=email, passwd=m365.password, action="sign_in")
    assert page.status_code == 200 and "/approval" in page.text, page.text[:300]
    back = browser.submit(page, action="back")
    assert back.status_code == 302
    return back.headers["Location"]


def signed_in(m365, user: User, *, email: str, rooms: bool = False) -> MicrosoftConnection:
    """`user` connected to the simulator mailbox `email` without the browser round trip.

    The user consents to the base scopes (as on the consent page); rooms need the tenant-wide
    admin consent the test grants itself. The company binds to the tenant and, with rooms,
    the room list is loaded and a token for the tenant is cached, as after `connect`. No
    function check runs.
    """
    import msal
    from django.conf import settings
    from django.utils import timezone

    from m365sim.models import Mailbox

    m365.grant_user_consent(Mailbox.objects.get(email=email.lower()), identity.BASE_SCOPES)
    cache = msal.SerializableTokenCache()
    app = msal.ConfidentialClientApplication(
        settings.M365_CLIENT_ID,
        client_credential=settings.M365_CLIENT_SECRET,
        authority=identity.authority_url(),
        http_client=MicrosoftSession(),
        token_cache=cache,
    )
    result = app.acquire_token_by_username_password(
        email, m365.password, scopes=identity.scopes_for(with_rooms=rooms)
    )
    assert "access_token" in result, result
    claims = result["id_token_claims"]
    granted = identity.short_scopes(result.get("scope", ""))
    company = user.company
    if not company.microsoft_tenant_id:
        company.microsoft_tenant_id = claims["tid"]
        company.save(update_fields=["microsoft_tenant_id"])
    now = timezone.now()
    connection = MicrosoftConnection.objects.create(
        user=user, company=company, tenant_id=claims["tid"]
    )
    identity.token_state_store(
        connection,
        cache_json=cache.serialize(),
        oid=claims["oid"],
        upn=claims.get("preferred_username", "") or email,
        display_name=claims.get("name", "")[:200],
        with_rooms=rooms,
        requested_scopes=identity.scopes_for(with_rooms=rooms),
        granted_scopes=granted,
        state=identity.connection_state_after_signin(granted=granted),
        connected_at=now,
        last_refresh_at=now,
        last_used_at=now,
    )
    # The callback's function check takes the first token for the tenant: the same cache state.
    identity.token_for(connection)
    if connection.has_rooms:
        rooms_refresh_first(connection=connection)
    return connection
