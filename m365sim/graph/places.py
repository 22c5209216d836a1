"""Places API: GET /places/microsoft.graph.room, .../microsoft.graph.roomlist and
/places/{roomlist-email}/microsoft.graph.roomlist/rooms.

https://learn.microsoft.com/graph/api/place-list (100 per page by default, $top, $skip,
@odata.nextLink; Place.Read.All), room fields: https://learn.microsoft.com/graph/api/resources/room.
A room is listed only from `places_visible_from` on: Places reads a copy synced from the
directory, ~24-48 h late (github.com/microsoftgraph/microsoft-graph-docs/issues/6410).
Room lists are derived from the rooms' buildings (one list per building).
"""

from __future__ import annotations

from django.utils.text import slugify

from m365sim import clock
from m365sim.models import Mailbox

from . import odata
from .auth import PLACE_READ, require
from .context import Ctx
from .core import GRAPH_ROOT, GraphResponse
from .errors import GraphError

DEFAULT_PAGE = 100


def room_json(room: Mailbox) -> dict:
    return {
        "id": str(room.object_id),
        "emailAddress": room.email,
        "displayName": room.display_name,
        "address": {"street": "", "city": "", "state": "", "postalCode": "", "countryOrRegion": ""},
        "geoCoordinates": None,
        "phone": "",
        "nickname": room.display_name,
        "label": room.display_name,
        "capacity": room.capacity,
        "building": room.building or None,
        "floorLabel": room.floor_label or None,
        "floorNumber": room.floor_number,
        "isWheelChairAccessible": room.is_wheelchair_accessible,
        "isManaged": True,  # place-list.md example (rooms managed in Exchange)
        "bookingType": room.booking_type,
        "tags": [],
        "audioDeviceName": None,
        "videoDeviceName": None,
        "displayDeviceName": None,
    }


def _visible_rooms(ctx: Ctx) -> list[Mailbox]:
    now = clock.now()
    rooms = Mailbox.objects.filter(tenant_id=ctx.caller.tenant_id, kind="room").order_by(
        "display_name", "pk"
    )
    return [r for r in rooms if r.visible_in_places(now)]


def _list_email(building: str, domain: str) -> str:
    return f"raeume-{slugify(building) or 'allgemein'}@{domain}"


def _paged(
    ctx: Ctx, items: list[dict], context: str, *, link_needs_top: bool = False
) -> GraphResponse:
    size = odata.page_size(ctx.req, default=DEFAULT_PAGE)
    offset = odata.skip(ctx.req)
    body = {
        "@odata.context": context,
        "value": [odata.apply_select(i, ctx.req.query) for i in items[offset : offset + size]],
    }
    if link_needs_top and "$top" not in ctx.req.query:
        # Reported for the room list: 100 rooms and no @odata.nextLink unless $top is sent
        # (Microsoft Q&A 1021419, staff advise $top). We are as strict.
        return GraphResponse(200, body)
    if size and offset + size < len(items):
        body["@odata.nextLink"] = odata.next_link(ctx.req, new_skip=offset + size)
    return GraphResponse(200, body)


def room_list(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, PLACE_READ)
    rooms = [room_json(r) for r in _visible_rooms(ctx)]
    return _paged(
        ctx, rooms, f"{GRAPH_ROOT}/$metadata#places/microsoft.graph.room", link_needs_top=True
    )


def roomlist_list(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, PLACE_READ)
    domain = ctx.caller.upn.split("@")[-1]
    buildings = sorted({r.building for r in _visible_rooms(ctx) if r.building})
    lists = [
        {
            "id": _list_email(b, domain),
            "displayName": f"Räume {b}",
            "emailAddress": _list_email(b, domain),
            "address": {},
            "geoCoordinates": None,
            "phone": "",
        }
        for b in buildings
    ]
    return _paged(ctx, lists, f"{GRAPH_ROOT}/$metadata#places/microsoft.graph.roomlist")


def roomlist_rooms(ctx: Ctx) -> GraphResponse:
    require(ctx.caller, PLACE_READ)
    domain = ctx.caller.upn.split("@")[-1]
    wanted = ctx.params["roomlist"].lower()
    rooms = [
        r for r in _visible_rooms(ctx) if r.building and _list_email(r.building, domain) == wanted
    ]
    if not rooms:
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )
    return _paged(
        ctx,
        [room_json(r) for r in rooms],
        f"{GRAPH_ROOT}/$metadata#places('{wanted}')/microsoft.graph.roomlist/rooms",
    )
