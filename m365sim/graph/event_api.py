"""Event endpoints (thin handlers over m365sim.graph.events).

- POST /me/events, /me/calendar/events: https://learn.microsoft.com/graph/api/user-post-events
- GET /me/events: https://learn.microsoft.com/graph/api/user-list-events
- GET/PATCH/DELETE /me/events/{id}: event-get, event-update, event-delete
- POST /me/events/{id}/cancel: https://learn.microsoft.com/graph/api/event-cancel
- GET /me/calendarView: https://learn.microsoft.com/graph/api/user-list-calendarview
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from m365sim.models import Event

from . import events, later, odata
from .auth import CALENDAR_READ, CALENDAR_WRITE, require
from .context import Ctx
from .core import GRAPH_ROOT, GraphResponse
from .errors import GraphError, not_found
from .eventfields import canonical
from .serializers import event_json
from .timezones import parse_local

DEFAULT_PAGE = 10
# REST ids ("AAMkA...", "AQMkA...") and immutable ids ("AAkALgAA...", outlook-immutable-id):
# anything else is answered 400 ErrorInvalidIdMalformed.
ID_PREFIXES = (
    "AAMk",
    "AQMk",
    "AAkALgAA",
)  # Outlook's default page size for events and calendarView


def _context(ctx: Ctx, tail: str) -> str:
    return f"{GRAPH_ROOT}/$metadata#users('{ctx.target.object_id}')/{tail}"


def _event(ctx: Ctx) -> Event:
    event_id = ctx.params["event_id"]
    event = (
        Event.objects.select_related("mailbox")
        .filter(mailbox=ctx.target)
        .filter(Q(graph_id=event_id) | Q(immutable_id=event_id))
        .first()
    )
    if event is None:
        if not event_id.startswith(ID_PREFIXES):
            raise GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.")
        raise not_found()
    return event


def _one(ctx: Ctx, event: Event, status: int = 200) -> GraphResponse:
    body = event_json(
        event,
        tz=ctx.response_tz(),
        query=ctx.req.query,
        expand_ids=odata.expanded_property_ids(ctx.req.query),
        context=_context(ctx, "events/$entity"),
        immutable=ctx.immutable_ids(),
    )
    return GraphResponse(status, body)


def event_create_view(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_WRITE)
    late = None
    if ctx.fault is not None and ctx.fault.kind == "join_url_late":
        late = timedelta(milliseconds=ctx.fault.delay_ms) if ctx.fault.delay_ms else None
        late = late or later.JOIN_URL_DELAY
    event, _created = events.event_create(
        organizer=ctx.target, data=canonical(ctx.json_body()), join_url_late=late
    )
    event.refresh_from_db()
    # A repeated transactionId also answers 201 with the existing event.
    return _one(ctx, event, status=201)


def event_get(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_READ)
    return _one(ctx, _event(ctx))


def event_patch(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_WRITE)
    event = events.event_update(event=_event(ctx), data=canonical(ctx.json_body()))
    event.refresh_from_db()
    return _one(ctx, event)


def event_delete_view(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_WRITE)
    events.event_delete(event=_event(ctx))
    return GraphResponse(204)


def event_cancel_view(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_WRITE)
    body = {k.lower(): v for k, v in ctx.json_body().items()}
    events.event_cancel(event=_event(ctx), comment=str(body.get("comment") or ""))
    return GraphResponse(202)


def _page(ctx: Ctx, items: list[Event], tail: str) -> GraphResponse:
    size = odata.page_size(ctx.req, default=DEFAULT_PAGE)
    offset = odata.skip(ctx.req)
    chunk = items[offset : offset + size]
    tz = ctx.response_tz()
    immutable = ctx.immutable_ids()
    expand = odata.expanded_property_ids(ctx.req.query)
    body = {
        "@odata.context": _context(ctx, tail),
        "value": [
            event_json(e, tz=tz, query=ctx.req.query, expand_ids=expand, immutable=immutable)
            for e in chunk
        ],
    }
    if offset + size < len(items) and size > 0:
        body["@odata.nextLink"] = odata.next_link(ctx.req, new_skip=offset + size)
    return GraphResponse(200, body)


def event_list(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_READ)
    predicate = odata.parse_event_filter(ctx.req.query.get("$filter", ""))
    qs = (
        Event.objects.select_related("mailbox")
        .filter(mailbox=ctx.target)
        .order_by("created_at", "pk")
    )
    items = [e for e in qs if predicate is None or predicate(e)]
    return _page(ctx, items, "events")


def calendar_view(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_READ)
    query = {k.lower(): v for k, v in ctx.req.query.items()}
    if not query.get("startdatetime") or not query.get("enddatetime"):
        raise GraphError(
            400,
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string parameters "
            "StartDateTime and EndDateTime.",
        )
    start = parse_local(query["startdatetime"], "UTC")
    end = parse_local(query["enddatetime"], "UTC")
    qs = (
        Event.objects.select_related("mailbox")
        .filter(mailbox=ctx.target, start__lt=end, end__gt=start)
        .order_by("start", "pk")
    )
    predicate = odata.parse_event_filter(ctx.req.query.get("$filter", ""))
    items = [e for e in qs if predicate is None or predicate(e)]
    return _page(ctx, items, "calendarView")
