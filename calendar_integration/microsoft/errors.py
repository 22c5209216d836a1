"""Microsoft Graph (and token) failures as exceptions: the ONE place that maps HTTP to meaning.

Callers decide by type: retry later (Throttled, Transient), stop and ask the recruiter to
reconnect (ReconnectNeeded), or record a permanent failure (NotFound, PermissionDenied,
Permanent). Every error carries Microsoft's error code for the UI and support.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

__all__ = [
    "GraphError",
    "NotFound",
    "Paused",
    "Permanent",
    "PermissionDenied",
    "ReconnectNeeded",
    "SyncStateGone",
    "Throttled",
    "TokenExpired",
    "Transient",
    "Unreachable",
    "from_batch_item",
    "from_response",
]


class GraphError(Exception):
    """Base: `code` is Microsoft's error code (e.g. ErrorAccessDenied), `status` the HTTP status."""

    def __init__(self, message: str = "", *, code: str = "", status: int | None = None) -> None:
        super().__init__(message or code)
        self.message = message
        self.code = code
        self.status = status
        self.request_id = ""


class Throttled(GraphError):
    """429 (or 503 with Retry-After): wait `retry_after` seconds before the next call."""

    def __init__(
        self, message: str = "", *, retry_after: float, code: str = "", status: int | None = None
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class Paused(Throttled):
    """Microsoft's Retry-After for the mailbox still runs: the client refused to call."""


class Transient(GraphError):
    """5xx, timeout, dropped connection: retry with backoff."""


class Unreachable(Transient):
    """The identity platform did not answer at sign-in (connection refused, timeout)."""


class TokenExpired(GraphError):
    """401 even after one token refresh."""


class ReconnectNeeded(GraphError):
    """The refresh token is unusable (invalid_grant, 700082, revoked): the user must sign in again."""


class NotFound(GraphError):
    """404: the item (event, place) does not exist (any more)."""


class SyncStateGone(NotFound):
    """410 Gone: a delta link's sync state is lost (evicted); start a full resync of the window."""


class PermissionDenied(GraphError):
    """403: the token lacks a permission or the mailbox denies access."""


class Permanent(GraphError):
    """Any other 4xx: retrying the same request will not help."""


def _retry_after(headers: Mapping[str, Any] | None, default: float) -> float:
    raw = ""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = str(value)
    try:
        return max(0.0, float(raw))
    except ValueError:
        return default


def _body_error(body: object) -> tuple[str, str]:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return error, ""
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("code", "")), str(error.get("message", ""))


def _request_id(headers: Mapping[str, Any] | None) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == "request-id":
            return str(value)
    return ""


def _mapped(status: int, headers: Mapping[str, Any] | None, body: object) -> GraphError:
    """The ONE mapping of a failed Graph answer (direct or inside $batch) to an exception."""
    code, message = _body_error(body)
    code = code or str(status)
    has_retry_after = any(k.lower() == "retry-after" for k in (headers or {}))
    error: GraphError
    if status == 429 or (status in (503, 504) and has_retry_after):
        retry_after = _retry_after(headers, 5.0)
        error = Throttled(message, retry_after=retry_after, code=code, status=status)
    else:
        kind: type[GraphError] = Permanent
        if status >= 500:
            kind = Transient
        elif status == 401:
            kind = TokenExpired
        elif status == 403:
            kind = PermissionDenied
        elif status == 404:
            kind = NotFound
        elif status == 410:
            kind = SyncStateGone
        elif status == 424:
            # A $batch item whose dependency failed: nothing happened, try again.
            kind = Transient
        error = kind(message, code=code, status=status)
    error.request_id = _request_id(headers)
    return error


def from_response(response: requests.Response) -> GraphError:
    """The exception for a non-2xx Graph response."""
    try:
        body = response.json()
    except ValueError:
        body = {"error": {"code": "", "message": response.text[:200]}}
    return _mapped(response.status_code, response.headers, body)


def from_batch_item(item: Mapping[str, Any]) -> GraphError | None:
    """The exception for one failed $batch sub-response (None when it succeeded)."""
    status = int(item.get("status") or 0)
    if 200 <= status < 300:
        return None
    return _mapped(status, item.get("headers") or {}, item.get("body"))


def from_exception(exc: requests.RequestException) -> Transient:
    """A timeout or dropped connection (the request may or may not have reached Graph)."""
    return Transient(type(exc).__name__, code=type(exc).__name__)
