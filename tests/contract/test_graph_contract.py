"""The product's Graph client against Microsoft's documented examples (fixtures/graph.py).

Each test serves the documented response with `responses`, runs the product's own client
method, checks the request it sent against the documented request (method, path, query,
required headers, body) and asserts how the product reads the answer.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .conftest import (
    ERRORS_MODULE,
    FUNCTION_CHECK_MODULE,
    GRAPH,
    READ_TIME,
    WRITE_TIME,
    batch_error,
    graph_client_class,
    helper,
    product,
    send_batch,
)
from .fixtures import graph as gf
from .fixtures import identity as idf

BEARER = f"Bearer {idf.TOKEN_RESPONSE['access_token']}"
EVENT_ID = gf.CREATE_EVENT.response["id"]


def graph_calls(mocked) -> list:
    return [c for c in mocked.calls if c.request.url.startswith(GRAPH)]


def sent(mocked) -> tuple[Any, str, dict[str, str], Any]:
    """The last Graph request: (request, path after /v1.0, query dict, JSON body or None)."""
    request = graph_calls(mocked)[-1].request
    parts = urlsplit(request.url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    body = json.loads(request.body) if request.body else None
    return request, unquote(parts.path.removeprefix("/v1.0")), query, body


def assert_documented_headers(request, *, with_body: bool) -> None:
    """Authorization: Bearer {token}. Required. / Content-Type: application/json. Required."""
    assert request.headers["Authorization"] == BEARER
    if with_body:
        assert request.headers["Content-Type"] == "application/json"
    # The product asks for immutable ids on every request (concepts/outlook-immutable-id.md).
    assert 'IdType="ImmutableId"' in request.headers["Prefer"]


@pytest.fixture
def client(connection) -> Any:
    return graph_client_class()(connection)


def test_me(client, mocked) -> None:
    mocked.get(f"{GRAPH}/me", json=gf.ME.response, status=gf.ME.status)

    me = client.me()

    request, path, query, body = sent(mocked)
    assert (request.method, path, query, body) == ("GET", "/me", {}, None)
    assert_documented_headers(request, with_body=False)
    assert me == gf.ME.response


def test_calendar_tells_the_function_check_that_teams_is_allowed(client, mocked) -> None:
    mocked.get(f"{GRAPH}/me/calendar", json=gf.CALENDAR.response)

    item = product(FUNCTION_CHECK_MODULE)._check_teams(client, {})

    request, path, query, _body = sent(mocked)
    assert (request.method, path, query) == ("GET", "/me/calendar", {})
    assert_documented_headers(request, with_body=False)
    assert item["status"] == "ok", item


def test_create_event_sends_the_documented_body_and_returns_the_event(client, mocked) -> None:
    mocked.post(f"{GRAPH}/me/events", json=gf.CREATE_EVENT.response, status=201)

    event = client.create_event(event=gf.CREATE_EVENT.request)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("POST", "/me/events", {})
    assert_documented_headers(request, with_body=True)
    assert body == gf.CREATE_EVENT.request
    assert event == gf.CREATE_EVENT.response


def test_the_products_datetimetimezone_has_the_documented_shape() -> None:
    documented = gf.CREATE_EVENT.request["start"]
    ours = helper(WRITE_TIME)(datetime(2017, 4, 15, 19, 0, tzinfo=UTC), "Europe/Berlin")

    assert set(ours) == set(documented)
    # "{date}T{time}" without offset or fraction, the zone in timeZone.
    assert len(ours["dateTime"]) == len(documented["dateTime"]) == 19
    assert ours["dateTime"] == "2017-04-15T21:00:00"


def test_update_event_patches_only_the_given_properties(client, mocked) -> None:
    mocked.patch(f"{GRAPH}/me/events/{EVENT_ID}", json=gf.UPDATE_EVENT.response)

    event = client.update_event(event_id=EVENT_ID, changes=gf.UPDATE_EVENT.request)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("PATCH", f"/me/events/{EVENT_ID}", {})
    assert_documented_headers(request, with_body=True)
    assert body == gf.UPDATE_EVENT.request
    assert event["onlineMeeting"]["joinUrl"].startswith(
        "https://teams.microsoft.com/l/meetup-join/"
    )


def test_cancel_event_posts_the_comment_and_accepts_202_without_body(client, mocked) -> None:
    mocked.post(f"{GRAPH}/me/events/{EVENT_ID}/cancel", status=202)
    comment = gf.CANCEL_EVENT.request["Comment"]

    result = client.cancel_event(event_id=EVENT_ID, comment=comment)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("POST", f"/me/events/{EVENT_ID}/cancel", {})
    assert_documented_headers(request, with_body=True)
    # The parameter table names it `comment` (the page's example spells "Comment").
    assert body == {"comment": comment}
    assert result is None


def test_delete_event_sends_no_body_and_accepts_204(client, mocked) -> None:
    mocked.delete(f"{GRAPH}/me/events/{EVENT_ID}", status=204)

    result = client.delete_event(event_id=EVENT_ID)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query, body) == ("DELETE", f"/me/events/{EVENT_ID}", {}, None)
    assert_documented_headers(request, with_body=False)
    assert result is None


def test_get_event_with_select(client, mocked) -> None:
    example = gf.GET_EVENT
    mocked.get(f"{GRAPH}{example.path}", json=example.response)
    event_id = example.path.rsplit("/", 1)[1]

    event = client.get_event(event_id=event_id, select=example.query["$select"])

    request, path, query, body = sent(mocked)
    assert (request.method, path, query, body) == ("GET", example.path, example.query, None)
    assert_documented_headers(request, with_body=False)
    assert event == example.response


def test_get_event_reads_the_documented_utc_times() -> None:
    start = gf.GET_EVENT.response["start"]

    assert helper(READ_TIME)(start) == datetime(2014, 11, 3, 17, 0, tzinfo=UTC)


def test_lookup_by_extended_property_sends_the_documented_filter(client, mocked) -> None:
    from calendar_integration.sync.payloads import PROPERTY_ID

    mocked.get(f"{GRAPH}/me/events", json=gf.LOOKUP_BY_PROPERTY.response)

    found = client.find_events_by_property(property_id=PROPERTY_ID, value="event-42")

    request, path, query, body = sent(mocked)
    assert (request.method, path, body) == ("GET", "/me/events", None)
    assert query["$filter"] == gf.LOOKUP_FILTER.format(
        id_value=PROPERTY_ID, property_value="event-42"
    )
    assert_documented_headers(request, with_body=False)
    assert found == gf.LOOKUP_BY_PROPERTY.response["value"]


def test_lookup_follows_odata_next_link(client, mocked) -> None:
    from calendar_integration.sync.payloads import PROPERTY_ID

    # Paging: a collection page carries @odata.nextLink (concepts/paging.md); the link of the
    # page is followed as given.
    next_link = f"{GRAPH}/me/events?$skiptoken=page2"
    first = {**gf.LOOKUP_BY_PROPERTY.response, "@odata.nextLink": next_link}
    mocked.get(f"{GRAPH}/me/events", json=first, match=[_no_skiptoken])
    mocked.get(next_link, json=gf.LOOKUP_BY_PROPERTY.response)

    found = client.find_events_by_property(property_id=PROPERTY_ID, value="x")

    assert len(found) == 2
    assert graph_calls(mocked)[-1].request.url == next_link


def _no_skiptoken(request) -> tuple[bool, str]:
    return ("$skiptoken" not in unquote(request.url), "first page")


def test_get_schedule_sends_the_documented_body(client, mocked) -> None:
    example = gf.GET_SCHEDULE
    mocked.post(f"{GRAPH}/me/calendar/getSchedule", json=example.response)

    items = client.get_schedule(
        schedules=example.request["schedules"],
        start=example.request["startTime"],
        end=example.request["endTime"],
        interval=example.request["availabilityViewInterval"],
    )

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("POST", "/me/calendar/getSchedule", {})
    assert_documented_headers(request, with_body=True)
    assert body == example.request
    assert items == example.response["value"]


def test_the_documented_schedule_is_parsed_into_busy_blocks() -> None:
    from calendar_integration.availability.freebusy import schedule_parse

    adele, megan = gf.GET_SCHEDULE.response["value"]
    # 09:00 Pacific Standard Time (PDT on 2019-03-15, UTC-7) = 16:00 UTC.
    start = datetime(2019, 3, 15, 16, 0, tzinfo=UTC)

    parsed = schedule_parse(adele, start=start, interval=60)
    parsed_megan = schedule_parse(megan, start=start, interval=60)

    assert parsed["error"] is None
    # The item 12:00-14:00 PST is 19:00-21:00 UTC, and nothing else (subject and location
    # are dropped).
    assert [(b, e, s) for b, e, s in parsed["blocks"]] == [
        (datetime(2019, 3, 15, 19, tzinfo=UTC), datetime(2019, 3, 15, 21, tzinfo=UTC), "busy")
    ]
    assert parsed["working"] is not None
    assert parsed_megan["working"] is not None  # the custom time zone does not break parsing
    assert "tentative" in {s for _b, _e, s in parsed_megan["blocks"]}


def test_list_rooms_and_store_them(connection, client, mocked) -> None:
    from calendar_integration.availability.models import Room
    from calendar_integration.availability.rooms import rooms_refresh

    mocked.get(f"{GRAPH}/places/microsoft.graph.room", json=gf.LIST_ROOMS.response)

    rooms = client.list_rooms()
    request, path, query, body = sent(mocked)
    result = rooms_refresh(connection=connection)

    assert (request.method, path, body) == ("GET", "/places/microsoft.graph.room", None)
    assert_documented_headers(request, with_body=False)
    assert rooms == gf.LIST_ROOMS.response["value"]
    assert result.ok, result
    stored = {r.email: r for r in Room.objects.filter(company=connection.company)}
    assert set(stored) == {"cf100@contoso.com", "cf200@contoso.com"}
    # The page's example sends capacity as a string ("50"); room.md says Int32.
    assert stored["cf100@contoso.com"].capacity == 50
    assert stored["cf100@contoso.com"].name == "Conf Room 100"


def test_batch_sends_the_documented_envelope_and_maps_each_item(client, mocked) -> None:
    example = gf.BATCH
    mocked.post(f"{GRAPH}/$batch", json=example.response)
    errors = product(ERRORS_MODULE)

    answers = send_batch(client, example.request["requests"])

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("POST", "/$batch", {})
    assert_documented_headers(request, with_body=True)
    assert body == example.request
    assert set(answers) == {"2", "3", "4"}
    denied, refused, not_allowed = (batch_error(answers[i]) for i in ("2", "3", "4"))
    assert isinstance(denied, errors.PermissionDenied) and denied.code == "403"
    assert isinstance(refused, errors.PermissionDenied)
    assert refused.code == "Authorization_RequestDenied"
    assert isinstance(not_allowed, errors.Permanent) and not_allowed.status == 405


# --- errors -------------------------------------------------------------------------------


def _serve_error(mocked, example: gf.Example, *, headers: dict | None = None) -> None:
    mocked.get(
        f"{GRAPH}/me/events/{EVENT_ID}",
        json=example.response,
        status=example.status,
        headers={k: v for k, v in {**example.headers, **(headers or {})}.items()
                 if k.lower() != "content-type"},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("status", "kind"),
    [(403, "PermissionDenied"), (404, "NotFound"), (409, "Permanent"), (504, "Transient"),
     (503, "Transient")],
)  # fmt: skip
def test_documented_errors_map_to_the_products_exceptions(client, mocked, status, kind) -> None:
    errors = product(ERRORS_MODULE)
    example = gf.ERRORS[status]
    _serve_error(mocked, example)

    with pytest.raises(errors.GraphError) as raised:
        client.get_event(event_id=EVENT_ID)

    assert type(raised.value).__name__ == kind
    assert raised.value.status == status
    assert raised.value.code == example.response["error"]["code"]
    assert raised.value.message == example.response["error"]["message"]
    assert len(graph_calls(mocked)) == 1  # no silent retry inside the client


def test_documented_429_is_throttled_with_the_retry_after_seconds(client, mocked) -> None:
    errors = product(ERRORS_MODULE)
    _serve_error(mocked, gf.THROTTLED)

    with pytest.raises(errors.Throttled) as raised:
        client.get_event(event_id=EVENT_ID)

    assert raised.value.retry_after == pytest.approx(2.128)
    assert raised.value.code == "TooManyRequests"


def test_503_with_a_retry_after_header_waits_like_throttling(client, mocked) -> None:
    """errors.md: 503 "may be specified in a Retry-After header" (value from throttling.md)."""
    errors = product(ERRORS_MODULE)
    _serve_error(
        mocked, gf.ERRORS[503], headers={"Retry-After": gf.THROTTLED.headers["Retry-After"]}
    )

    with pytest.raises(errors.Throttled) as raised:
        client.get_event(event_id=EVENT_ID)

    assert raised.value.retry_after == pytest.approx(2.128)
    assert raised.value.code == "serviceNotAvailable"


def test_401_refreshes_the_token_once_then_gives_up(client, idp, mocked) -> None:
    from .conftest import TENANT_ID, form

    errors = product(ERRORS_MODULE)
    _serve_error(mocked, gf.ERRORS[401])

    with pytest.raises(errors.TokenExpired) as raised:
        client.get_event(event_id=EVENT_ID)

    calls = graph_calls(mocked)
    assert len(calls) == 2
    assert all(c.request.headers["Authorization"] == BEARER for c in calls)
    refreshes = [form(c.request) for c in idp.token_calls()]
    # The sign-in's token serves the first call; the 401 forces one refresh.
    assert [f["grant_type"] for f in refreshes] == ["refresh_token"]
    assert all(c.request.url == idp.token_endpoint(TENANT_ID) for c in idp.token_calls())
    assert raised.value.code == "unauthenticated"


# --- change notifications and delta (issue 13) --------------------------------------------

SUBSCRIPTION_ID = gf.CREATE_SUBSCRIPTION.response["id"]


def test_create_subscription_sends_the_documented_properties(client, mocked) -> None:
    mocked.post(f"{GRAPH}/subscriptions", json=gf.CREATE_SUBSCRIPTION.response, status=201)
    documented = gf.CREATE_SUBSCRIPTION_WITH_LIFECYCLE

    answer = client.create_subscription(
        resource=documented["resource"],
        change_type=documented["changeType"],
        notification_url=documented["notificationUrl"],
        lifecycle_url=documented["lifecycleNotificationUrl"],
        expires=documented["expirationDateTime"],
        client_state=documented["clientState"],
    )

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("POST", "/subscriptions", {})
    assert_documented_headers(request, with_body=True)
    assert body == documented
    # Every property the product sends is one of the documented request's.
    assert set(body) <= set(gf.CREATE_SUBSCRIPTION.request) | {"lifecycleNotificationUrl"}
    assert answer["id"] == SUBSCRIPTION_ID
    assert answer["expirationDateTime"] == gf.CREATE_SUBSCRIPTION.response["expirationDateTime"]


def test_renew_subscription_patches_only_the_expiry(client, mocked) -> None:
    mocked.patch(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}", json=gf.RENEW_SUBSCRIPTION.response)
    expires = gf.RENEW_SUBSCRIPTION.request["expirationDateTime"]

    answer = client.renew_subscription(subscription_id=SUBSCRIPTION_ID, expires=expires)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query) == ("PATCH", f"/subscriptions/{SUBSCRIPTION_ID}", {})
    assert_documented_headers(request, with_body=True)
    assert body == gf.RENEW_SUBSCRIPTION.request
    assert answer["expirationDateTime"] == expires


def test_reauthorize_subscription_posts_no_body_and_accepts_204(client, mocked) -> None:
    mocked.post(f"{GRAPH}/subscriptions/{SUBSCRIPTION_ID}/reauthorize", status=204)

    result = client.reauthorize_subscription(subscription_id=SUBSCRIPTION_ID)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query, body) == (
        "POST",
        f"/subscriptions/{SUBSCRIPTION_ID}/reauthorize",
        {},
        None,
    )
    assert_documented_headers(request, with_body=False)
    assert result is None


def test_delete_subscription_sends_no_body_and_accepts_204(client, mocked) -> None:
    mocked.delete(f"{GRAPH}{gf.DELETE_SUBSCRIPTION.path}", status=204)

    result = client.delete_subscription(subscription_id=SUBSCRIPTION_ID)

    request, path, query, body = sent(mocked)
    assert (request.method, path, query, body) == ("DELETE", gf.DELETE_SUBSCRIPTION.path, {}, None)
    assert_documented_headers(request, with_body=False)
    assert result is None


def _delta_pages(mocked) -> None:
    """First page (event-delta.md) -> its nextLink -> the last page with the deltaLink."""
    first = dict(gf.DELTA_FIRST.response)
    mocked.get(
        re.compile(rf"{re.escape(GRAPH)}/me/calendarView/delta\?startDateTime=.*"), json=first
    )
    mocked.get(re.compile(rf"{re.escape(GRAPH)}/me/calendarView/delta\?\$skiptoken=.*"),
               json=gf.DELTA_LAST.response)  # fmt: skip


def test_calendar_view_delta_follows_the_next_link_and_keeps_the_delta_link(client, mocked) -> None:
    _delta_pages(mocked)

    delta = client.calendar_view_delta(start="2026-12-01T00:00:00", end="2027-03-01T00:00:00")

    first, second = (c.request for c in graph_calls(mocked))
    query = {k: v[0] for k, v in parse_qs(urlsplit(first.url).query).items()}
    assert query == {"startDateTime": "2026-12-01T00:00:00", "endDateTime": "2027-03-01T00:00:00"}
    assert "odata.maxpagesize=" in first.headers["Prefer"]
    assert_documented_headers(first, with_body=False)
    # The nextLink is called as given (its token encodes the window): nothing resent.
    assert unquote(second.url) == gf.DELTA_FIRST.response["@odata.nextLink"]
    assert "odata.maxpagesize=" in second.headers["Prefer"]
    assert delta.delta_link == gf.DELTA_LAST.response["@odata.deltaLink"]
    assert len(delta.items) == 2 and delta.calls == 2


def test_the_next_round_calls_the_stored_delta_link_and_reads_removed_entries(
    client, mocked
) -> None:
    link = gf.DELTA_LAST.response["@odata.deltaLink"]
    mocked.get(link, json=gf.DELTA_NEXT.response)

    delta = client.calendar_view_delta(delta_link=link)

    (call,) = graph_calls(mocked)
    assert call.request.url == link
    removed = [item for item in delta.items if "@removed" in item]
    assert [item["@removed"]["reason"] for item in removed] == ["deleted"]
    assert delta.delta_link == gf.DELTA_NEXT.response["@odata.deltaLink"]


def test_410_gone_on_a_delta_link_is_a_lost_sync_state(client, mocked) -> None:
    link = gf.DELTA_LAST.response["@odata.deltaLink"]
    body = gf.graph_error("SyncStateNotFound", "The sync state generation is not found.")
    mocked.get(link, json=body, status=410)
    errors = product(ERRORS_MODULE)

    with pytest.raises(errors.SyncStateGone) as raised:
        client.calendar_view_delta(delta_link=link)

    assert raised.value.status == 410
    assert isinstance(raised.value, errors.NotFound)  # callers of a plain GET still see 404-like
