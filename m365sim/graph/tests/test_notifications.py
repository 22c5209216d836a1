"""Change and lifecycle notifications: queued by any change of the mailbox's events and
delivered outside the request (delivery.drain), with the documented body, retries and
the fault switches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from m365sim import clock
from m365sim.graph import delivery, later
from m365sim.models import Delivery, Event, Subscription

from .conftest import event_payload, next_weekday, time_passes
from .test_subscriptions import body, expiry

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])

ROOM = {"emailAddress": {"address": "raum.rhein@muster.example"}, "type": "resource"}
BEN = {"emailAddress": {"address": "ben@muster.example"}, "type": "required"}


def subscribe(sim, rec, who=None, **extra) -> str:
    answer = sim.call("POST", "subscriptions", json=body(rec, **extra), who=who)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_nothing_is_sent_inside_the_request_then_the_documented_body(sim, receiver):
    sub_id = subscribe(sim, receiver)
    created = sim.call("POST", "me/events", json=event_payload(next_weekday(9))).json()

    assert receiver.received == []  # the create answered; delivery has not run
    assert delivery.drain() == 1
    [item] = receiver.items()
    resource = f"Users/{sim.anna.object_id}/Events/{created['id']}"
    assert item == {
        "subscriptionId": sub_id,
        "subscriptionExpirationDateTime": item["subscriptionExpirationDateTime"],
        "changeType": "created",
        "resource": resource,
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": resource,
            "@odata.etag": f'W/"{created["changeKey"]}"',
            "id": created["id"],
        },
        "clientState": "geheim-123",
        "tenantId": str(sim.tenant.id),
    }


def test_update_and_delete_by_the_product_are_notified(sim, receiver):
    subscribe(sim, receiver)
    event_id = sim.call("POST", "me/events", json=event_payload(next_weekday(9))).json()["id"]
    sim.call("PATCH", f"me/events/{event_id}", json={"subject": "Neu"})
    sim.call("DELETE", f"me/events/{event_id}")
    delivery.drain()

    assert [i["changeType"] for i in receiver.items()] == ["created", "updated", "deleted"]
    assert {i["resourceData"]["id"] for i in receiver.items()} == {event_id}


def test_only_subscribed_change_types_and_the_own_mailbox(sim, receiver):
    subscribe(sim, receiver, changeType="deleted")
    event_id = sim.call("POST", "me/events", json=event_payload(next_weekday(9))).json()["id"]
    sim.call("POST", "me/events", json=event_payload(next_weekday(11)), who=sim.ben)
    sim.call("DELETE", f"me/events/{event_id}")
    delivery.drain()

    assert [i["changeType"] for i in receiver.items()] == ["deleted"]


def test_a_room_answer_and_an_attendee_answer_notify_the_organizer(sim, receiver):
    subscribe(sim, receiver)
    created = sim.call(
        "POST", "me/events", json=event_payload(next_weekday(9), attendees=[ROOM, BEN])
    ).json()
    delivery.drain()
    receiver.received.clear()

    time_passes()  # the booking assistant's delay
    later.apply_due()
    delivery.drain()
    assert [i["changeType"] for i in receiver.items()] == ["updated"]

    organizer_item = Event.objects.get(graph_id=created["id"])
    later.attendee_answer_schedule(event=organizer_item, attendee=sim.ben, response="declined")
    later.apply_due()
    delivery.drain()
    assert [i["changeType"] for i in receiver.items()] == ["updated", "updated"]
    assert {i["resourceData"]["id"] for i in receiver.items()} == {created["id"]}


def test_an_outlook_move_by_the_owner_is_notified(sim, receiver):
    from m365sim.graph import events

    subscribe(sim, receiver)
    event_id = sim.call("POST", "me/events", json=event_payload(next_weekday(9))).json()["id"]
    delivery.drain()
    item = Event.objects.get(graph_id=event_id)
    events.event_update(event=item, data={"subject": "Im Outlook verschoben"})
    delivery.drain()

    assert [i["changeType"] for i in receiver.items()] == ["created", "updated"]


def test_a_failing_endpoint_is_retried_with_backoff(sim, receiver):
    subscribe(sim, receiver)
    receiver.fail_next = 2
    sim.call("POST", "me/events", json=event_payload(next_weekday(9)))

    assert delivery.drain() == 0
    assert delivery.drain() == 0  # not due again before the backoff
    clock.advance(delta=timedelta(seconds=10))
    assert delivery.drain() == 0  # second failure
    clock.advance(delta=timedelta(seconds=20))
    assert delivery.drain() == 1
    assert Delivery.objects.get().attempts == 3
    assert len(receiver.items()) == 1


def test_retries_end_after_four_hours(sim, receiver):
    subscribe(sim, receiver, expirationDateTime=expiry(10000))
    receiver.fail_next = 10_000
    sim.call("POST", "me/events", json=event_payload(next_weekday(9)))
    for _ in range(20):
        delivery.drain()
        clock.advance(delta=timedelta(hours=1))

    assert Delivery.objects.get().state == Delivery.State.FAILED


def test_faults_duplicate_delay_drop(sim, receiver):
    sub_id = subscribe(sim, receiver)
    Subscription.objects.filter(pk=sub_id).update(duplicate=True)
    sim.call("POST", "me/events", json=event_payload(next_weekday(9)))
    delivery.drain()
    assert [i["changeType"] for i in receiver.items()] == ["created", "created"]

    Subscription.objects.filter(pk=sub_id).update(duplicate=False, delay_seconds=60)
    sim.call("POST", "me/events", json=event_payload(next_weekday(10)))
    assert delivery.drain() == 0
    clock.advance(delta=timedelta(seconds=60))
    assert delivery.drain() == 1

    Subscription.objects.filter(pk=sub_id).update(delay_seconds=0, drop=True)
    sim.call("POST", "me/events", json=event_payload(next_weekday(11)))
    assert delivery.drain() == 0
    assert Delivery.objects.filter(state=Delivery.State.DROPPED).count() == 1
    assert len(receiver.items()) == 3


def test_fault_reorder_sends_newest_first(sim, receiver):
    sub_id = subscribe(sim, receiver)
    Subscription.objects.filter(pk=sub_id).update(reorder=True)
    event_id = sim.call("POST", "me/events", json=event_payload(next_weekday(9))).json()["id"]
    sim.call("DELETE", f"me/events/{event_id}")
    delivery.drain()

    assert [i["changeType"] for i in receiver.items()] == ["deleted", "created"]


def test_an_expired_subscription_delivers_nothing(sim, receiver):
    subscribe(sim, receiver, expirationDateTime=expiry(60))
    sim.call("POST", "me/events", json=event_payload(next_weekday(9)))
    clock.advance(delta=timedelta(minutes=61))
    sim.call("POST", "me/events", json=event_payload(next_weekday(10)))
    delivery.drain()

    assert receiver.items() == []


@pytest.mark.parametrize("event", ["reauthorizationRequired", "subscriptionRemoved", "missed"])
def test_lifecycle_events_go_to_the_lifecycle_url(sim, receiver, event):
    sub_id = subscribe(sim, receiver)
    sub = Subscription.objects.select_related("mailbox").get(pk=sub_id)
    delivery.lifecycle(sub, event)
    delivery.drain()

    [item] = receiver.items()
    assert item == {
        "subscriptionId": sub_id,
        "subscriptionExpirationDateTime": item["subscriptionExpirationDateTime"],
        "tenantId": str(sim.tenant.id),
        "clientState": "geheim-123",
        "lifecycleEvent": event,
    }
    removed = not Subscription.objects.filter(pk=sub_id).exists()
    assert removed == (event == "subscriptionRemoved")


def test_the_background_thread_delivers(sim, receiver):
    subscribe(sim, receiver)
    sim.call("POST", "me/events", json=event_payload(next_weekday(9)))
    delivery.start_thread()

    assert delivery.wait_idle(timeout=20)
    assert [i["changeType"] for i in receiver.items()] == ["created"]


def test_a_subscription_made_with_immutable_ids_notifies_immutable_ids(sim, receiver):
    answer = sim.call(
        "POST", "subscriptions", json=body(receiver), headers={"Prefer": 'IdType="ImmutableId"'}
    )
    assert answer.headers["Preference-Applied"] == 'IdType="ImmutableId"'
    event_id = sim.call("POST", "me/events", json=event_payload(next_weekday(9))).json()["id"]
    delivery.drain()

    [item] = receiver.items()
    immutable = Event.objects.get(graph_id=event_id).immutable_id
    assert item["resourceData"]["id"] == immutable
    assert item["resource"].endswith(f"/Events/{immutable}")
