"""Picker endpoints: timeline JSON, next free slot, the room list and its refresh.

Thin: check access (planners of the user's company), parse, call one selector/service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ebms.accounts.access import planner_required

from ..connection.access import UserRequest, company_of
from ..connection.gating import feature_required
from .models import RoomDirectory
from .params import BadParams, picker_query, slot_query
from .rooms import REFRESH_EVERY, rooms_refresh_request
from .selectors import outlook_for, picker_data, rooms_for, slot_next


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # Colleagues' availability: never kept by shared caches or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@planner_required
def picker(request: UserRequest) -> JsonResponse:
    """GET ?start=YYYY-MM-DD&days=1..7 (or &to=), recruiter, observers, room, slot_start/_end."""
    try:
        query = picker_query(user=request.user, data=request.GET)
    except BadParams as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(picker_data(query=query))


@require_GET
@planner_required
def next_slot(request: UserRequest) -> JsonResponse:
    """GET ?after=ISO&duration=minutes plus the picker's people and room."""
    try:
        query, after, duration = slot_query(user=request.user, data=request.GET)
    except BadParams as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(slot_next(query=query, after=after, duration=duration))


@never_cache
@require_GET
@planner_required
@feature_required
def rooms(request: UserRequest) -> HttpResponse:
    """The room list with its freshness (also the page the picker links to without JS)."""
    company = company_of(request.user)
    listed, too_small = rooms_for(company=company, participants=1)
    return render(
        request,
        "calendar_integration/availability/rooms.html",
        {
            "rooms": listed,
            "directory": RoomDirectory.objects.filter(company=company).first(),
            "outlook": outlook_for(user=request.user),
            "refresh_minutes": int(REFRESH_EVERY.total_seconds() // 60),
        },
    )


@require_POST
@planner_required
@feature_required
def rooms_refresh(request: UserRequest) -> HttpResponse:
    """ "Raumliste aktualisieren": JSON for the picker's script, else a redirect back."""
    result = rooms_refresh_request(user=request.user)
    if "application/json" in request.headers.get("Accept", ""):
        return _json({"ok": result.ok, "message": result.message}, status=200 if result.ok else 409)
    (messages.success if result.ok else messages.warning)(request, result.message)
    target = request.POST.get("next", "")
    # Only a local path: a bare word would be taken for a URL name by redirect().
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "calendar_integration:availability_rooms"
    return redirect(target)
