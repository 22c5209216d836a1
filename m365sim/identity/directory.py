"""Directory services of the identity platform: tenants, the app, service principals, consent.

Consent model as in https://learn.microsoft.com/entra/identity-platform/permissions-consent-overview
and https://learn.microsoft.com/entra/identity/enterprise-apps/configure-user-consent:
a user may consent to permissions that do not need an admin, unless the tenant disallows user
consent; admin-only permissions (e.g. Place.Read.All) need a tenant-wide grant; with
"assignment required" users cannot consent themselves (AADSTS90094). The service principal is
created in a tenant at the first sign-in attempt
(https://learn.microsoft.com/entra/identity-platform/app-objects-and-service-principals).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.db import IntegrityError, transaction

from m365sim import clock
from m365sim.identity.errors import AadError
from m365sim.identity.scopes import ScopeRequest, needs_admin
from m365sim.models import (
    EnterpriseApp,
    Grant,
    Mailbox,
    MailboxKind,
    ServicePrincipal,
    Tenant,
)

MULTI_TENANT_SEGMENTS = ("common", "organizations", "consumers")
DEFAULT_APP_SCOPES = ["User.Read", "Calendars.ReadWrite", "Place.Read.All", "offline_access"]


def app_get(client_id: str) -> EnterpriseApp | None:
    """The registered app with this client id; the EBMS app follows the M365_* settings."""
    try:
        client_uuid = uuid.UUID(str(client_id))
    except ValueError:
        return None
    if str(client_uuid) == settings.M365_CLIENT_ID:
        return app_ensure()
    return EnterpriseApp.objects.filter(client_id=client_uuid).first()


def app_ensure() -> EnterpriseApp:
    """The EBMS app registration, created once from the M365_* settings."""
    client_id = uuid.UUID(settings.M365_CLIENT_ID)
    try:
        app, _ = EnterpriseApp.objects.get_or_create(
            client_id=client_id,
            defaults={
                "client_secret": settings.M365_CLIENT_SECRET,
                "redirect_uris": [settings.M365_REDIRECT_URI],
                "required_scopes": DEFAULT_APP_SCOPES,
            },
        )
    except IntegrityError:  # created concurrently
        app = EnterpriseApp.objects.get(client_id=client_id)
    # The vendor registers the redirect URI the product is configured with.
    app_register_redirect_uri(app=app, redirect_uri=settings.M365_REDIRECT_URI)
    return app


def app_register_redirect_uri(*, app: EnterpriseApp, redirect_uri: str) -> None:
    if redirect_uri not in app.redirect_uris:
        app.redirect_uris = [*app.redirect_uris, redirect_uri]
        app.save(update_fields=["redirect_uris"])


def tenant_resolve(segment: str) -> Tenant | None:
    """The tenant named by a path segment (GUID or verified domain); None if unknown."""
    try:
        return Tenant.objects.filter(id=uuid.UUID(segment)).first()
    except ValueError:
        return Tenant.objects.filter(domain__iexact=segment).first()


def tenant_for_segment_or_email(segment: str, email: str) -> Tenant | None:
    """The tenant a sign-in goes to: the path's tenant, or (common/organizations) the user's."""
    if segment.lower() not in MULTI_TENANT_SEGMENTS:
        return tenant_resolve(segment)
    mailbox = Mailbox.objects.filter(email__iexact=email.strip()).select_related("tenant").first()
    if mailbox:
        return mailbox.tenant
    domain = email.rpartition("@")[2]
    return Tenant.objects.filter(domain__iexact=domain).first() if domain else None


def service_principal_ensure(*, tenant: Tenant, app: EnterpriseApp) -> ServicePrincipal:
    try:
        with transaction.atomic(using="m365sim"):
            sp, _ = ServicePrincipal.objects.get_or_create(
                tenant=tenant, app=app, defaults={"created_at": clock.now()}
            )
    except IntegrityError:
        sp = ServicePrincipal.objects.get(tenant=tenant, app=app)
    return sp


def service_principal_get(*, tenant: Tenant, client_id: str) -> ServicePrincipal | None:
    return (
        ServicePrincipal.objects.filter(tenant=tenant, app__client_id=client_id)
        .select_related("app", "tenant")
        .first()
    )


def granted_scopes(*, sp: ServicePrincipal, mailbox: Mailbox) -> list[str]:
    """Scopes granted to this user: tenant-wide grant plus the user's own grant."""
    names: list[str] = []
    for grant in Grant.objects.filter(service_principal=sp).order_by("principal_id"):
        if grant.principal_id in (None, mailbox.pk):
            names += [s for s in grant.scopes if s not in names]
    return names


def grant_add(*, sp: ServicePrincipal, principal: Mailbox | None, scopes: list[str]) -> Grant:
    """Add scopes to the tenant-wide (principal None) or the user's grant."""
    grant = Grant.objects.filter(service_principal=sp, principal=principal).first()
    if grant is None:
        grant = Grant(service_principal=sp, principal=principal, scopes=[], created_at=clock.now())
    grant.scopes = [*grant.scopes, *[s for s in scopes if s not in grant.scopes]]
    grant.save()
    return grant


def grant_revoke(*, grant: Grant) -> None:
    """Remove a delegated grant; refresh tokens then fail with AADSTS65001."""
    grant.delete()


def user_sessions_revoke(*, mailbox: Mailbox) -> int:
    """revokeSignInSessions: every refresh token of the user fails with AADSTS50173."""
    return mailbox.refresh_tokens.filter(revoked_at__isnull=True).update(revoked_at=clock.now())


def sign_in_allowed(*, sp: ServicePrincipal, mailbox: Mailbox) -> None:
    """Raise the AADSTS error that stops this user from signing in to the app."""
    params = {"client_id": str(sp.app.client_id), "app_name": sp.app.display_name}
    if mailbox.kind != MailboxKind.USER or not mailbox.account_enabled:
        raise AadError("invalid_grant", 50057)
    if not sp.enabled_for_sign_in:
        raise AadError("unauthorized_client", 7000112, params)
    if sp.assignment_required and not sp.assigned.filter(pk=mailbox.pk).exists():
        raise AadError("invalid_grant", 50105, params)


class ConsentOutcome(Enum):
    GRANTED = "granted"  # nothing to ask
    ASK_USER = "ask_user"  # the consent page (admins also see "on behalf of the organisation")
    NEED_ADMIN = "need_admin"  # "Need admin approval" (AADSTS90094 / 90095 with the workflow)


@dataclass(frozen=True)
class ConsentDecision:
    outcome: ConsentOutcome
    missing: tuple[str, ...]


def consent_decide(
    *, sp: ServicePrincipal, mailbox: Mailbox, request: ScopeRequest
) -> ConsentDecision:
    """What the sign-in needs before a code can be issued."""
    granted = granted_scopes(sp=sp, mailbox=mailbox)
    wanted = list(request.graph) if granted else list(request.all)
    missing = tuple(s for s in wanted if s not in granted)
    if not missing:
        return ConsentDecision(ConsentOutcome.GRANTED, ())
    if mailbox.is_tenant_admin:
        return ConsentDecision(ConsentOutcome.ASK_USER, missing)
    if (
        not sp.tenant.users_may_consent
        or sp.assignment_required
        or any(needs_admin(s) for s in missing)
    ):
        return ConsentDecision(ConsentOutcome.NEED_ADMIN, missing)
    return ConsentDecision(ConsentOutcome.ASK_USER, missing)
