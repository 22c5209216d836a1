"""Route table of the simulated Graph v1.0 (paths relative to /v1.0/, case-insensitive).

One table serves both the HTTP view and $batch sub-requests, so both take the same path
through auth, throttling, faults and the request log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import GraphError

_USER = r"(?:me|users/(?P<user>[^/]+))"


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern
    methods: dict[str, str]  # HTTP method -> "module:function"
    user_route: bool  # addresses a mailbox (throttled per mailbox)
    calendar: bool  # needs an Exchange mailbox
    throttled: bool = True


def _r(regex: str, methods: dict[str, str], *, user=True, calendar=True, throttled=True) -> Route:
    return Route(re.compile(regex, re.IGNORECASE), methods, user, calendar, throttled)


ROUTES = [
    _r(rf"^{_USER}$", {"GET": "users:user_get"}, calendar=False),
    _r(rf"^{_USER}/calendar$", {"GET": "users:calendar_get"}),
    _r(
        rf"^{_USER}/(?:calendar/)?events$",
        {"GET": "event_api:event_list", "POST": "event_api:event_create_view"},
    ),
    _r(
        rf"^{_USER}/(?:calendar/)?events/(?P<event_id>[^/]+)$",
        {
            "GET": "event_api:event_get",
            "PATCH": "event_api:event_patch",
            "DELETE": "event_api:event_delete_view",
        },
    ),
    _r(
        rf"^{_USER}/(?:calendar/)?events/(?P<event_id>[^/]+)/cancel$",
        {"POST": "event_api:event_cancel_view"},
    ),
    _r(rf"^{_USER}/(?:calendar/)?calendarview$", {"GET": "event_api:calendar_view"}),
    _r(rf"^{_USER}/calendar/getschedule$", {"POST": "schedule:get_schedule"}),
    _r(r"^places/microsoft\.graph\.room$", {"GET": "places:room_list"}, user=False),
    _r(r"^places/microsoft\.graph\.roomlist$", {"GET": "places:roomlist_list"}, user=False),
    _r(
        r"^places/(?P<roomlist>[^/]+)/microsoft\.graph\.roomlist/rooms$",
        {"GET": "places:roomlist_rooms"},
        user=False,
    ),
    _r(
        rf"^{_USER}/(?:calendar/)?calendarview/delta(?:\(\))?$",
        {"GET": "delta:calendar_view_delta"},
    ),
    _r(
        r"^subscriptions$",
        {"GET": "subscriptions:subscription_list", "POST": "subscriptions:subscription_create"},
        user=False,
        throttled=False,
    ),
    _r(
        r"^subscriptions/(?P<sub_id>[^/]+)$",
        {
            "GET": "subscriptions:subscription_get",
            "PATCH": "subscriptions:subscription_patch",
            "DELETE": "subscriptions:subscription_delete",
        },
        user=False,
        throttled=False,
    ),
    _r(
        r"^subscriptions/(?P<sub_id>[^/]+)/reauthorize$",
        {"POST": "subscriptions:subscription_reauthorize"},
        user=False,
        throttled=False,
    ),
    _r(r"^\$batch$", {"POST": "batch:batch"}, user=False, throttled=False),
]


def resolve(method: str, path: str) -> tuple[Route, Callable, dict[str, str]]:
    """(route, handler, params) or GraphError as Graph answers unknown paths."""
    clean = path.strip("/")
    for route in ROUTES:
        match = route.pattern.match(clean)
        if not match:
            continue
        target = route.methods.get(method.upper())
        if target is None:
            raise GraphError(
                405,
                "Request_BadRequest",
                "Specified HTTP method is not allowed for the request target.",
            )
        module_name, func_name = target.split(":")
        module = __import__(f"m365sim.graph.{module_name}", fromlist=[func_name])
        params = {k: v for k, v in match.groupdict().items() if v is not None}
        return route, getattr(module, func_name), params
    segment = clean.split("/")[-1] if clean else ""
    raise GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
