"""Template context for the reconnect banner (base.html includes _reconnect_banner.html) and
the feature notice's "Verbunden als"."""

from __future__ import annotations

from django.http import HttpRequest

from .selectors import connected_upn, needs_reconnect


def reconnect_banner(request: HttpRequest) -> dict[str, bool]:
    """`calendar_reconnect_needed` for the banner in base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"calendar_reconnect_needed": needs_reconnect(user=user)}


def connected_as(request: HttpRequest) -> dict[str, str]:
    """For the feature notice: the Microsoft account a planner is connected as, so the notice
    says "Verbunden als ..." instead of offering to connect again (issue 14.13)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "can_plan", False):
        return {}
    return {"calendar_connected_as": connected_upn(user=user)}
