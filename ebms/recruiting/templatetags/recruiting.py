"""Template helpers of the recruiting pages: times in the active (company) zone, badges."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Appointment

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
    # Calendar sync states (hooks.SyncState.key)
    "synced": "badge-ok",
    "sending": "badge-warn",
    "reconnect": "badge-warn",
    "paused": "badge-warn",
    "problem": "badge-err",
}


@register.filter
def timespan(obj) -> str:
    """'Sa, 24.10.2026 10:00–11:00' for anything with starts_at/ends_at, in the active zone
    (the active language's short date and time formats: 'Sat, 10/24/2026 10 a.m.–11 a.m.')."""
    start = timezone.localtime(obj.starts_at)
    end = timezone.localtime(obj.ends_at)
    day = "D, " + get_format("SHORT_DATE_FORMAT")
    clock = get_format("TIME_FORMAT")
    text = f"{date_format(start, day)} {date_format(start, clock)}–"
    if end.date() != start.date():
        text += f"{date_format(end, day)} "
    return text + date_format(end, clock)


@register.filter
def badge(status: str) -> str:
    """CSS class of a status badge."""
    return BADGES.get(status, "")


ACTIONS = {
    "created": _("angelegt"),
    "changed": _("geändert"),
    "cancelled": _("abgesagt"),
    "picked": _("vom Bewerber gewählt"),
    "join_info": _("Teilnahme-Informationen erhalten"),
}


@register.filter
def change_action(action: str) -> str:
    """Readable label of an AppointmentChange action."""
    return ACTIONS.get(action, action)


@register.filter
def field_label(name: str) -> str:
    """The verbose name of an appointment field named in the change history."""
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        return str(Appointment._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@register.filter
def in_field_order(changes: dict) -> list[tuple[str, list]]:
    """History changes in the form's order (Beginn before Ende), whatever order the database
    kept the JSON keys in (PostgreSQL's jsonb sorts them: "ends_at" before "starts_at")."""
    from ..services.appointments import FIELDS

    order = {field: index for index, field in enumerate(FIELDS)}
    return sorted(changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


_STORED_DATETIME = re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$")


@register.filter
def history_value(value: str, field: str = "") -> str:
    """A stored history value in the reader's language: "01.12.2026 13:31" (stored German,
    in the company's zone) in the active date format, kind and status labels translated."""
    if not value:
        return value
    if _STORED_DATETIME.match(value):
        moment = datetime.strptime(value, "%d.%m.%Y %H:%M")
        return date_format(moment, get_format("SHORT_DATETIME_FORMAT"))
    if field in ("kind", "status"):
        return gettext(value)
    return value


# Fields whose model verbose name is missing or not what the page should say.
EXTRA_LABELS = {
    "observers": _("Beobachter"),
    "recruiter": _("Organisator"),
    "join_url": _("Teilnahme-Link"),
}


@register.simple_tag(takes_context=True)
def recruiting_panels(context, slot: str) -> str:
    """Render every panel another app registered for `slot` (see hooks.provide_panel)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from .. import hooks

    flat = context.flatten()
    request = context.get("request")
    return mark_safe(  # noqa: S308 - panels are our own templates, autoescaped when rendered
        "".join(render_to_string(name, flat, request=request) for name in hooks.panels(slot))
    )


@register.simple_tag
def appointment_row_flags(appointments) -> dict:
    """{pk: [flag]} from the row-flag providers (one call for the whole table)."""
    from .. import hooks

    return hooks.row_flags(appointments)


@register.filter
def flags_for(flags: dict, pk: int) -> list:
    return flags.get(pk, []) if flags else []
