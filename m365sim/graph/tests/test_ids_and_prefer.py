"""Immutable ids (`Prefer: IdType="ImmutableId"`, concepts/outlook-immutable-id), headers of
$batch items (json-batching: each item has its own), and how long a transactionId is
remembered (our choice: 24 hours, docs/m365sim-graph.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from m365sim import clock

from .conftest import event_payload, next_weekday
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])

IMMUTABLE = {"Prefer": 'IdType="ImmutableId"'}


def test_immutable_ids_have_their_own_format_and_address_the_event(sim):
    created = sim.call("POST", "me/events", json=event_payload(next_weekday(9)), headers=IMMUTABLE)

    immutable_id = created.json()["id"]
    assert created.status_code == 201 and immutable_id.startswith("AAkALgAA")
    assert 'IdType="ImmutableId"' in created.headers["Preference-Applied"]
    plain = sim.call("GET", f"me/events/{immutable_id}").json()
    assert plain["id"].startswith("AAMk")  # without the header: the REST id
    again = sim.call("GET", f"me/events/{plain['id']}", headers=IMMUTABLE).json()
    assert again["id"] == immutable_id
    assert sim.call("DELETE", f"me/events/{immutable_id}").status_code == 204


def test_an_id_of_neither_format_is_malformed(sim):
    assert_graph_error(sim.call("GET", "me/events/XYZ123"), 400, "ErrorInvalidIdMalformed")
    assert_graph_error(sim.call("GET", "me/events/AAkALgAAunknown"), 404, "ErrorItemNotFound")


def test_the_outer_prefer_is_not_copied_into_batch_items(sim):
    payload = {
        "requests": [
            {
                "id": "own",
                "method": "POST",
                "url": "/me/events",
                "headers": {"Content-Type": "application/json", **IMMUTABLE},
                "body": event_payload(next_weekday(9)),
            },
            {
                "id": "bare",
                "method": "POST",
                "url": "/me/events",
                "headers": {"Content-Type": "application/json"},
                "body": event_payload(next_weekday(10)),
            },
        ]
    }

    resp = sim.call("POST", "$batch", json=payload, headers=IMMUTABLE)

    by_id = {r["id"]: r for r in resp.json()["responses"]}
    assert by_id["own"]["body"]["id"].startswith("AAkALgAA")
    assert by_id["bare"]["body"]["id"].startswith("AAMk")


def test_a_transaction_id_is_remembered_for_24_hours(sim):
    payload = event_payload(next_weekday(11, days=3), transactionId="ebms-1")
    first = sim.call("POST", "me/events", json=payload).json()

    clock.advance(delta=timedelta(hours=23))
    assert sim.call("POST", "me/events", json=payload).json()["id"] == first["id"]
    clock.advance(delta=timedelta(hours=2))
    later = sim.call("POST", "me/events", json=payload).json()

    assert later["id"] != first["id"]
    clock.reset()
