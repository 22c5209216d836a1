"""Push (issue 13) through the product's own services and URLs, with Microsoft's documented
answers on `responses`: the subscription's lifecycle, the notification endpoint (handshake,
clientState, coalescing), the delta pull judging EBMS's records, the fallback poll.

The same behaviour against the simulator (delivery over HTTP) is in
calendar_integration/sync/tests/test_push_simulator.py, which runs once the simulator has
the subscription endpoints.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calendar_integration.availability.cache import entries_get, entries_put
from calendar_integration.connection.lifecycle import connection_disconnect
from calendar_integration.microsoft import crypto
from calendar_integration.sync.delta import delta_pull
from calendar_integration.sync.models import CalendarEvent, MailboxSubscription
from calendar_integration.sync.push import (
    LIFETIME,
    subscription_create,
    subscriptions_maintain,
)
from ebms.recruiting.models import Appointment

from .conftest import GRAPH, appointment_planned
from .fixtures import graph as gf

EVENT_ID = gf.CREATE_EVENT.response["id"]
SUBSCRIPTION_ID = gf.CREATE_SUBSCRIPTION.response["id"]
DELTA = re.compile(rf"{re.escape(GRAPH)}/me/calendarView/delta\?.*")
ROOM = "raum.berlin@contoso.example"
NOTIFY = "calendar_integration:sync_notifications"
LIFECYCLE = "calendar_integration:sync_lifecycle"


def graph_requests(mocked, method: str = "", fragment: str = "") -> list:
    return [
        c.request
        for c in mocked.calls
        if c.request.url.startswith(GRAPH)
        and (not method or c.request.method == method)
        and fragment in c.request.url
    ]


@pytest.fixture
def push(settings) -> None:
    settings.M365_NOTIFICATIONS = "on"
    settings.SITE_URL = "https://ebms.example.com"


@pytest.fixture
def observer(connection) -> Any:
    from ebms.accounts.models import Role, User

    return User.objects.create_user(
        "samanthab@contoso.onmicrosoft.com", "pw", company=connection.company,
        role=Role.OBSERVER, first_name="Samantha", last_name="Booth",
    )  # fmt: skip


@pytest.fixture
def appointment(connection, observer, mocked) -> Appointment:
    created = appointment_planned(connection, observer, mocked)
    # The booked room (the room check of the picker is not what this file tests).
    Appointment.objects.filter(pk=created.pk).update(room_email=ROOM)
    created.refresh_from_db()
    return created


@pytest.fixture
def subscribed(push, connection, mocked, django_capture_on_commit_callbacks) -> MailboxSubscription:
    """The mailbox's subscription, created by the product against the documented answer
    (and the first pull it asks for)."""
    mocked.post(f"{GRAPH}/subscriptions", json=gf.CREATE_SUBSCRIPTION.response, status=201)
    mocked.get(DELTA, json=_page([]))
    with django_capture_on_commit_callbacks(execute=True):
        subscription_create(connection=connection)
    return MailboxSubscription.objects.get(connection=connection)


def _page(items: list[dict], link: str = "") -> dict:
    """A delta page shaped like concepts/delta-query-events.md's final response."""
    return {
        "@odata.context": gf.DELTA_LAST.response["@odata.context"],
        "@odata.deltaLink": link or gf.DELTA_LAST.response["@odata.deltaLink"],
        "value": items,
    }


def _when(moment: datetime) -> dict:
    return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
            "timeZone": "UTC"}  # fmt: skip


def _ours(appointment: Appointment, *, hours: int = 0, room: str = "accepted",
          samantha: str = "none", **extra: Any) -> dict:  # fmt: skip
    """Our event as a delta round lists it (the documented item with our id and values)."""
    item = dict(gf.DELTA_LAST.response["value"][0])
    item.update(
        id=EVENT_ID,
        isCancelled=False,
        start=_when(appointment.starts_at + timedelta(hours=hours)),
        end=_when(appointment.ends_at + timedelta(hours=hours)),
        attendees=[
            {"type": "resource", "status": {"response": room, "time": "2026-01-01T00:00:00Z"},
             "emailAddress": {"name": "Raum Berlin", "address": ROOM}},
            {"type": "required", "status": {"response": samantha, "time": "2026-01-01T00:00:00Z"},
             "emailAddress": {"name": "Samantha Booth",
                              "address": "samanthab@contoso.onmicrosoft.com"}},
        ],
        **extra,
    )  # fmt: skip
    return item


def _notification(row: MailboxSubscription, *, client_state: str = "") -> bytes:
    body = json.loads(json.dumps(gf.CHANGE_NOTIFICATION))
    item = body["value"][0]
    item.update(
        subscriptionId=row.subscription_id,
        clientState=client_state or crypto.decrypt(row.client_state_encrypted),
        changeType="updated",
        resource=f"Users/x/Events/{EVENT_ID}",
    )
    item["resourceData"].update({"@odata.type": "#Microsoft.Graph.Event", "id": EVENT_ID})
    return json.dumps(body).encode()


def _post(name: str, body: bytes) -> Any:
    # enforce_csrf_checks: Graph sends no CSRF token, the endpoint must not want one.
    return Client(enforce_csrf_checks=True).post(
        reverse(name), data=body, content_type="application/json"
    )


def _reset(mocked) -> None:
    mocked.calls.reset()


# --- subscription lifecycle ------------------------------------------------------------------


def test_the_subscription_has_both_urls_a_secret_client_state_and_a_safe_expiry(
    subscribed, mocked
) -> None:
    (request,) = graph_requests(mocked, "POST", "/subscriptions")
    body = json.loads(request.body)

    assert body["resource"] == "me/events"
    assert body["changeType"] == "created,updated,deleted"
    assert body["notificationUrl"] == "https://ebms.example.com/kalender/sync/benachrichtigung/"
    assert body["lifecycleNotificationUrl"].endswith("/benachrichtigung/lebenszyklus/")
    expires = datetime.fromisoformat(body["expirationDateTime"].replace("Z", "+00:00"))
    assert expires <= timezone.now() + LIFETIME <= timezone.now() + timedelta(minutes=4230)
    assert len(body["clientState"]) >= 32
    # Stored encrypted, like tokens; the documented answer's id is kept.
    assert body["clientState"].encode() not in bytes(subscribed.client_state_encrypted)
    assert crypto.decrypt(subscribed.client_state_encrypted) == body["clientState"]
    assert subscribed.subscription_id == SUBSCRIPTION_ID
    assert subscribed.status == MailboxSubscription.Status.ACTIVE


def test_the_beat_creates_missing_subscriptions_for_existing_connections(
    push, connection, mocked
) -> None:
    mocked.post(f"{GRAPH}/subscriptions", json=gf.CREATE_SUBSCRIPTION.response, status=201)
    mocked.get(DELTA, json=_page([]))
    assert not MailboxSubscription.objects.exists()

    counts = subscriptions_maintain()

    assert counts["created"] == 1
    assert len(graph_requests(mocked, "POST", "/subscriptions")) == 1
    # A second run finds it: nothing is created twice.
    subscriptions_maintain()
    assert len(graph_requests(mocked, "POST", "/subscriptions")) == 1


def test_renewal_a_day_before_expiry_and_not_earlier(subscribed, mocked) -> None:
    mocked.patch(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}", json=gf.RENEW_SUBSCRIPTION.response)
    MailboxSubscription.objects.update(expires_at=timezone.now() + timedelta(hours=30))
    subscriptions_maintain()
    assert graph_requests(mocked, "PATCH") == []

    MailboxSubscription.objects.update(expires_at=timezone.now() + timedelta(hours=20))
    subscriptions_maintain()

    (patch,) = graph_requests(mocked, "PATCH")
    assert patch.url.endswith(f"/subscriptions/{SUBSCRIPTION_ID}")
    assert set(json.loads(patch.body)) == {"expirationDateTime"}


def test_disconnect_deletes_the_subscription_with_the_token_still_valid(
    subscribed, connection, mocked
) -> None:
    mocked.delete(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}", status=204)

    connection_disconnect(connection=connection)

    (delete,) = graph_requests(mocked, "DELETE")
    assert delete.headers["Authorization"].startswith("Bearer ")
    row = MailboxSubscription.objects.get()
    assert (row.subscription_id, row.client_state_encrypted) == ("", b"")


def test_a_planner_who_loses_the_role_loses_the_subscription(
    subscribed, connection, mocked, django_capture_on_commit_callbacks
) -> None:
    from ebms.accounts.models import Role

    mocked.delete(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}", status=204)
    user = connection.user
    user.role = Role.OBSERVER
    with django_capture_on_commit_callbacks(execute=True):
        user.save()

    assert len(graph_requests(mocked, "DELETE", "/subscriptions/")) == 1


def test_the_end_of_the_booking_deletes_the_subscription(subscribed, connection, mocked) -> None:
    from ebms.accounts.models import FeatureBooking

    mocked.delete(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}", status=204)
    FeatureBooking.objects.filter(company=connection.company).delete()

    counts = subscriptions_maintain()

    assert (counts["dropped"], counts["created"], counts["pulls"]) == (1, 0, 0)
    assert len(graph_requests(mocked, "DELETE", "/subscriptions/")) == 1


# --- the endpoints ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [NOTIFY, LIFECYCLE])
def test_the_validation_handshake_echoes_the_token_as_plain_text(db, name) -> None:
    token = "Validation: <b>Testing client application reachability</b> & more"

    response = Client(enforce_csrf_checks=True).post(
        reverse(name) + "?" + urlencode({"validationToken": token}), content_type="text/plain"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == token  # URL-decoded, not HTML-escaped or rendered
    assert response["X-Content-Type-Options"] == "nosniff"


def test_fifty_notifications_for_one_mailbox_cause_one_delta_pull(
    subscribed, mocked, django_capture_on_commit_callbacks
) -> None:
    _reset(mocked)
    body = _notification(subscribed)

    with django_capture_on_commit_callbacks(execute=True) as sent:
        answers = {_post(NOTIFY, body).status_code for _ in range(50)}

    assert answers == {202}
    assert len(sent) == 1
    assert len(graph_requests(mocked, "GET", "/calendarView/delta")) == 1
    row = MailboxSubscription.objects.get()
    assert row.pull_requested_at is None and row.pulls == 2  # the first pull at subscribing


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda b: b.replace(b'"clientState": "', b'"clientState": "forged'), 403),
        (lambda b: b.replace(SUBSCRIPTION_ID.encode(), b"00000000-0000-0000-0000-000000000000"), 403),
        (lambda b: b'{"value": "nope"}', 400),
        (lambda b: b"<xml/>", 400),
        (lambda b: b'{"value": [{"subscriptionId": 1}]}', 400),
    ],
)  # fmt: skip
def test_forged_or_malformed_bodies_are_refused_and_change_nothing(
    subscribed, mocked, mutate, status, django_capture_on_commit_callbacks
) -> None:
    _reset(mocked)
    before = MailboxSubscription.objects.values().get()

    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = _post(NOTIFY, mutate(_notification(subscribed)))

    assert response.status_code == status
    assert sent == [] and graph_requests(mocked) == []
    after = MailboxSubscription.objects.values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_a_notification_makes_only_the_recruiters_own_free_busy_row_stale(
    subscribed, connection, mocked
) -> None:
    company = connection.company_id
    start, end = timezone.now(), timezone.now() + timedelta(days=1)
    own, other = connection.user.email.lower(), "bob@contoso.example"
    gen, _ = entries_get(company_id=company, start=start, end=end, addresses=[own, other])
    entries_put(company_id=company, gen=gen, start=start, end=end,
                results={own: {"busy": []}, other: {"busy": []}})  # fmt: skip

    _post(NOTIFY, _notification(subscribed))

    _, cached = entries_get(company_id=company, start=start, end=end, addresses=[own, other])
    assert set(cached) == {other}


# --- the delta pull --------------------------------------------------------------------------


def _pull(mocked, connection, items: list[dict]) -> CalendarEvent:
    mocked.replace("GET", DELTA, json=_page(items))
    delta_pull(connection.pk)
    return CalendarEvent.objects.get(appointment__isnull=False)


def test_an_outlook_move_a_room_decline_and_an_observers_answer_reach_the_record(
    subscribed, connection, appointment, mocked
) -> None:
    record = _pull(mocked, connection, [_ours(appointment, hours=2, room="declined",
                                              samantha="accepted")])  # fmt: skip

    assert record.drift == CalendarEvent.Drift.CHANGED
    assert record.outlook_start == appointment.starts_at + timedelta(hours=2)
    assert record.room_declined is True
    assert {a["address"]: a["response"] for a in record.attendee_responses} == {
        "samanthab@contoso.onmicrosoft.com": "accepted"
    }
    # One delta call (the pull); nothing read per event.
    assert graph_requests(mocked, "GET", "/me/events/") == []


def test_the_same_change_seen_twice_changes_nothing_twice(
    subscribed, connection, appointment, mocked
) -> None:
    item = _ours(appointment, hours=2, samantha="declined")
    first = _pull(mocked, connection, [item])
    mails = appointment.emails.count()

    second = _pull(mocked, connection, [item, item])

    keep = ("drift", "outlook_start", "outlook_end", "room_declined", "attendee_responses",
            "wanted_version", "synced_version", "join_url")  # fmt: skip
    assert [getattr(first, f) for f in keep] == [getattr(second, f) for f in keep]
    assert appointment.emails.count() == mails


def test_a_removed_entry_is_read_once_by_id_and_flagged_deleted(
    subscribed, connection, appointment, mocked
) -> None:
    mocked.get(f"{GRAPH}/me/events/{EVENT_ID}", json=gf.graph_error("ErrorItemNotFound",
               "The specified object was not found in the store."), status=404)  # fmt: skip
    removed = {**gf.DELTA_NEXT.response["value"][0], "id": EVENT_ID}

    record = _pull(mocked, connection, [removed])

    assert record.drift == CalendarEvent.Drift.DELETED
    assert len(graph_requests(mocked, "GET", f"/me/events/{EVENT_ID}")) == 1


def test_events_ebms_did_not_create_are_ignored(
    subscribed, connection, appointment, mocked
) -> None:
    others = gf.DELTA_NEXT.response["value"]  # a documented deletion and a documented event

    record = _pull(mocked, connection, others)

    assert (record.drift, record.room_declined) == ("", False)
    assert graph_requests(mocked, "GET", "/me/events/") == []


def test_a_record_ebms_is_changing_is_skipped(subscribed, connection, appointment, mocked) -> None:
    CalendarEvent.objects.update(wanted_version=F("wanted_version") + 1)

    record = _pull(mocked, connection, [_ours(appointment, hours=3)])

    assert record.drift == ""


def test_a_lost_sync_state_410_starts_a_full_round(subscribed, connection, mocked) -> None:
    link = MailboxSubscription.objects.get().delta_link
    assert link == gf.DELTA_LAST.response["@odata.deltaLink"]
    _reset(mocked)
    mocked.get(link, json=gf.graph_error("SyncStateNotFound", "gone"), status=410)
    mocked.get(DELTA, json=_page([], link=gf.DELTA_NEXT.response["@odata.deltaLink"]))

    delta_pull(connection.pk)

    first, second = graph_requests(mocked, "GET")
    assert first.url == link
    assert set(parse_qs(urlsplit(second.url).query)) == {"startDateTime", "endDateTime"}
    assert (
        MailboxSubscription.objects.get().delta_link == gf.DELTA_NEXT.response["@odata.deltaLink"]
    )


def test_missed_notifications_resync_the_window(
    subscribed, connection, mocked, django_capture_on_commit_callbacks
) -> None:
    _reset(mocked)
    state = crypto.decrypt(subscribed.client_state_encrypted)
    body = gf.lifecycle_notification("missed", subscription_id=SUBSCRIPTION_ID, client_state=state)

    with django_capture_on_commit_callbacks(execute=True):
        assert _post(LIFECYCLE, json.dumps(body).encode()).status_code == 202

    (request,) = graph_requests(mocked, "GET")
    assert set(parse_qs(urlsplit(request.url).query)) == {"startDateTime", "endDateTime"}


def test_a_full_round_reads_our_events_it_does_not_list(
    subscribed, connection, appointment, mocked, django_capture_on_commit_callbacks
) -> None:
    MailboxSubscription.objects.update(resync=True)
    mocked.get(f"{GRAPH}/me/events/{EVENT_ID}", json=gf.graph_error("ErrorItemNotFound",
               "The specified object was not found in the store."), status=404)  # fmt: skip

    record = _pull(mocked, connection, [])

    assert record.drift == CalendarEvent.Drift.DELETED


def test_subscription_removed_creates_a_new_one_and_reauthorization_is_answered(
    subscribed, connection, mocked, django_capture_on_commit_callbacks
) -> None:
    _reset(mocked)
    mocked.post(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}/reauthorize", status=204)
    state = crypto.decrypt(subscribed.client_state_encrypted)

    for event in ("reauthorizationRequired", "subscriptionRemoved"):
        body = gf.lifecycle_notification(event, subscription_id=SUBSCRIPTION_ID, client_state=state)
        with django_capture_on_commit_callbacks(execute=True):
            assert _post(LIFECYCLE, json.dumps(body).encode()).status_code == 202

    assert len(graph_requests(mocked, "POST", "/reauthorize")) == 1
    assert len([r for r in graph_requests(mocked, "POST") if r.url.endswith("/subscriptions")]) == 1
    row = MailboxSubscription.objects.get()
    assert row.status == MailboxSubscription.Status.ACTIVE
    # The new subscription has a new secret: the old one no longer opens the door.
    assert crypto.decrypt(row.client_state_encrypted) != state


# --- without a public URL --------------------------------------------------------------------


def test_without_notifications_the_beat_polls_each_mailbox_at_the_interval(
    connection, mocked, settings, django_capture_on_commit_callbacks
) -> None:
    settings.M365_NOTIFICATIONS = "off"
    settings.M365_POLL_MINUTES = 5
    mocked.get(DELTA, json=_page([]))
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        subscriptions_maintain(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions_maintain(now=now + timedelta(minutes=2))
    assert len(graph_requests(mocked, "GET", "/calendarView/delta")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions_maintain(now=timezone.now() + timedelta(minutes=6))

    assert len(graph_requests(mocked, "GET", "/calendarView/delta")) == 2
    assert graph_requests(mocked, "POST", "/subscriptions") == []


def test_a_refused_subscription_is_retried_hourly_not_every_beat(push, connection, mocked) -> None:
    mocked.post(f"{GRAPH}/subscriptions", status=400,
                json=gf.graph_error("InvalidRequest", "Subscription validation request failed."))  # fmt: skip
    mocked.get(DELTA, json=_page([]))

    subscriptions_maintain()
    subscriptions_maintain(now=timezone.now() + timedelta(minutes=5))
    assert len(graph_requests(mocked, "POST", "/subscriptions")) == 1
    assert MailboxSubscription.objects.get().status == MailboxSubscription.Status.FAILED

    subscriptions_maintain(now=timezone.now() + timedelta(minutes=61))

    assert len(graph_requests(mocked, "POST", "/subscriptions")) == 2


TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{n}%40thread.v2/0"


def test_a_teams_link_that_appears_or_changes_in_outlook_reaches_the_appointment(
    subscribed, connection, appointment, mocked
) -> None:
    Appointment.objects.filter(pk=appointment.pk).update(kind="online", room_email="")
    appointment.refresh_from_db()
    first = _ours(appointment, isOnlineMeeting=True, onlineMeeting={"joinUrl": TEAMS.format(n=1)})

    record = _pull(mocked, connection, [first])

    appointment.refresh_from_db()
    assert record.join_url == appointment.join_url == TEAMS.format(n=1)
    assert record.join_url_changed_at is None  # appeared, not changed

    changed = {**first, "onlineMeeting": {"joinUrl": TEAMS.format(n=2)}}
    record = _pull(mocked, connection, [changed])
    again = _pull(mocked, connection, [changed])

    appointment.refresh_from_db()
    assert appointment.join_url == TEAMS.format(n=2)
    assert record.join_url == TEAMS.format(n=2) and record.join_url_changed_at is not None
    assert again.join_url_changed_at == record.join_url_changed_at  # seen twice, stored once
