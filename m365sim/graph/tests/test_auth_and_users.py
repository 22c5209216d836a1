"""401/403 and the user endpoints (https://learn.microsoft.com/graph/errors, user-get)."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def assert_graph_error(resp, status, code):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    inner = error["innerError"]
    # Throttling answers add code/message/status (concepts/throttling.md "Sample response").
    assert {"date", "request-id", "client-request-id"} <= set(inner)
    assert not inner["date"].endswith("Z")
    assert resp.headers["request-id"] == inner["request-id"]


def test_it_refuses_a_call_without_token(sim):
    resp = sim.call("GET", "me", token="", headers={"client-request-id": "abc-123"})
    assert_graph_error(resp, 401, "InvalidAuthenticationToken")
    assert resp.json()["error"]["innerError"]["client-request-id"] == "abc-123"
    assert resp.headers["client-request-id"] == "abc-123"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_an_expired_token(sim):
    token = sim.token(sim.anna, lifetime=timedelta(seconds=-5))
    resp = sim.call("GET", "me", token=token)
    assert_graph_error(resp, 401, "InvalidAuthenticationToken")
    assert resp.json()["error"]["message"] == "Access token has expired or is not yet valid."


def test_it_refuses_a_garbage_token(sim):
    assert_graph_error(sim.call("GET", "me", token="not-a-jwt"), 401, "InvalidAuthenticationToken")


def test_me_has_the_default_user_properties(sim):
    resp = sim.call("GET", "me", scopes=["User.Read"])
    assert resp.status_code == 200
    body = resp.json()
    assert body["@odata.context"].endswith("$metadata#users/$entity")
    assert body["id"] == str(sim.anna.object_id)
    assert body["userPrincipalName"] == body["mail"] == "anna@muster.example"
    assert body["displayName"] == "Anna Berg"
    assert body["businessPhones"] == []
    assert resp.headers["request-id"]


def test_me_needs_a_user_scope(sim):
    resp = sim.call("GET", "me", scopes=["Calendars.ReadWrite"])
    assert_graph_error(resp, 403, "ErrorAccessDenied")


def test_other_users_need_user_readbasic_all(sim):
    resp = sim.call("GET", "users/ben@muster.example", scopes=["User.Read"])
    assert_graph_error(resp, 403, "Authorization_RequestDenied")
    resp = sim.call("GET", f"users/{sim.ben.object_id}", scopes=["User.ReadBasic.All"])
    assert resp.status_code == 200
    assert resp.json()["userPrincipalName"] == "ben@muster.example"


def test_unknown_user_is_404(sim):
    resp = sim.call("GET", "users/nobody@muster.example", scopes=["User.ReadBasic.All"])
    assert_graph_error(resp, 404, "Request_ResourceNotFound")


def test_unknown_segment_is_400(sim):
    assert_graph_error(sim.call("GET", "me/nonsense"), 400, "BadRequest")


def test_calendar_lists_teams_only_for_licensed_users(sim):
    resp = sim.call("GET", "me/calendar", scopes=["Calendars.Read"])
    assert resp.status_code == 200
    body = resp.json()
    assert body["allowedOnlineMeetingProviders"] == ["teamsForBusiness"]
    assert body["defaultOnlineMeetingProvider"] == "teamsForBusiness"
    assert body["owner"] == {"name": "Anna Berg", "address": "anna@muster.example"}
    assert body["canEdit"] is True and isinstance(body["id"], str)

    carla = sim.call("GET", "me/calendar", who=sim.carla).json()
    assert carla["allowedOnlineMeetingProviders"] == []
    assert carla["defaultOnlineMeetingProvider"] == "unknown"


def test_another_users_calendar_is_access_denied(sim):
    resp = sim.call("GET", "users/ben@muster.example/calendar")
    assert_graph_error(resp, 403, "ErrorAccessDenied")


def test_calendar_of_a_user_without_mailbox_is_404(sim):
    sim.carla.mailbox_enabled = False
    sim.carla.save()
    resp = sim.call("GET", "me/calendar", who=sim.carla)
    assert_graph_error(resp, 404, "MailboxNotEnabledForRESTAPI")
