"""Template helpers of the recruiting pages: times in the active (company) zone, badges."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

BADGES = {
    "planned": "badge-ok",
    "cancelled": "badge-err",
    "open": "badge-warn",
    "picked": "badge-ok",
    "withdrawn": "badge-err",
    "expired": "badge-err",
    "waiting": "badge-warn",
    "pending": "badge-warn",
    "sent": "badge-ok",
    "failed": "badge-err",
}


@register.filter
def timespan(obj) -> str:
    """'Sa, 24.10.2026 10:00–11:00' for anything with starts_at/ends_at, in the active zone."""
    start = timezone.localtime(obj.starts_at)
    end = timezone.localtime(obj.ends_at)
    text = f"{date_format(start, 'D, d.m.Y')} {date_format(start, 'H:i')}–"
    if end.date() != start.date():
        text += f"{date_format(end, 'D, d.m.Y')} "
    return text + date_format(end, "H:i")


@register.filter
def badge(status: str) -> str:
    """CSS class of a status badge."""
    return BADGES.get(status, "")
