"""Graph's error format and the exceptions handlers raise to produce it.

Error body (https://learn.microsoft.com/graph/errors):
{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}
"""

from __future__ import annotations

from m365sim import clock


class GraphError(Exception):
    """An HTTP error answer; raised anywhere below the front door."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        inner: dict[str, str] | None = None,
    ):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.inner = inner or {}  # extra innerError properties (throttling's code/status)


def error_body(
    *, code: str, message: str, request_id: str, client_request_id: str, inner: dict | None = None
) -> dict:
    # innerError.date has no trailing Z in real answers.
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                **(inner or {}),
                "date": clock.now().strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": client_request_id,
            },
        }
    }


def not_found() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    return GraphError(400, code, message)


def access_denied() -> GraphError:
    return GraphError(
        403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
    )
