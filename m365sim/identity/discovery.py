"""Discovery endpoints: OpenID configuration, signing keys, instance and user realm discovery.

- OpenID configuration: https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc
  ("Find your app's OpenID configuration document URI"); for a domain or GUID the document
  names the tenant GUID; for common/organizations the issuer keeps the literal "{tenantid}".
- Keys: https://learn.microsoft.com/entra/identity-platform/signing-key-rollover
- Instance discovery and user realm: what MSAL Python requests (msal/authority.py,
  msal/application.py `_get_instance_metadata`) of login.microsoftonline.com.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from m365sim import tokens
from m365sim.identity import directory
from m365sim.identity.errors import AadError, token_error_response
from m365sim.models import Mailbox, Tenant

ALIASES = [
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
]


def _authority() -> str:
    return settings.M365_AUTHORITY_HOST.rstrip("/")


def _browser_base() -> str:
    """Where a browser reaches the simulator's interactive endpoints."""
    return settings.M365_SIMULATOR_URL.rstrip("/") + "/login"


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _tenant_or_error(request: HttpRequest, segment: str) -> Tenant | str | JsonResponse:
    if segment.lower() in ("common", "organizations"):
        return segment.lower()
    tenant = directory.tenant_resolve(segment)
    if tenant is None:
        err = AadError("invalid_tenant", 90002, {"tenant": segment})
        return token_error_response(err, request)
    return tenant


@require_GET
def openid_configuration(request: HttpRequest, tenant: str) -> JsonResponse:
    """GET /{tenant}/v2.0/.well-known/openid-configuration."""
    resolved = _tenant_or_error(request, tenant)
    if isinstance(resolved, JsonResponse):
        return resolved
    key = str(resolved.id) if isinstance(resolved, Tenant) else resolved
    issuer_tid = str(resolved.id) if isinstance(resolved, Tenant) else "{tenantid}"
    host = _authority()
    return _json(
        {
            "token_endpoint": f"{host}/{key}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{host}/{key}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": tokens.issuer_v2(issuer_tid),
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            # The browser must reach these, so they point at the simulator's own URL.
            "authorization_endpoint": f"{_browser_base()}/{key}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{host}/{key}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{_browser_base()}/{key}/oauth2/v2.0/logout",
            "claims_supported": [
                "sub",
                "iss",
                "cloud_instance_name",
                "cloud_instance_host_name",
                "cloud_graph_host_name",
                "msgraph_host",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "acr",
                "nonce",
                "preferred_username",
                "name",
                "tid",
                "ver",
                "at_hash",
                "c_hash",
                "email",
            ],
            "kerberos_endpoint": f"{host}/{key}/kerberos",
            "tenant_region_scope": "EU" if isinstance(resolved, Tenant) else None,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }
    )


@require_GET
def keys(request: HttpRequest, tenant: str) -> JsonResponse:
    """GET /{tenant}/discovery/v2.0/keys (also /discovery/keys): the JWKS."""
    return _json(tokens.jwks())


@require_GET
def instance_discovery(request: HttpRequest, tenant: str) -> JsonResponse:
    """GET /common/discovery/instance?api-version=1.1&authorization_endpoint=... (MSAL)."""
    host = _authority()
    return _json(
        {
            "tenant_discovery_endpoint": f"{host}/{tenant}/v2.0/.well-known/openid-configuration",
            "api-version": request.GET.get("api-version", "1.1"),
            "metadata": [
                {
                    "preferred_network": "login.microsoftonline.com",
                    "preferred_cache": "login.windows.net",
                    "aliases": ALIASES,
                }
            ],
        }
    )


@require_GET
def user_realm(request: HttpRequest, username: str) -> JsonResponse:
    """GET /common/userrealm/{username}?api-version=1.0: "Managed" for the simulated tenants."""
    domain = username.rpartition("@")[2]
    known = Tenant.objects.filter(domain__iexact=domain).first() or getattr(
        Mailbox.objects.filter(email__iexact=username).first(), "tenant", None
    )
    if known is None:
        return _json(
            {"ver": "1.0", "account_type": "Unknown", "cloud_instance_name": "microsoftonline.com"}
        )
    return _json(
        {
            "ver": "1.0",
            "account_type": "Managed",
            "domain_name": known.domain,
            "cloud_instance_name": "microsoftonline.com",
            "cloud_audience_urn": "urn:federation:MicrosoftOnline",
        }
    )
