"""GET /me/calendarView/delta (api-reference/v1.0/api/event-delta.md,
concepts/delta-query-events.md, concepts/delta-query-overview.md).

A round starts with startDateTime/endDateTime (encoded in the state tokens, never resent),
pages with `@odata.nextLink` (`$skiptoken`) and `Prefer: odata.maxpagesize`, and ends with
`@odata.deltaLink` (`$deltatoken`). Later rounds return only the events changed since the
token: the full event (same properties as GET calendarView) if it is in the window now,
else `{"@removed": {"reason": "deleted"}, "id": ...}` (deleted, or outside the window, as the
page documents). Unknown or invalidated tokens answer 410 Gone (syncStateNotFound) with a
Location of a fresh delta URL when the window is known: the client must resync fully.

State lives in the database (EventChange sequence, DeltaToken rows): tokens survive restarts.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.db.models import Max

from m365sim import clock
from m365sim.models import DeltaToken, Event, EventChange, Mailbox

from . import odata
from .auth import CALENDAR_READ, require
from .context import Ctx
from .core import GRAPH_ROOT, GraphResponse
from .errors import GraphError
from .serializers import event_json
from .timezones import parse_local

DEFAULT_PAGE = 10

__all__ = ["calendar_view_delta", "invalidate"]


def invalidate(mailbox: Mailbox) -> int:
    """Evict every delta state token of `mailbox` (their next use answers 410)."""
    return DeltaToken.objects.filter(mailbox=mailbox).update(invalidated=True)


def _seq(mailbox: Mailbox) -> int:
    return EventChange.objects.filter(mailbox=mailbox).aggregate(m=Max("pk"))["m"] or 0


def _fmt(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.0000000")


def _gone(ctx: Ctx, state: DeltaToken | None) -> GraphError:
    headers = {}
    if state is not None:
        query = urlencode({"startDateTime": _fmt(state.start), "endDateTime": _fmt(state.end)})
        headers["Location"] = f"{GRAPH_ROOT}/{ctx.req.path}?{query}"
    return GraphError(
        410,
        "syncStateNotFound",
        "The sync state generation is not found or has expired. A full resync is required.",
        headers=headers,
    )


def _state(ctx: Ctx, query: dict) -> DeltaToken:
    raw = query.get("$deltatoken") or query.get("$skiptoken")
    if raw:
        state = DeltaToken.objects.filter(token=raw, mailbox=ctx.target).first()
        if state is None or state.invalidated:
            raise _gone(ctx, state)
        if not state.is_skip:  # a deltaLink starts the next round from where it stood
            state = DeltaToken(
                mailbox=ctx.target,
                start=state.start,
                end=state.end,
                since_seq=state.upto_seq,
                upto_seq=_seq(ctx.target),
                page_size=state.page_size,
            )
        return state
    if not query.get("startdatetime") or not query.get("enddatetime"):
        raise GraphError(
            400,
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string parameters "
            "StartDateTime and EndDateTime.",
        )
    return DeltaToken(
        mailbox=ctx.target,
        start=parse_local(query["startdatetime"], "UTC"),
        end=parse_local(query["enddatetime"], "UTC"),
        since_seq=None,
        upto_seq=_seq(ctx.target),
        page_size=DEFAULT_PAGE,
    )


def _items(state: DeltaToken) -> list[Event | str]:
    """The round's entries: Event rows (current), or the id of a removed item."""
    in_window = Event.objects.select_related("mailbox").filter(
        mailbox=state.mailbox, start__lt=state.end, end__gt=state.start
    )
    if state.since_seq is None:
        return list(in_window.order_by("start", "pk"))
    changes = EventChange.objects.filter(
        mailbox=state.mailbox, pk__gt=state.since_seq, pk__lte=state.upto_seq
    ).order_by("pk")
    last: dict[int, EventChange] = {}
    for change in changes:
        last.pop(change.event_pk, None)
        last[change.event_pk] = change  # ordered by each item's latest change
    current = {e.pk: e for e in in_window.filter(pk__in=list(last))}
    return [current.get(pk) or change for pk, change in last.items()]


def _save(state: DeltaToken, *, skip: bool, offset: int, size: int) -> str:
    token = secrets.token_urlsafe(32)
    DeltaToken.objects.create(
        token=token,
        mailbox=state.mailbox,
        start=state.start,
        end=state.end,
        since_seq=state.since_seq if skip else state.upto_seq,
        upto_seq=state.upto_seq,
        offset=offset if skip else 0,
        is_skip=skip,
        page_size=size,
        created_at=clock.now(),
    )
    return token


def calendar_view_delta(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, CALENDAR_READ)
    query = {k.lower() if not k.startswith("$") else k: v for k, v in ctx.req.query.items()}
    state = _state(ctx, query)
    size = odata.page_size(ctx.req, default=state.page_size or DEFAULT_PAGE)
    size = max(size, 1)
    offset = state.offset if state.is_skip else 0
    items = _items(state)
    chunk = items[offset : offset + size]
    tz = ctx.response_tz()
    immutable = ctx.immutable_ids()
    value = []
    for item in chunk:
        if isinstance(item, Event):
            value.append(event_json(item, tz=tz, query={}, expand_ids=None, immutable=immutable))
        else:
            value.append(
                {
                    "@odata.type": "#microsoft.graph.event",
                    "id": item.immutable_id if immutable else item.graph_id,
                    "@removed": {"reason": "deleted"},
                }
            )
    body: dict = {
        "@odata.context": f"{GRAPH_ROOT}/$metadata#Collection(event)",
        "value": value,
    }
    link = f"{GRAPH_ROOT}/{ctx.req.path}"
    if offset + size < len(items):
        token = _save(state, skip=True, offset=offset + size, size=size)
        body["@odata.nextLink"] = f"{link}?$skiptoken={token}"
    else:
        token = _save(state, skip=False, offset=0, size=size)
        body["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
    return GraphResponse(200, body)
