"""Connecting a recruiter's Microsoft account: start, finish (binding rules), admin consent, keys.

Binding rules: the first successful connection sets the company's tenant; accounts of other
tenants are refused; one Microsoft account (oid) belongs to at most one EBMS user. A refused
sign-in stores nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from ebms.accounts.models import Company, User

from ..availability.rooms import rooms_refresh_first
from ..microsoft import crypto, identity
from ..microsoft.consent import CONSENT_KINDS, Kind, Problem
from ..microsoft.errors import Unreachable
from ..microsoft.http import MicrosoftSession
from ..models import AuthFlow, FunctionCheck, MicrosoftConnection
from ..sync.outbox import backfill_connection
from ..sync.push import subscription_request
from ..sync.services import parked_resume
from .access import company_of
from .function_check import function_check_run

logger = logging.getLogger(__name__)

CONSENT_RETRY = "consent_retry"
ADMIN_CONSENT_SALT = "calendar_integration.admin_consent"
ADMIN_CONSENT_MAX_AGE = 60 * 60 * 24 * 30  # the link goes by e-mail to IT: 30 days

__all__ = [
    "Finished",
    "admin_consent_url",
    "admin_consent_verify_state",
    "connect_begin",
    "connect_finish",
    "function_check_rerun",
    "token_keys_rotate",
]


def connect_begin(*, user: User, with_rooms: bool, next_url: str = "") -> str:
    """Start the sign-in; returns the Microsoft URL for the browser (Unreachable: no answer)."""
    return identity.flow_start(user=user, with_rooms=with_rooms, next_url=next_url)


@dataclass
class Finished:
    """Result of the callback: a connection, a problem, or (once) a new sign-in to redirect to."""

    connection: MicrosoftConnection | None = None
    problem: Problem | None = None
    redirect_url: str = ""
    check: FunctionCheck | None = None
    next_url: str = ""
    tenant_hint: str = ""
    with_rooms: bool = False
    sent: int = 0  # appointments that waited (planned before, or parked) and go to Outlook now


def _previous_outcome(*, user: User, flow: AuthFlow) -> str:
    previous = (
        AuthFlow.objects.filter(user=user, used_at__isnull=False)
        .exclude(pk=flow.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    return previous.outcome if previous else ""


def _record(flow: AuthFlow | None, outcome: str) -> None:
    if flow is not None:
        flow.outcome = outcome
        flow.save(update_fields=["outcome"])


def connect_finish(*, user: User, params: dict[str, str]) -> Finished:
    """Redeem the callback; bind and store the connection; run the function check."""
    result = identity.flow_redeem(user=user, params=params)
    if isinstance(result, identity.Refused):
        flow, problem = result.flow, result.problem
        finished = Finished(
            problem=problem,
            with_rooms=bool(flow and flow.with_rooms),
            tenant_hint=company_of(user).microsoft_tenant_id,
        )
        if (
            flow is not None
            and problem.kind == Kind.CONSENT_REQUIRED
            and _previous_outcome(user=user, flow=flow) not in {*CONSENT_KINDS, CONSENT_RETRY}
        ):
            # One interactive retry with the consent prompt, as Microsoft advises for 65001.
            # A second consent failure in a row ends on the guidance page: no loop.
            try:
                finished.redirect_url = identity.flow_start(
                    user=user, with_rooms=flow.with_rooms, next_url=flow.next_url, prompt="consent"
                )
            except Unreachable:
                finished.problem = Problem(kind=Kind.UNREACHABLE)
                _record(flow, Kind.UNREACHABLE)
                return finished
            _record(flow, CONSENT_RETRY)
            finished.problem = None
            return finished
        _record(flow, problem.kind)
        return finished

    redeemed = result
    refused = _bind(user=user, redeemed=redeemed)
    if refused is not None:
        _record(redeemed.flow, refused.kind)
        return Finished(problem=refused, with_rooms=redeemed.flow.with_rooms)
    connection = user.microsoft_connection
    finished = Finished(
        connection=connection,
        next_url=redeemed.flow.next_url,
        with_rooms=redeemed.flow.with_rooms,
        tenant_hint=redeemed.tenant_id,
    )
    if redeemed.flow.with_rooms and identity.ROOM_SCOPE not in redeemed.granted_scopes:
        # Connected without rooms: the calendar works; room access needs an administrator.
        finished.problem = Problem(kind=Kind.ADMIN_CONSENT, description="Place.Read.All")
        _record(redeemed.flow, Kind.ADMIN_CONSENT)
    else:
        _record(redeemed.flow, "connected")
    finished.check = function_check_run(connection=connection)
    if connection.has_rooms:
        rooms_refresh_first(connection=connection)
    finished.sent = backfill_connection(connection=connection)
    finished.sent += parked_resume(connection=connection)
    subscription_request(connection=connection)
    return finished


def _bind(*, user: User, redeemed: identity.Redeemed) -> Problem | None:
    """Apply the binding rules and store the connection; a Problem (nothing stored) if refused."""
    now = timezone.now()
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company_of(user).pk)
        if company.microsoft_tenant_id and company.microsoft_tenant_id != redeemed.tenant_id:
            return Problem(kind=Kind.FOREIGN_TENANT, description=redeemed.upn)
        taken = MicrosoftConnection.objects.filter(oid=redeemed.oid).exclude(user=user).exists()
        if taken:
            return Problem(kind=Kind.ACCOUNT_TAKEN, description=redeemed.upn)
        if not company.microsoft_tenant_id:
            company.microsoft_tenant_id = redeemed.tenant_id
            company.save(update_fields=["microsoft_tenant_id"])
        connection, _created = MicrosoftConnection.objects.select_for_update().get_or_create(
            user=user, defaults={"company": company, "tenant_id": redeemed.tenant_id}
        )
        identity.token_state_store(
            connection,
            cache_json=redeemed.cache_json,
            company=company,
            tenant_id=redeemed.tenant_id,
            oid=redeemed.oid,
            upn=redeemed.upn,
            display_name=redeemed.display_name[:200],
            with_rooms=redeemed.flow.with_rooms,
            requested_scopes=identity.scopes_for(with_rooms=redeemed.flow.with_rooms),
            granted_scopes=redeemed.granted_scopes,
            state=identity.connection_state_after_signin(granted=redeemed.granted_scopes),
            connected_at=now,
            last_refresh_at=now,
            last_used_at=now,
            last_error="",
            last_error_code="",
            last_error_at=None,
            reconnect_mail_sent_at=None,
        )
    return None


def function_check_rerun(*, connection: MicrosoftConnection) -> FunctionCheck:
    """ "Funktionstest wiederholen": run every check item again."""
    return function_check_run(connection=connection)


# --- admin consent -------------------------------------------------------------------


def admin_consent_url(*, company: Company, tenant_hint: str = "") -> str:
    """The tenant-specific admin-consent link (never `common`), reachable by the browser.

    Before the first connection the tenant is unknown: `organizations` is the form
    Microsoft documents for that case (the admin's sign-in picks his tenant). An e-mail
    domain would be a guess that breaks when EBMS and Microsoft domains differ.
    """
    tenant = company.microsoft_tenant_id or tenant_hint or "organizations"
    state = signing.dumps({"c": company.pk}, salt=ADMIN_CONSENT_SALT)
    scopes = [identity.GRAPH_PREFIX + s for s in identity.scopes_for(with_rooms=True)]
    query = urlencode(
        {
            "client_id": settings.M365_CLIENT_ID,
            "scope": " ".join(scopes),
            "redirect_uri": settings.M365_REDIRECT_URI,
            "state": state,
        }
    )
    url = f"{identity.authority_url(tenant)}/v2.0/adminconsent?{query}"
    return MicrosoftSession().map_url(url)


def admin_consent_verify_state(state: str) -> int | None:
    """The company id the admin-consent link was made for, or None if the state is not ours."""
    try:
        return int(
            signing.loads(state, salt=ADMIN_CONSENT_SALT, max_age=ADMIN_CONSENT_MAX_AGE)["c"]
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


# --- key rotation --------------------------------------------------------------------


@dataclass(frozen=True)
class RotateResult:
    rotated: int
    failed: int


def token_keys_rotate() -> RotateResult:
    """Re-encrypt every token cache and pending flow under the newest key."""
    rotated = failed = 0
    for model, field in (
        (MicrosoftConnection, "token_cache_encrypted"),
        (AuthFlow, "flow_encrypted"),
    ):
        for pk in model.objects.exclude(**{field: b""}).values_list("pk", flat=True):
            with transaction.atomic():
                row = model.objects.select_for_update().get(pk=pk)
                try:
                    setattr(row, field, crypto.rotate(getattr(row, field)))
                except crypto.InvalidToken:
                    failed += 1
                    logger.warning("%s %s: no configured key decrypts it", model.__name__, pk)
                    continue
                row.save(update_fields=[field])
                rotated += 1
    return RotateResult(rotated=rotated, failed=failed)
