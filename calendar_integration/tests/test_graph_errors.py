"""HTTP status -> exception, in the one place (graph/errors.py)."""

from __future__ import annotations

import json

import pytest
import requests

from calendar_integration.microsoft import errors


def _response(status: int, code: str = "", headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    response._content = json.dumps({"error": {"code": code, "message": "m"}}).encode()
    return response


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, errors.TokenExpired),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (400, errors.Permanent),
        (500, errors.Transient),
        (503, errors.Transient),
    ],
)
def test_statuses_map_to_exceptions(status, kind):
    error = errors.from_response(_response(status, "SomeCode"))
    assert type(error) is kind
    assert error.code == "SomeCode"
    assert error.status == status


def test_429_carries_retry_after_including_decimals():
    error = errors.from_response(_response(429, "ApplicationThrottled", {"Retry-After": "2.128"}))
    assert isinstance(error, errors.Throttled)
    assert error.retry_after == pytest.approx(2.128)


def test_503_with_retry_after_is_throttling():
    error = errors.from_response(_response(503, "", {"Retry-After": "7"}))
    assert isinstance(error, errors.Throttled) and error.retry_after == 7
