"""The browser side of a sign-in: validated request context, SSO cookie, answer delivery.

The authorize request travels between the sign-in, consent and approval pages as a signed
`ctx` (Microsoft's pages carry an opaque `ctx` too). The answer goes back to the redirect URI
per response_mode (query, fragment or form_post), as described in
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow .
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import urlencode

from m365sim.identity import directory
from m365sim.identity.errors import AadError, Trace, append_query, redirect_error_params
from m365sim.identity.scopes import UnknownScope, parse
from m365sim.models import Mailbox

CTX_SALT = "m365sim.identity.ctx"
CTX_MAX_AGE = 60 * 60
SSO_COOKIE = "m365sim_sso"
SSO_SALT = "m365sim.identity.sso"
PROMPTS = ("", "login", "none", "consent", "select_account")


@dataclass(frozen=True)
class Flow:
    """One interactive request (authorize or adminconsent) and, once known, the user."""

    kind: str  # "authorize" | "adminconsent"
    tenant: str
    client_id: str
    redirect_uri: str
    scope: str
    state: str = ""
    nonce: str = ""
    code_challenge: str = ""
    code_challenge_method: str = ""
    prompt: str = ""
    login_hint: str = ""
    response_mode: str = "query"
    client_info: bool = False
    mailbox: str = ""  # object id after sign-in

    def dumps(self) -> str:
        return signing.dumps(asdict(self), salt=CTX_SALT, compress=True)

    @classmethod
    def loads(cls, raw: str) -> Flow:
        return cls(**signing.loads(raw, salt=CTX_SALT, max_age=CTX_MAX_AGE))

    def signed_in(self, mailbox: Mailbox) -> Flow:
        return replace(self, mailbox=str(mailbox.object_id))

    def user(self) -> Mailbox | None:
        if not self.mailbox:
            return None
        return Mailbox.objects.select_related("tenant").filter(object_id=self.mailbox).first()

    @property
    def is_admin_consent(self) -> bool:
        return self.kind == "adminconsent"


def error_page(request: HttpRequest, err: AadError) -> HttpResponse:
    """Microsoft's "Sorry, but we're having trouble signing you in" page (no redirect)."""
    trace = Trace.for_request(request)
    return render(
        request,
        "m365sim/identity/error.html",
        {"err": err, "trace": trace},
        status=200,
    )


def deliver(request: HttpRequest, flow: Flow, params: dict) -> HttpResponse:
    """Send the answer to the client's redirect URI per response_mode."""
    if flow.response_mode == "form_post":
        return render(
            request,
            "m365sim/identity/form_post.html",
            {"action": flow.redirect_uri, "params": params},
        )
    if flow.response_mode == "fragment":
        return HttpResponseRedirect(flow.redirect_uri + "#" + urlencode(params))
    return HttpResponseRedirect(append_query(flow.redirect_uri, params))


def deliver_error(request: HttpRequest, flow: Flow, err: AadError, **extra) -> HttpResponse:
    if flow.is_admin_consent:
        # Admin consent errors carry admin_consent=True but no tenant (azure-docs#114009).
        extra.setdefault("admin_consent", "True")
    params = redirect_error_params(err, state=flow.state, request=request, extra=extra)
    return deliver(request, flow, params)


def flow_from_query(request: HttpRequest, tenant: str, *, kind: str) -> Flow | HttpResponse:
    """Validate an authorize/adminconsent request; errors go to a page or the redirect URI."""
    q = request.GET
    client_id = q.get("client_id", "")
    if not client_id:
        return error_page(request, AadError("invalid_request", 900144, {"parameter": "client_id"}))
    app = directory.app_get(client_id)
    if app is None:
        return error_page(
            request,
            AadError("unauthorized_client", 700016, {"client_id": client_id, "tenant": tenant}),
        )
    redirect_uri = q.get("redirect_uri", "")
    if not redirect_uri:
        redirect_uri = app.redirect_uris[0] if len(app.redirect_uris) == 1 else ""
    if redirect_uri not in app.redirect_uris:
        return error_page(
            request,
            AadError(
                "invalid_request", 50011, {"redirect_uri": redirect_uri, "client_id": client_id}
            ),
        )
    if (
        tenant.lower() not in directory.MULTI_TENANT_SEGMENTS
        and directory.tenant_resolve(tenant) is None
    ):
        return error_page(request, AadError("invalid_tenant", 90002, {"tenant": tenant}))
    response_mode = q.get("response_mode", "query")
    flow = Flow(
        kind=kind,
        tenant=tenant,
        client_id=str(app.client_id),
        redirect_uri=redirect_uri,
        scope=q.get("scope", ""),
        state=q.get("state", ""),
        nonce=q.get("nonce", ""),
        code_challenge=q.get("code_challenge", ""),
        code_challenge_method=q.get("code_challenge_method", ""),
        prompt=q.get("prompt", ""),
        login_hint=q.get("login_hint", ""),
        response_mode=response_mode
        if response_mode in ("query", "fragment", "form_post")
        else "query",
        client_info=q.get("client_info") == "1",
    )
    if kind == "authorize" and q.get("response_type", "") != "code":
        return deliver_error(
            request,
            flow,
            AadError(
                "unsupported_response_type", 700054, {"response_type": q.get("response_type", "")}
            ),
        )
    if not flow.scope:
        return deliver_error(
            request, flow, AadError("invalid_request", 900144, {"parameter": "scope"})
        )
    try:
        parse(flow.scope, app_scopes=app.required_scopes)
    except UnknownScope as exc:
        return deliver_error(
            request,
            flow,
            AadError("invalid_client", 650053, {"app_name": app.display_name, "scope": exc.scope}),
        )
    if flow.prompt not in PROMPTS or (
        flow.code_challenge_method and flow.code_challenge_method not in ("S256", "plain")
    ):
        return deliver_error(request, flow, AadError("invalid_request", 9002313))
    return flow


def sso_user(request: HttpRequest) -> Mailbox | None:
    """The user of the simulator's single sign-on cookie, if any."""
    oid = request.get_signed_cookie(SSO_COOKIE, default="", salt=SSO_SALT)
    try:
        object_id = uuid.UUID(oid)
    except ValueError:
        return None
    return Mailbox.objects.select_related("tenant").filter(object_id=object_id).first()


def remember_sign_in(response: HttpResponse, mailbox: Mailbox) -> HttpResponse:
    response.set_signed_cookie(
        SSO_COOKIE, str(mailbox.object_id), salt=SSO_SALT, httponly=True, samesite="Lax"
    )
    return response
