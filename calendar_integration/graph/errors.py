"""Microsoft Graph (and token) failures as exceptions: the ONE place that maps HTTP to meaning.

Callers decide by type: retry later (Throttled, Transient), stop and ask the recruiter to
reconnect (ReconnectNeeded), or record a permanent failure (NotFound, PermissionDenied,
Permanent). Every error carries Microsoft's error code for the UI and support.
"""

from __future__ import annotations

import requests

__all__ = [
    "GraphError",
    "NotFound",
    "Permanent",
    "PermissionDenied",
    "ReconnectNeeded",
    "Throttled",
    "TokenExpired",
    "Transient",
    "from_response",
]


class GraphError(Exception):
    """Base: `code` is Microsoft's error code (e.g. ErrorAccessDenied), `status` the HTTP status."""

    def __init__(self, message: str = "", *, code: str = "", status: int | None = None):
        super().__init__(message or code)
        self.message = message
        self.code = code
        self.status = status


class Throttled(GraphError):
    """429 (or 503 with Retry-After): wait `retry_after` seconds before the next call."""

    def __init__(self, message: str = "", *, retry_after: float, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Transient(GraphError):
    """5xx, timeout, dropped connection: retry with backoff."""


class TokenExpired(GraphError):
    """401 even after one token refresh."""


class ReconnectNeeded(GraphError):
    """The refresh token is unusable (invalid_grant, 700082, revoked): the user must sign in again."""


class NotFound(GraphError):
    """404: the item (event, place) does not exist (any more)."""


class PermissionDenied(GraphError):
    """403: the token lacks a permission or the mailbox denies access."""


class Permanent(GraphError):
    """Any other 4xx: retrying the same request will not help."""


def _retry_after(response: requests.Response, default: float) -> float:
    raw = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return default


def _body_error(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return "", response.text[:200]
    if isinstance(error, str):
        return error, ""
    return str(error.get("code", "")), str(error.get("message", ""))


def from_response(response: requests.Response) -> GraphError:
    """The exception for a non-2xx Graph response (or one sub-response of a $batch)."""
    status = response.status_code
    code, message = _body_error(response)
    kwargs = {"code": code or str(status), "status": status}
    if status == 429:
        return Throttled(message, retry_after=_retry_after(response, 5.0), **kwargs)
    if status in (503, 504) and response.headers.get("Retry-After"):
        return Throttled(message, retry_after=_retry_after(response, 5.0), **kwargs)
    if status >= 500:
        return Transient(message, **kwargs)
    if status == 401:
        return TokenExpired(message, **kwargs)
    if status == 403:
        return PermissionDenied(message, **kwargs)
    if status in (404, 410):
        return NotFound(message, **kwargs)
    return Permanent(message, **kwargs)


def from_exception(exc: requests.RequestException) -> Transient:
    """A timeout or dropped connection (the request may or may not have reached Graph)."""
    return Transient(type(exc).__name__, code=type(exc).__name__)
