"""Contract suite: the product's Microsoft client against Microsoft's documented examples.

The product modules are imported through the names below, so a restructure (issue 10 moves
graph/client.py into calendar_integration/microsoft/) is one edit here.

Fixtures:
- `mocked`: a `responses` mock in Microsoft mode (real hosts, no simulator mapping).
- `idp`: the identity platform on `mocked` (discovery, JWKS, token endpoint).
- `connection`: a MicrosoftConnection signed in through the product's own flow_start /
  flow_redeem against the documented token response; its access token is the documented one.
"""

from __future__ import annotations

import importlib
import inspect
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa

from .fixtures import identity as idf

# --- where the product's Microsoft code lives (repoint here after a restructure) ----------
CLIENT_MODULE = "calendar_integration.microsoft.graph"
ERRORS_MODULE = "calendar_integration.microsoft.errors"
IDENTITY_MODULE = "calendar_integration.microsoft.identity"
CONSENT_MODULE = "calendar_integration.microsoft.consent"
# Helpers the tests read answers with.
FUNCTION_CHECK_MODULE = "calendar_integration.connection.function_check"
WRITE_TIME = ("calendar_integration.microsoft.time", "graph_when")
READ_TIME = ("calendar_integration.microsoft.time", "graph_parse")
GRAPH = "https://graph.microsoft.com/v1.0"  # settings.M365_GRAPH_BASE below + the version


def product(name: str) -> ModuleType:
    """One of the product modules above, e.g. product(CLIENT_MODULE)."""
    return importlib.import_module(name)


def graph_client_class() -> type:
    return product(CLIENT_MODULE).GraphClient


def helper(where: tuple[str, str]) -> Callable[..., Any]:
    """A product function named by (module, name), e.g. helper(WRITE_TIME)."""
    return getattr(product(where[0]), where[1])


def send_batch(client, items: list[dict]) -> dict:
    """client.batch with the documented items (keyword today, positional after issue 10)."""
    if "requests_" in inspect.signature(client.batch).parameters:
        return client.batch(requests_=items)
    return client.batch(items)


def batch_error(answer: Any) -> Exception | None:
    """The product's exception for one $batch answer (None when it succeeded): mapped by
    errors.from_batch_item today, carried as `answer.error` after issue 10."""
    if hasattr(answer, "error"):
        return answer.error
    return product(ERRORS_MODULE).from_batch_item(answer)


# --- identity platform on `responses` ---------------------------------------------------------
# docs/identity-platform/id-token-claims-reference.md: example tid / oid of a v2.0 id token.
TENANT_ID = "9122040d-6c67-4c5b-b112-36a304b66dad"
OID = "00000000-0000-0000-66f3-3332eca7ea81"
KID = "contract-test-key"
PRODUCT_SCOPE = "User.Read Calendars.ReadWrite openid profile offline_access"
DOCUMENTED_CODE = "AwABAAAAvPM1KaPlrEqdFSBzjqfTGBCmLdgfSTLEMPGYuNHSUYBrq..."


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def mocked(settings) -> Iterator[responses.RequestsMock]:
    """`responses` around Microsoft's real hosts; MSAL's throttling memory starts empty."""
    # ebms.urls mounts the simulator only when M365_SIMULATOR is set at import time: import it
    # first, so live-server tests later in the run still find the simulator.
    importlib.import_module(settings.ROOT_URLCONF)
    settings.M365_SIMULATOR = False
    settings.M365_AUTHORITY_HOST = idf.AUTHORITY_HOST
    settings.M365_GRAPH_BASE = "https://graph.microsoft.com"
    getattr(product(IDENTITY_MODULE), "_http_caches", {}).clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
    getattr(product(IDENTITY_MODULE), "_http_caches", {}).clear()


@dataclass
class Idp:
    """The identity platform's documented endpoints, served by `responses`."""

    mock: responses.RequestsMock
    key: object
    client_id: str

    def register(self, tenants=("organizations", TENANT_ID)) -> None:
        # MSAL asks its instance-discovery endpoint for host aliases after a refresh error.
        # Not a documented Microsoft API (MSAL-internal): the minimal answer "this host, no
        # aliases" keeps MSAL on login.microsoftonline.com.
        self.mock.get(
            f"{idf.AUTHORITY_HOST}/common/discovery/instance",
            json={"metadata": [{"preferred_network": "login.microsoftonline.com",
                                "preferred_cache": "login.microsoftonline.com",
                                "aliases": ["login.microsoftonline.com"]}]},
        )  # fmt: skip
        for tenant in tenants:
            config = idf.discovery(tenant)
            self.mock.get(
                f"{idf.AUTHORITY_HOST}/{tenant}/v2.0/.well-known/openid-configuration",
                json=config,
            )
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            self.mock.get(config["jwks_uri"], json={"keys": [{**public, "kid": KID, "use": "sig"}]})

    def id_token(self, *, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "aud": self.client_id,
            "iss": f"{idf.AUTHORITY_HOST}/{TENANT_ID}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "name": "Adele Vance",
            "nonce": nonce,
            "oid": OID,
            "preferred_username": "AdeleV@contoso.com",
            "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            "tid": TENANT_ID,
            "ver": "2.0",
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})

    def token_endpoint(self, tenant: str) -> str:
        return idf.discovery(tenant)["token_endpoint"]

    def answer_token(self, tenant: str, body: dict, status: int = 200) -> None:
        self.mock.post(self.token_endpoint(tenant), json=body, status=status)

    def token_calls(self) -> list:
        return [c for c in self.mock.calls if c.request.url.endswith("/oauth2/v2.0/token")]


@pytest.fixture
def idp(mocked, signing_key, settings) -> Idp:
    helper = Idp(mock=mocked, key=signing_key, client_id=settings.M365_CLIENT_ID)
    helper.register()
    return helper


def form(request) -> dict[str, str]:
    """The x-www-form-urlencoded body of a recorded request."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    return {k: v[0] for k, v in parse_qs(body or "").items()}


def token_response(*, scope: str, id_token: str) -> dict:
    """The documented successful token response with the product's scope and a signed id_token
    (see fixtures/identity.py for why these two values are substituted)."""
    return {**idf.TOKEN_RESPONSE, "scope": scope, "id_token": id_token}


@pytest.fixture
def recruiter(db) -> Any:
    from ebms.accounts.models import Company, Role, User
    from ebms.accounts.services import booking_activate

    company = Company.objects.create(name="Contoso GmbH")
    booking_activate(company=company, by=None)
    return User.objects.create_user(
        "adele@contoso.example", "pw-adele", company=company, role=Role.RECRUITER
    )


def sign_in(
    idp: Idp, user, *, token_body: dict | None = None, status: int = 200
) -> tuple[Any, Any, dict[str, str]]:
    """Run the product's flow_start + flow_redeem against the documented endpoints.

    Returns (result of flow_redeem, the recorded token request).
    """
    identity = product(IDENTITY_MODULE)
    auth_uri = identity.flow_start(user=user, with_rooms=False)
    query = {k: v[0] for k, v in parse_qs(urlsplit(auth_uri).query).items()}
    sent_scope = " ".join(query["scope"].split())
    body = token_body or token_response(
        scope=sent_scope, id_token=idp.id_token(nonce=query["nonce"])
    )
    idp.answer_token("organizations", body, status=status)
    result = identity.flow_redeem(
        user=user, params={"code": DOCUMENTED_CODE, "state": query["state"]}
    )
    return result, idp.token_calls()[-1].request, query


@pytest.fixture
def connection(idp, recruiter, mocked) -> Any:
    """A recruiter connected through the product's sign-in against the documented answers."""
    from calendar_integration.models import MicrosoftConnection

    identity = product(IDENTITY_MODULE)
    redeemed, _request, _query = sign_in(idp, recruiter)
    assert isinstance(redeemed, identity.Redeemed), redeemed
    conn = MicrosoftConnection.objects.create(
        user=recruiter,
        company=recruiter.company,
        tenant_id=redeemed.tenant_id,
        oid=redeemed.oid,
        upn=redeemed.upn,
        display_name=redeemed.display_name,
        requested_scopes=identity.BASE_SCOPES,
        granted_scopes=redeemed.granted_scopes,
        state=identity.connection_state_after_signin(granted=redeemed.granted_scopes),
    )
    identity.token_state_store(conn, cache_json=redeemed.cache_json)
    # MSAL files the redeemed token under the authority "organizations"; the product asks
    # with the tenant's authority, so its first Graph call refreshes once (documented answer).
    idp.answer_token(TENANT_ID, refresh_response(idp))
    mocked.calls.reset()
    return conn


def appointment_planned(connection: Any, observer: Any, mocked: responses.RequestsMock) -> Any:
    """An on-site appointment with `observer`, its create answered with the documented
    example (user-post-events), on-commit work run."""
    from datetime import timedelta

    from django.test import TestCase

    from ebms.recruiting.services.appointments import appointment_create
    from ebms.recruiting.tests import factories

    from .fixtures import graph as gf

    application = factories.application(company=connection.company, email="dana@bewerber.example")
    mocked.post(f"{GRAPH}/me/events", json=gf.CREATE_EVENT.response, status=201)
    start = factories.future(days=7, hour=10)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return appointment_create(
            by=connection.user, application=application, recruiter=connection.user,
            observers=[observer], kind="onsite", starts_at=start,
            ends_at=start + timedelta(hours=1), title="Vorstellungsgespräch",
            location="Hauptstraße 1, Berlin",
        )  # fmt: skip


def refresh_response(idp: Idp, scope: str = PRODUCT_SCOPE) -> dict:
    """The documented refresh answer (the page shows the same example as for code
    redemption), with the product's scope and a signed id_token (no nonce on refresh)."""
    return token_response(scope=scope, id_token=idp.id_token(nonce=""))
