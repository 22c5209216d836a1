"""Interactive endpoints: /authorize, /adminconsent, the sign-in, consent and approval pages.

- /authorize: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
  (state, nonce, PKCE, prompt=login|none|consent|select_account, login_hint, response_mode).
- /adminconsent: https://learn.microsoft.com/entra/identity-platform/v2-admin-consent
- Consent experience: https://learn.microsoft.com/entra/identity-platform/application-consent-experience
- "Need admin approval" (AADSTS90094; 90093 when the tenant forbids user consent) and the
  admin consent workflow (AADSTS90095):
  https://learn.microsoft.com/entra/identity/enterprise-apps/configure-admin-consent-workflow
"""

from __future__ import annotations

from dataclasses import replace

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from m365sim import clock, tokens
from m365sim.identity import directory, flows
from m365sim.identity.directory import ConsentOutcome
from m365sim.identity.errors import AadError
from m365sim.identity.interactive import (
    SSO_COOKIE,
    Flow,
    deliver,
    deliver_error,
    error_page,
    flow_from_query,
    remember_sign_in,
    sso_user,
)
from m365sim.identity.scopes import describe, parse
from m365sim.models import ConsentRequest, Mailbox, MailboxKind

SIGN_IN_ERRORS = {
    50034: "Dieses Benutzerkonto wurde nicht gefunden. Geben Sie ein anderes Konto ein.",
    50126: (
        "Ihr Konto oder Kennwort ist falsch. Wenn Sie Ihr Kennwort vergessen haben, "
        "setzen Sie es jetzt zurück."
    ),
    50057: "Ihr Konto ist deaktiviert. Wenden Sie sich an Ihren Administrator.",
}


def _sign_in_page(request: HttpRequest, flow: Flow, *, login: str = "", code: int = 0):
    return render(
        request,
        "m365sim/identity/signin.html",
        {
            "flow": flow,
            "ctx": flow.dumps(),
            "login": login or flow.login_hint,
            "error_code": code,
            "error_text": SIGN_IN_ERRORS.get(code, ""),
            "app": directory.app_get(flow.client_id),
        },
    )


@require_GET
def authorize(request: HttpRequest, tenant: str) -> HttpResponse:
    """GET /{tenant}/oauth2/v2.0/authorize."""
    flow = flow_from_query(request, tenant, kind="authorize")
    if isinstance(flow, HttpResponse):
        return flow
    user = sso_user(request)
    if user and flow.login_hint and user.email != flow.login_hint.strip().lower():
        user = None
    if flow.prompt == "none" and user is None:
        return deliver_error(request, flow, AadError("login_required", 50058))
    if user is None or flow.prompt in ("login", "select_account"):
        return _sign_in_page(request, flow)
    if not _tenant_matches(flow, user):
        return _sign_in_page(request, flow)
    return _continue(request, flow.signed_in(user))


@require_GET
def admin_consent(request: HttpRequest, tenant: str) -> HttpResponse:
    """GET /{tenant}/v2.0/adminconsent: an admin signs in and grants tenant-wide."""
    if tenant.lower() == "common":
        # v2-admin-consent: "Do not use 'common'" (a tenant id, domain or `organizations`);
        # reported answer AADSTS50000 (azure-docs issue 81850).
        return error_page(request, AadError("invalid_request", 50000))
    flow = flow_from_query(request, tenant, kind="adminconsent")
    if isinstance(flow, HttpResponse):
        return flow
    return _sign_in_page(request, flow)


def _tenant_matches(flow: Flow, user: Mailbox) -> bool:
    if flow.tenant.lower() in directory.MULTI_TENANT_SEGMENTS:
        return True
    tenant = directory.tenant_resolve(flow.tenant)
    return tenant is not None and tenant.pk == user.tenant_id


def _load_flow(request: HttpRequest) -> Flow | None:
    try:
        return Flow.loads(request.POST.get("ctx", ""))
    except (signing.BadSignature, TypeError):
        return None


@require_POST
def sign_in(request: HttpRequest, tenant: str) -> HttpResponse:
    """POST /{tenant}/login: e-mail and password (or "Zurück" = cancel)."""
    flow = _load_flow(request)
    if flow is None:
        return HttpResponseBadRequest("invalid ctx")
    if request.POST.get("action") == "cancel":
        return deliver_error(
            request, flow, AadError("access_denied", 65004), error_subcode="cancel"
        )
    login = request.POST.get("login", "").strip().lower()
    password = request.POST.get("passwd", "")
    target = directory.tenant_for_segment_or_email(flow.tenant, login)
    if target is None:
        return _sign_in_page(request, flow, login=login, code=50034)
    app = directory.app_get(flow.client_id)
    # The service principal appears at the first sign-in attempt, even a failed one.
    directory.service_principal_ensure(tenant=target, app=app)
    user = Mailbox.objects.filter(tenant=target, email=login).first()
    if user is None:
        return _sign_in_page(request, flow, login=login, code=50034)
    if not user.check_password(password):
        return _sign_in_page(request, flow, login=login, code=50126)
    if user.kind != MailboxKind.USER or not user.account_enabled:
        return _sign_in_page(request, flow, login=login, code=50057)
    return remember_sign_in(_continue(request, flow.signed_in(user)), user)


def _continue(request: HttpRequest, flow: Flow) -> HttpResponse:
    """After sign-in: app checks, then consent, then the code."""
    user = flow.user()
    app = directory.app_get(flow.client_id)
    sp = directory.service_principal_ensure(tenant=user.tenant, app=app)
    try:
        directory.sign_in_allowed(sp=sp, mailbox=user)
    except AadError as err:
        if flow.prompt == "none":
            return deliver_error(request, flow, err)
        return error_page(request, err)
    wanted = parse(flow.scope, app_scopes=app.required_scopes)
    if flow.is_admin_consent:
        if not user.is_tenant_admin:
            return _approval_page(request, flow, user)
        return _consent_page(request, flow, user, list(wanted.all))
    decision = directory.consent_decide(sp=sp, mailbox=user, request=wanted)
    if decision.outcome is ConsentOutcome.GRANTED and flow.prompt != "consent":
        return _issue_code(request, flow, user)
    if flow.prompt == "none":
        params = {"client_id": flow.client_id, "app_name": app.display_name}
        return deliver_error(request, flow, AadError("consent_required", 65001, params))
    if decision.outcome is ConsentOutcome.NEED_ADMIN:
        return _approval_page(request, flow, user)
    return _consent_page(request, flow, user, list(decision.missing or wanted.all))


def _issue_code(request: HttpRequest, flow: Flow, user: Mailbox) -> HttpResponse:
    app = directory.app_get(flow.client_id)
    code = flows.code_issue(
        tenant=user.tenant,
        mailbox=user,
        app=app,
        redirect_uri=flow.redirect_uri,
        scope=flow.scope,
        code_challenge=flow.code_challenge,
        code_challenge_method=flow.code_challenge_method,
        nonce=flow.nonce,
    )
    params = {"code": code}
    if flow.client_info:
        params["client_info"] = tokens.client_info(user)
    if flow.state:
        params["state"] = flow.state
    params["session_state"] = str(user.object_id)
    return deliver(request, flow, params)


def _consent_page(request, flow: Flow, user: Mailbox, scopes: list[str]) -> HttpResponse:
    app = directory.app_get(flow.client_id)
    return render(
        request,
        "m365sim/identity/consent.html",
        {
            "flow": flow,
            "ctx": flow.dumps(),
            "user": user,
            "app": app,
            "permissions": [(s, describe(s)) for s in scopes],
            "offer_org_consent": user.is_tenant_admin and not flow.is_admin_consent,
        },
    )


def _need_admin_code(user: Mailbox) -> int:
    """90095 with the admin consent workflow; 90093 when the tenant's policy forbids user
    consent altogether (application-sign-in-unexpected-user-consent-error); else 90094."""
    if user.tenant.admin_consent_workflow:
        return 90095
    return 90093 if not user.tenant.users_may_consent else 90094


def _approval_page(request, flow: Flow, user: Mailbox, *, sent: bool = False) -> HttpResponse:
    app = directory.app_get(flow.client_id)
    return render(
        request,
        "m365sim/identity/approval.html",
        {
            "flow": flow,
            "ctx": flow.dumps(),
            "user": user,
            "app": app,
            "workflow": user.tenant.admin_consent_workflow,
            "code": _need_admin_code(user),
            "sent": sent,
        },
    )


@require_POST
def consent(request: HttpRequest, tenant: str) -> HttpResponse:
    """POST /{tenant}/consent: "Akzeptieren" or "Abbrechen" on the consent page."""
    flow = _load_flow(request)
    user = flow.user() if flow else None
    if user is None:
        return HttpResponseBadRequest("invalid ctx")
    if request.POST.get("action") != "accept":
        # v2-admin-consent.md "Error response": a declined admin consent is consent_required
        # with AADSTS65004 (a declined user consent stays access_denied).
        error = "consent_required" if flow.is_admin_consent else "access_denied"
        return deliver_error(request, flow, AadError(error, 65004))
    app = directory.app_get(flow.client_id)
    sp = directory.service_principal_ensure(tenant=user.tenant, app=app)
    wanted = parse(flow.scope, app_scopes=app.required_scopes)
    if flow.is_admin_consent:
        if not user.is_tenant_admin:
            return _approval_page(request, flow, user)
        directory.grant_add(sp=sp, principal=None, scopes=list(wanted.all))
        params = {"admin_consent": "True", "tenant": str(user.tenant_id), "scope": flow.scope}
        if flow.state:
            params["state"] = flow.state
        return deliver(request, flow, params)
    decision = directory.consent_decide(sp=sp, mailbox=user, request=wanted)
    if decision.outcome is ConsentOutcome.NEED_ADMIN:  # re-checked: the page may be stale
        return _approval_page(request, flow, user)
    on_behalf = user.is_tenant_admin and request.POST.get("org_consent") == "on"
    directory.grant_add(sp=sp, principal=None if on_behalf else user, scopes=list(wanted.all))
    return _issue_code(request, flow, user)


@require_POST
def approval(request: HttpRequest, tenant: str) -> HttpResponse:
    """POST /{tenant}/approval: back to the app, request approval, or sign in as admin."""
    flow = _load_flow(request)
    user = flow.user() if flow else None
    if user is None:
        return HttpResponseBadRequest("invalid ctx")
    action = request.POST.get("action")
    if action == "admin_sign_in":
        return _sign_in_page(request, replace(flow, mailbox="", prompt="login"))
    workflow = user.tenant.admin_consent_workflow
    if action == "request" and workflow:
        app = directory.app_get(flow.client_id)
        sp = directory.service_principal_ensure(tenant=user.tenant, app=app)
        ConsentRequest.objects.create(
            service_principal=sp,
            requested_by=user,
            scopes=list(parse(flow.scope, app_scopes=app.required_scopes).all),
            justification=request.POST.get("justification", "")[:1000],
            created_at=clock.now(),
        )
        return _approval_page(request, flow, user, sent=True)
    code = _need_admin_code(user)
    app = directory.app_get(flow.client_id)
    params = {"tenant_name": user.tenant.display_name, "app_name": app.display_name}
    return deliver_error(request, flow, AadError("access_denied", code, params))


@require_GET
def logout(request: HttpRequest, tenant: str) -> HttpResponse:
    """GET /{tenant}/oauth2/v2.0/logout: ends the simulator's single sign-on session."""
    target = request.GET.get("post_logout_redirect_uri", "")
    response = render(request, "m365sim/identity/signed_out.html", {"target": target})
    response.delete_cookie(SSO_COOKIE)
    return response
