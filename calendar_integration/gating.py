"""The one feature gate of the calendar pages: without a booking or trial, the same answer."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ebms.accounts.services import feature_active, trial_used


def not_booked(request: HttpRequest) -> HttpResponse:
    """403 page explaining how to get the feature (JSON for the picker's script)."""
    from . import selectors
    from .lifecycle import sync_paused_reason

    if "application/json" in request.headers.get("Accept", ""):
        message = _("Die Kalender Integration ist nicht gebucht.")
        return JsonResponse({"ok": False, "message": message}, status=403)
    connection = selectors.connection_for(user=request.user)
    return render(
        request,
        "calendar_integration/not_booked.html",
        {
            "connection": connection,
            "paused_reason": sync_paused_reason(connection=connection),
            # Each company gets one trial: after it, only booking helps (issue 14.17).
            "had_trial": trial_used(company=request.user.company),
        },
        status=403,
    )


def feature_required(view):
    """Apply inside the role decorator: the user's company must have the feature now."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not feature_active(company=request.user.company):
            return not_booked(request)
        return view(request, *args, **kwargs)

    return wrapper
