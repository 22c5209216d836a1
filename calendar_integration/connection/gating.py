"""The one feature gate of the calendar pages: without a booking or trial, the same answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ebms.accounts.services import feature_active, trial_used

from . import selectors
from .access import UserRequest, company_of
from .lifecycle import sync_paused_reason

__all__ = ["feature_required", "not_booked"]

View = Callable[..., HttpResponse]


def not_booked(request: UserRequest) -> HttpResponse:
    """403 page explaining how to get the feature (JSON for the picker's script)."""
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
            "had_trial": trial_used(company=company_of(request.user)),
        },
        status=403,
    )


def feature_required(view: View) -> View:
    """Apply inside the role decorator: the user's company must have the feature now."""

    @wraps(view)
    def wrapper(request: UserRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not feature_active(company=company_of(request.user)):
            return not_booked(request)
        return view(request, *args, **kwargs)

    return wrapper
