"""Subscriptions on me/events: create with the validation handshake, limits, get/list,
renew, reauthorize, delete (subscription-*.md pages)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from m365sim import clock
from m365sim.models import Subscription

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def expiry(minutes: int = 4000) -> str:
    return (clock.now() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def body(rec, **extra) -> dict:
    data = {
        "changeType": "created,updated,deleted",
        "notificationUrl": rec.url,
        "lifecycleNotificationUrl": rec.url + "?lifecycle=1",
        "resource": "me/events",
        "expirationDateTime": expiry(),
        "clientState": "geheim-123",
    }
    data.update(extra)
    return data


def test_create_validates_both_urls_and_answers_the_documented_subscription(sim, receiver):
    answer = sim.call("POST", "subscriptions", json=body(receiver))

    assert answer.status_code == 201, answer.text
    sub = answer.json()
    assert sub["@odata.context"].endswith("$metadata#subscriptions/$entity")
    assert sub["resource"] == "me/events"
    assert sub["changeType"] == "created,updated,deleted"
    assert sub["clientState"] == "geheim-123"
    assert sub["notificationUrl"] == receiver.url
    assert sub["lifecycleNotificationUrl"] == receiver.url + "?lifecycle=1"
    assert sub["expirationDateTime"].endswith("Z")
    assert sub["creatorId"] == str(sim.anna.object_id)
    assert Subscription.objects.get(pk=sub["id"]).mailbox == sim.anna
    # One handshake per URL; the token is URL-decoded by the receiver and echoed.
    assert len(receiver.validations) == 2
    assert receiver.validations[0].startswith("Validation: Testing client application")


@pytest.mark.parametrize("mode", ["wrong", "status500", "html"])
def test_a_failed_handshake_refuses_the_create_with_400(sim, receiver, mode):
    receiver.handshake = mode
    answer = sim.call("POST", "subscriptions", json=body(receiver))

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ValidationError"
    assert answer.json()["error"]["message"].startswith("Subscription validation request failed.")
    assert not Subscription.objects.exists()


def test_an_unreachable_endpoint_is_refused(sim, receiver):
    url = receiver.url
    receiver.server.shutdown()
    receiver.server.server_close()
    answer = sim.call("POST", "subscriptions", json=body(receiver, notificationUrl=url))

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ValidationError"


def test_expiry_beyond_10080_minutes_is_refused(sim, receiver):
    answer = sim.call(
        "POST", "subscriptions", json=body(receiver, expirationDateTime=expiry(10081))
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ExtensionError"
    assert "10080 minutes" in answer.json()["error"]["message"]


def test_http_to_a_public_host_and_long_client_state_are_refused(sim, receiver):
    public = sim.call(
        "POST", "subscriptions", json=body(receiver, notificationUrl="http://example.com/x")
    )
    long_state = sim.call("POST", "subscriptions", json=body(receiver, clientState="x" * 129))

    assert public.status_code == 400
    assert long_state.status_code == 400
    assert receiver.validations == []


def test_another_users_events_cannot_be_subscribed_with_a_delegated_token(sim, receiver):
    answer = sim.call(
        "POST", "subscriptions", json=body(receiver, resource="users/ben@muster.example/events")
    )
    own = sim.call(
        "POST", "subscriptions", json=body(receiver, resource=f"users/{sim.anna.object_id}/events")
    )

    assert answer.status_code == 403
    assert own.status_code == 201


def test_the_mailbox_limit_is_enforced(sim, receiver, monkeypatch):
    from m365sim.graph import subscriptions

    monkeypatch.setattr(subscriptions, "MAX_PER_MAILBOX", 1)
    first = sim.call("POST", "subscriptions", json=body(receiver))
    second = sim.call("POST", "subscriptions", json=body(receiver))

    assert first.status_code == 201
    assert second.status_code == 403


def test_get_list_renew_reauthorize_and_delete(sim, receiver):
    sub_id = sim.call("POST", "subscriptions", json=body(receiver)).json()["id"]

    assert sim.call("GET", f"subscriptions/{sub_id}").json()["id"] == sub_id
    assert [s["id"] for s in sim.call("GET", "subscriptions").json()["value"]] == [sub_id]
    renewed = sim.call(
        "PATCH", f"subscriptions/{sub_id}", json={"expirationDateTime": expiry(9000)}
    )
    assert renewed.status_code == 200
    assert renewed.json()["expirationDateTime"] != ""
    too_far = sim.call(
        "PATCH", f"subscriptions/{sub_id}", json={"expirationDateTime": expiry(20000)}
    )
    assert too_far.status_code == 400
    assert sim.call("POST", f"subscriptions/{sub_id}/reauthorize").status_code == 204
    assert sim.call("DELETE", f"subscriptions/{sub_id}").status_code == 204
    assert sim.call("GET", f"subscriptions/{sub_id}").status_code == 404


def test_another_user_does_not_see_the_subscription(sim, receiver):
    sub_id = sim.call("POST", "subscriptions", json=body(receiver)).json()["id"]

    assert sim.call("GET", f"subscriptions/{sub_id}", who=sim.ben).status_code == 404
    assert sim.call("DELETE", f"subscriptions/{sub_id}", who=sim.ben).status_code == 404


def test_an_expired_subscription_is_gone(sim, receiver):
    sub_id = sim.call(
        "POST", "subscriptions", json=body(receiver, expirationDateTime=expiry(60))
    ).json()["id"]
    clock.advance(delta=timedelta(minutes=61))

    assert sim.call("GET", f"subscriptions/{sub_id}").status_code == 404


def test_patch_revalidates_a_new_url_and_refuses_a_lifecycle_url(sim, receiver):
    sub_id = sim.call("POST", "subscriptions", json=body(receiver)).json()["id"]
    receiver.handshake = "wrong"
    moved = sim.call(
        "PATCH", f"subscriptions/{sub_id}", json={"notificationUrl": receiver.url + "?neu=1"}
    )
    lifecycle = sim.call(
        "PATCH", f"subscriptions/{sub_id}", json={"lifecycleNotificationUrl": receiver.url}
    )

    assert moved.status_code == 400
    assert moved.json()["error"]["code"] == "ValidationError"
    assert lifecycle.status_code == 400
    assert Subscription.objects.get(pk=sub_id).notification_url == receiver.url
