"""MSAL wrapper: the sign-in flow (auth code + PKCE + nonce), the id token check, silent tokens.

All HTTP goes through MicrosoftSession, so the same code talks to Microsoft or the simulator.
`token_for(connection)` is the one way to get a Graph access token for a recruiter; it
refreshes under a row lock and `_token_state_write` is the one writer of token state.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
import msal
import requests
from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ebms.accounts.models import User

from ..models import AuthFlow, ConnectionState, MicrosoftConnection
from . import crypto
from .consent import Kind, Problem, classify
from .errors import ReconnectNeeded, Transient, Unreachable
from .http import MicrosoftSession

logger = logging.getLogger(__name__)

BASE_SCOPES = ["User.Read", "Calendars.ReadWrite"]
ROOM_SCOPE = "Place.Read.All"
GRAPH_PREFIX = "https://graph.microsoft.com/"
FLOW_MAX_AGE = timedelta(minutes=15)

__all__ = [
    "BASE_SCOPES",
    "ROOM_SCOPE",
    "Redeemed",
    "Unreachable",
    "authority_url",
    "flow_start",
    "flow_redeem",
    "scopes_for",
    "connection_mark_lost",
    "token_for",
    "token_lost",
]


def scopes_for(*, with_rooms: bool) -> list[str]:
    """Graph scopes we request (MSAL adds openid, profile, offline_access itself)."""
    return BASE_SCOPES + ([ROOM_SCOPE] if with_rooms else [])


def short_scopes(scope: str | list[str]) -> list[str]:
    """'https://graph.microsoft.com/User.Read openid' -> ['User.Read', 'openid']."""
    items = scope.split() if isinstance(scope, str) else scope
    return [s[len(GRAPH_PREFIX) :] if s.lower().startswith(GRAPH_PREFIX) else s for s in items]


def qualified(scopes: list[str]) -> list[str]:
    """['User.Read', 'openid'] -> ['https://graph.microsoft.com/User.Read', 'openid'].

    The form of Microsoft's documented token answer, under which MSAL files the access token.
    """
    oidc = {"openid", "profile", "email", "offline_access"}
    return [s if s.lower() in oidc or "/" in s else GRAPH_PREFIX + s for s in scopes]


def _access_tokens_refile(cache: msal.SerializableTokenCache, *, tenant: str) -> None:
    """File cached access tokens the way `_silent` asks for them.

    MSAL files a token under the realm of the authority that issued it (`organizations` for
    the sign-in) and under the scopes as answered (short names or Graph URLs); we ask with
    the tenant and the Graph URLs, so without this every lookup could miss and refresh.
    """
    kind = cache.CredentialType.ACCESS_TOKEN
    for entry in list(cache.search(kind)):
        realm = tenant if entry.get("realm") in ("organizations", "common") else entry["realm"]
        target = " ".join(sorted(qualified(entry.get("target", "").split())))
        if (realm, target) == (entry.get("realm"), entry.get("target")):
            continue
        cache.modify(kind, entry)  # removed under its old key ...
        refiled = {"realm": realm, "target": target}
        cache.modify(kind, {**entry, **refiled}, refiled)  # ... and filed under the new one


def authority_url(tenant: str = "organizations") -> str:
    return f"{settings.M365_AUTHORITY_HOST.rstrip('/')}/{tenant}"


# Discovery documents and MSAL's throttling memory, shared per target (Microsoft or a simulator).
_http_caches: dict[tuple, dict] = {}


def _app(
    *, tenant: str = "organizations", cache: msal.TokenCache | None = None
) -> msal.ConfidentialClientApplication:
    session = MicrosoftSession()
    key = (settings.M365_AUTHORITY_HOST, tuple(sorted(session.mapping.items())))
    return msal.ConfidentialClientApplication(
        settings.M365_CLIENT_ID,
        client_credential=settings.M365_CLIENT_SECRET,
        authority=authority_url(tenant),
        http_client=session,
        token_cache=cache,
        http_cache=_http_caches.setdefault(key, {}),
    )


# --- interactive sign-in ---------------------------------------------------------------


def flow_start(
    *, user: User, with_rooms: bool, next_url: str = "", prompt: str | None = None
) -> str:
    """Start a sign-in for `user`; returns the URL the browser goes to.

    Raises Unreachable when MSAL cannot read Microsoft's discovery document.
    """
    with warnings.catch_warnings():
        # MSAL recommends form_post; that cross-site POST would drop the Lax session cookie.
        warnings.filterwarnings("ignore", message="response_mode='form_post'")
        try:
            app = _app()
        except requests.RequestException as exc:
            raise _unreachable(exc) from exc
        flow = app.initiate_auth_code_flow(
            scopes_for(with_rooms=with_rooms),
            redirect_uri=settings.M365_REDIRECT_URI,
            response_mode="query",
            prompt=prompt,
            login_hint=_known_upn(user),
        )
    AuthFlow.objects.create(
        user=user,
        state=flow["state"],
        flow_encrypted=crypto.encrypt(json.dumps(flow)),
        with_rooms=with_rooms,
        next_url=next_url[:500],
    )
    # The browser must reach the simulator in simulator mode; a no-op against Microsoft.
    return MicrosoftSession().map_url(flow["auth_uri"])


def _unreachable(exc: requests.RequestException) -> Unreachable:
    logger.warning("microsoft identity platform unreachable: %s", type(exc).__name__)
    return Unreachable(type(exc).__name__, code=type(exc).__name__)


def _known_upn(user: User) -> str | None:
    conn = MicrosoftConnection.objects.filter(user=user).only("upn").first()
    return (conn.upn or None) if conn else None


@dataclass
class Redeemed:
    """A successful code redemption: verified claims, scopes, and the token cache to store."""

    flow: AuthFlow
    tenant_id: str
    oid: str
    upn: str
    display_name: str
    granted_scopes: list[str]
    cache_json: str


@dataclass
class Refused:
    flow: AuthFlow | None
    problem: Problem


def _claim_flow(*, user: User, state: str) -> AuthFlow | Problem:
    """Find and consume the flow for `state` (single use); a Problem when it is not ours."""
    if not state:
        return Problem(kind=Kind.INVALID_STATE)
    with transaction.atomic():
        row = AuthFlow.objects.select_for_update().filter(state=state[:64]).first()
        if row is None:
            return Problem(kind=Kind.INVALID_STATE)
        if row.user_id != user.pk:
            # Not consumed: the owner can still finish his own sign-in.
            return Problem(kind=Kind.WRONG_USER)
        if row.used_at is not None:
            return Problem(kind=Kind.REPLAYED)
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
    if row.created_at < timezone.now() - FLOW_MAX_AGE:
        return Problem(kind=Kind.INVALID_STATE, description="expired")
    return row


def flow_redeem(*, user: User, params: dict[str, str]) -> Redeemed | Refused:
    """Finish the sign-in from the callback's query parameters. Stores nothing but the flow use."""
    claimed = _claim_flow(user=user, state=params.get("state", ""))
    if isinstance(claimed, Problem):
        return Refused(flow=None, problem=claimed)
    row = claimed
    if params.get("error"):
        return Refused(
            flow=row,
            problem=classify(
                error=params["error"], description=params.get("error_description", "")
            ),
        )
    flow = json.loads(crypto.decrypt(row.flow_encrypted))
    cache = msal.SerializableTokenCache()
    try:
        result = _app(cache=cache).acquire_token_by_auth_code_flow(flow, dict(params))
    except requests.RequestException as exc:  # discovery or token endpoint: no answer
        return Refused(flow=row, problem=_unreachable_problem(exc))
    except ValueError:  # state mismatch or neither code nor error
        return Refused(flow=row, problem=Problem(kind=Kind.INVALID_STATE))
    except RuntimeError:  # nonce mismatch
        return Refused(flow=row, problem=Problem(kind=Kind.INVALID_STATE, description="nonce"))
    if "error" in result:
        return Refused(
            flow=row,
            problem=classify(
                error=result.get("error", ""),
                description=result.get("error_description", ""),
                codes=result.get("error_codes"),
            ),
        )
    try:
        claims = verify_id_token(result.get("id_token", ""))
    except (requests.ConnectionError, requests.Timeout) as exc:  # the tenant's keys: no answer
        return Refused(flow=row, problem=_unreachable_problem(exc))
    except (jwt.PyJWTError, KeyError, ValueError, requests.RequestException) as exc:
        logger.warning("id token rejected: %s", type(exc).__name__)
        return Refused(flow=row, problem=Problem(kind=Kind.OTHER, description="ID-Token ungültig"))
    return Redeemed(
        flow=row,
        tenant_id=claims["tid"],
        oid=claims["oid"],
        upn=claims.get("preferred_username", "") or claims.get("upn", ""),
        display_name=claims.get("name", ""),
        granted_scopes=short_scopes(result.get("scope", "")),
        cache_json=cache.serialize(),
    )


def _unreachable_problem(exc: requests.RequestException) -> Problem:
    _unreachable(exc)  # logged
    return Problem(kind=Kind.UNREACHABLE, description=type(exc).__name__)


def verify_id_token(raw: str) -> dict[str, Any]:
    """Verify signature (JWKS from discovery), audience and tenant issuer; MSAL checks neither."""
    unverified = jwt.decode(raw, options={"verify_signature": False})
    tid = str(unverified["tid"])
    session = MicrosoftSession()
    config = session.get(f"{authority_url(tid)}/v2.0/.well-known/openid-configuration")
    config.raise_for_status()
    keys = session.get(config.json()["jwks_uri"])
    keys.raise_for_status()
    kid = jwt.get_unverified_header(raw).get("kid")
    key = next((k for k in keys.json()["keys"] if k.get("kid") == kid), None)
    if key is None:
        raise jwt.InvalidKeyError(f"no signing key {kid!r} in the tenant's JWKS")
    return jwt.decode(
        raw,
        jwt.PyJWK(key, algorithm="RS256").key,
        algorithms=["RS256"],
        audience=settings.M365_CLIENT_ID,
        issuer=f"{authority_url(tid)}/v2.0",
        # The token just came from the token endpoint over TLS: skew in iat/nbf is irrelevant.
        options={"verify_iat": False, "verify_nbf": False, "require": ["exp", "tid", "oid"]},
    )


# --- tokens for Graph ------------------------------------------------------------------


def _token_state_write(
    connection: MicrosoftConnection, *, cache_json: str | None, **fields: Any
) -> None:
    """The ONE writer of token state: the encrypted cache plus bookkeeping fields."""
    if cache_json is not None:
        connection.token_cache_encrypted = crypto.encrypt(cache_json) if cache_json else b""
        fields.setdefault("token_cache_encrypted", connection.token_cache_encrypted)
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.save(update_fields=[*fields, "updated_at"])


def token_state_store(connection: MicrosoftConnection, *, cache_json: str, **fields: Any) -> None:
    """Store a fresh cache after sign-in (services call this; it is the same single writer)."""
    _token_state_write(connection, cache_json=cache_json, **fields)


def token_state_clear(connection: MicrosoftConnection, **fields: Any) -> None:
    """Delete the tokens (disconnect)."""
    _token_state_write(connection, cache_json="", **fields)


# Sent (connection=) after a connection was marked "erneut verbinden"; the connection
# feature listens and e-mails the recruiter once (connection/signals.py).
token_lost = Signal()


def connection_mark_lost(connection: MicrosoftConnection, *, problem: Problem) -> None:
    """Mark "erneut verbinden" after a failed refresh (token state) and send `token_lost`."""
    fields: dict[str, object] = {
        "last_error": (problem.description or problem.error or "")[:500],
        "last_error_code": problem.code_label[:32],
        "last_error_at": timezone.now(),
    }
    if connection.state != ConnectionState.RECONNECT:
        fields["state"] = ConnectionState.RECONNECT
    _token_state_write(connection, cache_json=None, **fields)
    logger.warning(
        "microsoft connection %s needs reconnect (%s)", connection.pk, connection.last_error_code
    )
    token_lost.send(sender=MicrosoftConnection, connection=connection)


def token_for(connection: MicrosoftConnection, *, force_refresh: bool = False) -> str:
    """A Graph access token for the connection's user; refreshes when needed.

    Raises ReconnectNeeded (and marks the connection) when the refresh token is unusable,
    Transient when Microsoft could not be reached or answered with a passing error.
    """
    now = timezone.now()
    lost: Problem | None = None
    with transaction.atomic():
        # Row lock: two workers must not both redeem (and then one lose) a rotating refresh token.
        conn = MicrosoftConnection.objects.select_for_update().get(pk=connection.pk)
        if not conn.is_usable or not conn.token_cache_encrypted:
            raise ReconnectNeeded("connection not usable", code=conn.state)
        result: dict[str, Any] | None = None
        cache = msal.SerializableTokenCache()
        try:
            cache.deserialize(crypto.decrypt(conn.token_cache_encrypted))
        except crypto.InvalidToken:
            lost = Problem(kind=Kind.RECONNECT, description="token key unavailable")
        if lost is None:
            result = _silent(conn, cache=cache, force_refresh=force_refresh)
            if result is None:
                lost = Problem(kind=Kind.RECONNECT, description="no refresh token")
            elif "error" in result:
                problem = classify(
                    error=result.get("error", ""),
                    description=result.get("error_description", ""),
                    codes=result.get("error_codes"),
                )
                if problem.kind != Kind.RECONNECT and result.get("error") != "invalid_grant":
                    raise Transient(problem.description, code=problem.code_label)
                lost = problem
        if lost is None and result is not None:
            fields = {"last_used_at": now}
            if result.get("token_source") == "identity_provider":
                fields["last_refresh_at"] = now
            changed = cache.has_state_changed
            _token_state_write(conn, cache_json=cache.serialize() if changed else None, **fields)
    if lost is not None or result is None:
        lost = lost or Problem(kind=Kind.RECONNECT, description="no token")
        connection_mark_lost(conn, problem=lost)
        raise ReconnectNeeded(lost.description, code=lost.code_label or "invalid_grant")
    connection.last_used_at = conn.last_used_at
    connection.last_refresh_at = conn.last_refresh_at
    return str(result["access_token"])


def _silent(
    conn: MicrosoftConnection, *, cache: msal.SerializableTokenCache, force_refresh: bool
) -> dict[str, Any] | None:
    try:
        app = _app(tenant=conn.tenant_id, cache=cache)
        accounts = app.get_accounts()
        if not accounts:
            return None
        _access_tokens_refile(cache, tenant=conn.tenant_id)
        return app.acquire_token_silent_with_error(
            qualified(conn.requested_scopes or BASE_SCOPES),
            account=accounts[0],
            force_refresh=force_refresh,
        )
    except (OSError, ValueError) as exc:  # requests' errors are OSErrors
        raise Transient(type(exc).__name__, code=type(exc).__name__)


def connection_state_after_signin(*, granted: list[str]) -> str:
    """Aktiv with the room permission, else "ohne Räume"."""
    return ConnectionState.ACTIVE if ROOM_SCOPE in granted else ConnectionState.NO_ROOMS
