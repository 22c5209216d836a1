"""POST /$batch (https://learn.microsoft.com/graph/json-batching)."""

import pytest

from m365sim.graph import log

from .conftest import event_payload, next_weekday
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def test_batch_runs_dependencies_and_fails_dependents_with_424(sim):
    payload = {
        "requests": [
            {
                "id": "1",
                "method": "POST",
                "url": "/me/events",
                "headers": {"Content-Type": "application/json"},
                "body": event_payload(next_weekday(9)),
            },
            {"id": "2", "method": "GET", "url": "/me/events/AAMkAunknown=", "dependsOn": ["1"]},
            {"id": "3", "method": "GET", "url": "/me", "dependsOn": ["2"]},
            {"id": "4", "method": "GET", "url": "/me/calendar"},
        ]
    }
    resp = sim.call("POST", "$batch", json=payload)
    assert resp.status_code == 200, resp.text
    by_id = {r["id"]: r for r in resp.json()["responses"]}
    assert by_id["1"]["status"] == 201
    assert by_id["1"]["body"]["subject"] == "Vorstellungsgespräch"
    assert by_id["2"]["status"] == 404
    assert by_id["2"]["body"]["error"]["code"] == "ErrorItemNotFound"
    assert by_id["3"]["status"] == 424
    assert by_id["4"]["status"] == 200
    sub_calls = [c for c in log.calls() if c.batch_request_id]
    assert {c.path.split("?")[0] for c in sub_calls} >= {"/v1.0/me/events", "/v1.0/me/calendar"}


def test_more_than_20_requests_is_400(sim):
    payload = {"requests": [{"id": str(i), "method": "GET", "url": "/me"} for i in range(21)]}
    assert_graph_error(sim.call("POST", "$batch", json=payload), 400, "BadRequest")


def test_a_body_without_content_type_is_400(sim):
    payload = {
        "requests": [
            {
                "id": "1",
                "method": "POST",
                "url": "/me/events",
                "body": event_payload(next_weekday(9)),
            }
        ]
    }
    assert_graph_error(sim.call("POST", "$batch", json=payload), 400, "BadRequest")


def test_sub_requests_are_checked_for_scopes(sim):
    payload = {"requests": [{"id": "1", "method": "GET", "url": "/places/microsoft.graph.room"}]}
    resp = sim.call("POST", "$batch", scopes=["User.Read"], json=payload)
    assert resp.status_code == 200
    assert resp.json()["responses"][0]["status"] == 403


def test_a_throttled_sub_request_carries_its_own_retry_after(sim):
    from m365sim.graph import faults

    faults.inject(kind="throttle", path_contains="/me/calendar", retry_after=7)
    payload = {
        "requests": [
            {"id": "a", "method": "GET", "url": "/me/calendar"},
            {"id": "b", "method": "GET", "url": "/me"},
        ]
    }
    by_id = {r["id"]: r for r in sim.call("POST", "$batch", json=payload).json()["responses"]}
    assert by_id["a"]["status"] == 429
    assert by_id["a"]["headers"]["Retry-After"] == "7"
    assert by_id["b"]["status"] == 200
