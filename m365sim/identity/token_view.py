"""POST /{tenant}/oauth2/v2.0/token: authorization_code, refresh_token and password grants.

Request and response shapes: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
("Redeem a code for an access token", "Refresh the access token", "Error response");
password grant: https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc .
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import unquote

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from m365sim.identity import directory, flows
from m365sim.identity.errors import AadError, token_error_response
from m365sim.models import EnterpriseApp

GRANTS = ("authorization_code", "refresh_token", "password")


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """client_id and secret from the body (client_secret_post) or Basic auth."""
    client_id = request.POST.get("client_id", "")
    secret = request.POST.get("client_secret", "")
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        basic_id, _, basic_secret = decoded.partition(":")
        client_id = client_id or unquote(basic_id)
        secret = secret or unquote(basic_secret)
    return client_id, secret


def _authenticate_client(request: HttpRequest, tenant: str) -> EnterpriseApp:
    client_id, secret = _client_credentials(request)
    if not client_id:
        raise AadError("invalid_request", 900144, {"parameter": "client_id"})
    app = directory.app_get(client_id)
    if app is None:
        raise AadError("unauthorized_client", 700016, {"client_id": client_id, "tenant": tenant})
    if not secret:
        raise AadError("invalid_client", 7000218, status=401)
    if not hmac.compare_digest(secret.encode(), app.client_secret.encode()):
        raise AadError("invalid_client", 7000215, {"client_id": client_id}, status=401)
    return app


def _required(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name, "")
    if not value:
        raise AadError("invalid_request", 900144, {"parameter": name})
    return value


@csrf_exempt
@require_POST
def token(request: HttpRequest, tenant: str) -> JsonResponse:
    try:
        grant_type = _required(request, "grant_type")
        if grant_type not in GRANTS:
            raise AadError("unsupported_grant_type", 70003, {"grant_type": grant_type})
        app = _authenticate_client(request, tenant)
        client_info = request.POST.get("client_info") == "1"
        scope = request.POST.get("scope", "")
        if grant_type == "authorization_code":
            body = flows.redeem_code(
                app=app,
                code=_required(request, "code"),
                redirect_uri=_required(request, "redirect_uri"),
                code_verifier=request.POST.get("code_verifier", ""),
                scope=scope,
                client_info=client_info,
            )
        elif grant_type == "refresh_token":
            body = flows.redeem_refresh(
                app=app,
                refresh_token=_required(request, "refresh_token"),
                scope=scope,
                client_info=client_info,
            )
        else:
            body = flows.password_grant(
                app=app,
                tenant_segment=tenant,
                username=_required(request, "username"),
                password=_required(request, "password"),
                scope=_required(request, "scope"),
                client_info=client_info,
            )
    except AadError as err:
        return token_error_response(err, request)
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store, no-cache"
    response["Pragma"] = "no-cache"
    return response
