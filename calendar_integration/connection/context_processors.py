"""Template context for the reconnect banner (base.html includes _reconnect_banner.html)."""

from __future__ import annotations

from django.http import HttpRequest

from .selectors import needs_reconnect


def reconnect_banner(request: HttpRequest) -> dict[str, bool]:
    """`calendar_reconnect_needed` for the banner in base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"calendar_reconnect_needed": needs_reconnect(user=user)}
