"""The requests the product's sync builds (not hand-written bodies), against the documented
request shapes: an appointment is created, moved and cancelled, a proposal's holds go out in
one $batch -- all through the product's services, answered with the documented responses."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from calendar_integration.sync.models import CalendarEvent
from ebms.recruiting.services.appointments import (
    appointment_cancel,
    appointment_update,
)
from ebms.recruiting.tests import factories

from .conftest import GRAPH, appointment_planned
from .fixtures import graph as gf
from .shapes import shape_differences

EVENT_ID = gf.CREATE_EVENT.response["id"]


def graph_requests(mocked) -> list:
    return [c.request for c in mocked.calls if c.request.url.startswith(GRAPH)]


@pytest.fixture
def observer(connection) -> Any:
    from ebms.accounts.models import Role, User

    return User.objects.create_user(
        "samantha@contoso.example", "pw", company=connection.company, role=Role.OBSERVER,
        first_name="Samantha", last_name="Booth",
    )  # fmt: skip


@pytest.fixture
def appointment(connection, observer, mocked) -> Any:
    return appointment_planned(connection, observer, mocked)


def test_the_products_create_has_the_documented_shape(appointment, mocked) -> None:
    posts = [r for r in graph_requests(mocked) if r.method == "POST"]
    assert len(posts) == 1
    body = json.loads(posts[0].body)

    # Every property of the documented request, with the documented JSON types.
    assert shape_differences(gf.CREATE_EVENT.request, body) == []
    # Nothing the event resource does not have.
    assert set(body) <= gf.EVENT_PROPERTIES, set(body) - gf.EVENT_PROPERTIES
    assert posts[0].headers["Content-Type"] == "application/json"
    # The documented answer is adopted: Outlook's id and iCalUId are stored.
    record = CalendarEvent.objects.get(appointment=appointment)
    assert record.graph_id == EVENT_ID
    assert record.ical_uid == gf.CREATE_EVENT.response["iCalUId"]


def test_the_products_patch_carries_only_updatable_properties(
    appointment, connection, mocked, django_capture_on_commit_callbacks
) -> None:
    mocked.patch(f"{GRAPH}/me/events/{EVENT_ID}", json=gf.CREATE_EVENT.response)
    later = appointment.starts_at + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        appointment_update(
            appointment=appointment, by=connection.user, starts_at=later,
            ends_at=later + timedelta(hours=1),
        )  # fmt: skip

    patches = [r for r in graph_requests(mocked) if r.method == "PATCH"]
    assert len(patches) == 1
    body = json.loads(patches[0].body)
    assert {"start", "end"} <= set(body)
    assert set(body) <= gf.UPDATABLE, set(body) - gf.UPDATABLE
    assert shape_differences(gf.CREATE_EVENT.request["start"], body["start"]) == []


def test_the_products_cancel_posts_the_documented_comment(
    appointment, connection, mocked, django_capture_on_commit_callbacks
) -> None:
    mocked.post(f"{GRAPH}/me/events/{EVENT_ID}/cancel", status=202)
    mocked.delete(f"{GRAPH}/me/events/{EVENT_ID}", status=204)

    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment, by=connection.user, reason="Stelle besetzt")

    last = graph_requests(mocked)[-1]
    # With attendees the organizer's cancel sends the comment (event-cancel.md).
    assert (last.method, last.url) == ("POST", f"{GRAPH}/me/events/{EVENT_ID}/cancel")
    assert json.loads(last.body) == {"comment": "Stelle besetzt"}
    assert last.headers["Content-Type"] == "application/json"


def test_the_products_holds_batch_follows_the_documented_rules(
    connection, observer, mocked, django_capture_on_commit_callbacks
) -> None:
    from ebms.recruiting.services import proposal_create

    application = factories.application(company=connection.company, email="eve@bewerber.example")

    def answer(request) -> tuple[int, dict, str]:
        # The documented envelope; each item answered with the documented create response.
        items = json.loads(request.body)["requests"]
        responses = [{"id": i["id"], "status": 201, "headers": {"Content-Type": "application/json"},
                      "body": {**gf.CREATE_EVENT.response, "id": f"AAMk{i['id']}"}}
                     for i in items]  # fmt: skip
        return 200, {}, json.dumps({"responses": responses})

    mocked.add_callback("POST", f"{GRAPH}/$batch", callback=answer)
    slots = []
    for day in range(3):
        start = factories.future(days=3 + day, hour=9)
        slots.append((start, start + timedelta(hours=1)))

    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(
            by=connection.user, application=application, recruiter=connection.user,
            observers=[observer], kind="onsite", slots=slots, title="Vorstellungsgespräch",
            location="Hauptstraße 1",
        )  # fmt: skip

    batches = [r for r in graph_requests(mocked) if r.url == f"{GRAPH}/$batch"]
    assert len(batches) == 1
    items = json.loads(batches[0].body)["requests"]
    assert len(items) == 3 <= 20
    ids = [item["id"] for item in items]
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)
    for item in items:
        assert item["method"] == "POST" and item["url"] == "/me/events"  # relative
        assert item["headers"]["Content-Type"] == "application/json"  # a body needs it
        assert set(item["body"]) <= gf.EVENT_PROPERTIES
        assert item["body"]["showAs"] == "tentative" and "attendees" not in item["body"]
    records = CalendarEvent.objects.filter(proposal=proposal)
    assert sorted(r.graph_id for r in records) == sorted(f"AAMk{i}" for i in ids)
