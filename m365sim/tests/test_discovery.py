"""OIDC discovery, keys, instance discovery and user realm as MSAL reads them."""

from __future__ import annotations

import pytest

HOST = "https://login.microsoftonline.com"


@pytest.mark.parametrize("segment", ["guid", "contoso.example"])
def test_a_tenant_document_names_the_tenant_guid(m365, sim_session, segment):
    segment = str(m365.tenant.id) if segment == "guid" else segment
    doc = sim_session.get(f"{HOST}/{segment}/v2.0/.well-known/openid-configuration").json()

    tid = str(m365.tenant.id)
    assert doc["issuer"] == f"{HOST}/{tid}/v2.0"
    assert doc["token_endpoint"] == f"{HOST}/{tid}/oauth2/v2.0/token"
    assert doc["jwks_uri"] == f"{HOST}/{tid}/discovery/v2.0/keys"
    # The browser must reach the authorize page: it is the simulator's own URL.
    assert doc["authorization_endpoint"] == f"{m365.base_url}/login/{tid}/oauth2/v2.0/authorize"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["response_modes_supported"] == ["query", "fragment", "form_post"]
    assert doc["subject_types_supported"] == ["pairwise"]
    assert doc["msgraph_host"] == "graph.microsoft.com"


@pytest.mark.parametrize("segment", ["organizations", "common"])
def test_multi_tenant_documents_keep_the_tenantid_placeholder(m365, sim_session, segment):
    doc = sim_session.get(f"{HOST}/{segment}/v2.0/.well-known/openid-configuration").json()

    assert doc["issuer"] == f"{HOST}/{{tenantid}}/v2.0"
    assert doc["token_endpoint"] == f"{HOST}/{segment}/oauth2/v2.0/token"
    assert doc["tenant_region_scope"] is None


def test_an_unknown_tenant_answers_aadsts90002(m365, sim_session):
    response = sim_session.get(f"{HOST}/nowhere.example/v2.0/.well-known/openid-configuration")

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert body["error_description"].startswith("AADSTS90002: Tenant 'nowhere.example' not found.")


def test_msal_refuses_an_unknown_tenant_authority(m365):
    with pytest.raises(ValueError, match="Unable to get authority configuration"):
        m365.msal_app(authority=f"{HOST}/nowhere.example")


def test_the_keys_are_a_jwks_of_rsa_signing_keys(m365, sim_session):
    keys = sim_session.get(f"{HOST}/{m365.tenant.id}/discovery/v2.0/keys").json()["keys"]

    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["e"] == "AQAB"
    assert key["kid"] == key["x5t"] and isinstance(key["x5c"], list)
    assert key["issuer"] == f"{HOST}/{{tenantid}}/v2.0"


def test_the_signing_key_stays_the_same_between_requests(m365, sim_session):
    first = sim_session.get(f"{HOST}/common/discovery/v2.0/keys").json()
    second = sim_session.get(f"{HOST}/organizations/discovery/v2.0/keys").json()
    assert first == second


def test_instance_discovery_lists_microsofts_aliases(m365, sim_session):
    body = sim_session.get(
        f"{HOST}/common/discovery/instance",
        params={"api-version": "1.1", "authorization_endpoint": f"{HOST}/common/oauth2/authorize"},
    ).json()
    assert "login.microsoftonline.com" in body["metadata"][0]["aliases"]


def test_user_realm_says_managed_for_a_tenant_user(m365, sim_session):
    known = sim_session.get(f"{HOST}/common/userrealm/rita@contoso.example?api-version=1.0").json()
    unknown = sim_session.get(f"{HOST}/common/userrealm/x@elsewhere.example?api-version=1.0").json()
    assert known["account_type"] == "Managed" and known["domain_name"] == "contoso.example"
    assert unknown["account_type"] == "Unknown"
