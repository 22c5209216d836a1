"""Token issuance: authorization codes, the three grants of /token, the token response.

Follows https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
(codes live ~10 minutes and are single use; PKCE; refresh tokens "aren't revoked when used to
acquire new access tokens"), https://learn.microsoft.com/entra/identity-platform/refresh-tokens
(90 days inactivity -> AADSTS700082; revoked -> AADSTS50173) and
https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc (password grant: no consent
possible, so missing consent is AADSTS65001).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from m365sim import clock, tokens
from m365sim.identity import directory
from m365sim.identity.errors import AadError
from m365sim.identity.scopes import (
    GRAPH_PREFIXES,
    ForeignScope,
    ScopeRequest,
    UnknownScope,
    parse,
)
from m365sim.models import AuthorizationCode, EnterpriseApp, Mailbox, RefreshToken, Tenant

CODE_LIFETIME = timedelta(minutes=10)
REFRESH_INACTIVITY = timedelta(days=90)


def _parse_scopes(raw: str, app: EnterpriseApp) -> ScopeRequest:
    try:
        return parse(raw, app_scopes=app.required_scopes)
    except ForeignScope as exc:
        # v2-oauth2-auth-code-flow.md "Error response": invalid_scope, AADSTS70011 for
        # "https://foo.microsoft.com/mail.read" (the scopes must all be from one resource).
        raise AadError("invalid_scope", 70011, {"scope": exc.scope}) from exc
    except UnknownScope as exc:
        raise AadError("invalid_client", 650053, {"app_name": app.display_name, "scope": exc.scope})


def code_issue(
    *,
    tenant: Tenant,
    mailbox: Mailbox,
    app: EnterpriseApp,
    redirect_uri: str,
    scope: str,
    code_challenge: str = "",
    code_challenge_method: str = "",
    nonce: str = "",
) -> str:
    """A single-use code bound to client, redirect URI and PKCE challenge."""
    raw = tokens.opaque_token()
    now = clock.now()
    AuthorizationCode.objects.create(
        code_hash=tokens.token_hash(raw),
        tenant=tenant,
        mailbox=mailbox,
        client_id=str(app.client_id),
        redirect_uri=redirect_uri,
        scopes=scope.split(),
        code_challenge=code_challenge,
        code_challenge_method=(code_challenge_method or ("plain" if code_challenge else "")),
        nonce=nonce,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    return raw


def _pkce_ok(code: AuthorizationCode, verifier: str) -> bool:
    if not code.code_challenge:
        return True
    if not verifier:
        return False
    if code.code_challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected, code.code_challenge)


def _check_consent(
    *, app: EnterpriseApp, tenant: Tenant, mailbox: Mailbox, request: ScopeRequest
) -> list[str]:
    """Granted Graph scopes of the user; AADSTS65001 if a requested one is not granted."""
    sp = directory.service_principal_ensure(tenant=tenant, app=app)
    directory.sign_in_allowed(sp=sp, mailbox=mailbox)
    granted = directory.granted_scopes(sp=sp, mailbox=mailbox)
    if not granted or any(s not in granted for s in request.graph):
        raise AadError(
            "invalid_grant",
            65001,
            {"client_id": str(app.client_id), "app_name": app.display_name},
            suberror="consent_required",
        )
    return granted


def token_response(
    *,
    app: EnterpriseApp,
    mailbox: Mailbox,
    request: ScopeRequest,
    granted: list[str],
    nonce: str = "",
    client_info: bool = False,
) -> dict:
    """The JSON of a successful token request (ID token only with openid, RT with offline_access)."""
    graph_scopes = [s for s in granted if s not in ("openid", "profile", "email", "offline_access")]
    lifetime = tokens.access_token_lifetime()
    seconds = int(lifetime.total_seconds())
    oidc = [s for s in ("openid", "profile", "email") if s in request.oidc]
    body = {
        "token_type": "Bearer",
        # As in v2-oauth2-auth-code-flow.md's example answer: Graph scopes as full URLs
        # (however they were asked for), followed by the OIDC scopes.
        "scope": " ".join([GRAPH_PREFIXES[0] + s for s in graph_scopes] + oidc),
        "expires_in": seconds,
        "ext_expires_in": seconds,
        "access_token": tokens.issue_access_token(
            mailbox,
            graph_scopes,
            str(app.client_id),
            lifetime=lifetime,
            app_display_name=app.display_name,
        ),
    }
    if "offline_access" in request.oidc:
        body["refresh_token"] = refresh_issue(app=app, mailbox=mailbox, scopes=list(request.all))
    if "openid" in request.oidc:
        body["id_token"] = tokens.issue_id_token(
            mailbox, str(app.client_id), nonce=nonce, include_email="email" in request.oidc
        )
    if client_info:
        body["client_info"] = tokens.client_info(mailbox)
    return body


def refresh_issue(*, app: EnterpriseApp, mailbox: Mailbox, scopes: list[str]) -> str:
    raw = tokens.opaque_token()
    now = clock.now()
    RefreshToken.objects.create(
        token_hash=tokens.token_hash(raw),
        tenant_id=mailbox.tenant_id,
        mailbox=mailbox,
        client_id=str(app.client_id),
        scopes=scopes,
        created_at=now,
        last_used_at=now,
    )
    return raw


def redeem_code(
    *,
    app: EnterpriseApp,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    scope: str,
    client_info: bool,
) -> dict:
    """grant_type=authorization_code."""
    row = (
        AuthorizationCode.objects.select_related("mailbox", "tenant")
        .filter(code_hash=tokens.token_hash(code))
        .first()
    )
    if row is None or row.client_id != str(app.client_id):
        raise AadError("invalid_grant", 9002313)
    now = clock.now()
    # Claim the code first, so a replay (even a concurrent one) is refused.
    claimed = AuthorizationCode.objects.filter(pk=row.pk, redeemed_at__isnull=True).update(
        redeemed_at=now
    )
    if not claimed:
        raise AadError("invalid_grant", 54005)
    if row.expires_at <= now:
        raise AadError("invalid_grant", 70008)
    if redirect_uri != row.redirect_uri:
        raise AadError(
            "invalid_grant", 500112, {"redirect_uri": redirect_uri, "expected": row.redirect_uri}
        )
    if not _pkce_ok(row, code_verifier):
        raise AadError("invalid_grant", 501481)
    request = _parse_scopes(scope or " ".join(row.scopes), app)
    granted = _check_consent(app=app, tenant=row.tenant, mailbox=row.mailbox, request=request)
    return token_response(
        app=app,
        mailbox=row.mailbox,
        request=request,
        granted=granted,
        nonce=row.nonce,
        client_info=client_info,
    )


def redeem_refresh(
    *, app: EnterpriseApp, refresh_token: str, scope: str, client_info: bool
) -> dict:
    """grant_type=refresh_token: a new access token and a new refresh token."""
    row = (
        RefreshToken.objects.select_related("mailbox", "tenant")
        .filter(token_hash=tokens.token_hash(refresh_token))
        .first()
    )
    if row is None or row.client_id != str(app.client_id):
        raise AadError("invalid_grant", 9002313)
    now = clock.now()
    if row.revoked_at is not None:
        raise AadError(
            "invalid_grant",
            50173,
            {"issued": _stamp(row.created_at), "valid_from": _stamp(row.revoked_at)},
        )
    if row.last_used_at + REFRESH_INACTIVITY <= now:
        raise AadError("invalid_grant", 700082, {"issued": _stamp(row.created_at)})
    if row.replaced_at is not None and row.tenant.strict_refresh_rotation:
        raise AadError("invalid_grant", 70008)
    request = _parse_scopes(scope or " ".join(row.scopes), app)
    granted = _check_consent(app=app, tenant=row.tenant, mailbox=row.mailbox, request=request)
    RefreshToken.objects.filter(pk=row.pk).update(last_used_at=now, replaced_at=now)
    if "offline_access" not in request.oidc:
        # The refresh grant always returns a refresh token (it is tied to offline_access).
        request = ScopeRequest(request.graph, (*request.oidc, "offline_access"), request.default)
    return token_response(
        app=app, mailbox=row.mailbox, request=request, granted=granted, client_info=client_info
    )


def password_grant(
    *,
    app: EnterpriseApp,
    tenant_segment: str,
    username: str,
    password: str,
    scope: str,
    client_info: bool,
) -> dict:
    """grant_type=password (ROPC): no interactive consent, no first-time consent possible."""
    tenant = directory.tenant_for_segment_or_email(tenant_segment, username)
    if tenant is None:
        raise AadError("invalid_grant", 50034, {"tenant": tenant_segment})
    directory.service_principal_ensure(tenant=tenant, app=app)  # first sign-in attempt
    mailbox = Mailbox.objects.filter(tenant=tenant, email__iexact=username.strip()).first()
    if mailbox is None:
        raise AadError("invalid_grant", 50034, {"tenant": tenant.domain})
    if not mailbox.check_password(password):
        raise AadError("invalid_grant", 50126)
    request = _parse_scopes(scope, app)
    granted = _check_consent(app=app, tenant=tenant, mailbox=mailbox, request=request)
    return token_response(
        app=app, mailbox=mailbox, request=request, granted=granted, client_info=client_info
    )


def _stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
