"""Flags of the appointment tables (recruiting's row-flag hook): what Outlook answered that
the recruiter must act on or may want to know, read from the records in one query."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ebms.recruiting.models import Appointment

from .models import CalendarEvent
from .responses import LABELS

__all__ = ["row_flags"]


def row_flags(appointments: list[Appointment]) -> dict[int, list[dict[str, Any]]]:
    """{appointment pk: [{"text", "level", "url", "link_text"}]} for one list page."""
    rows = CalendarEvent.objects.filter(
        appointment_id__in=[a.pk for a in appointments], removed=False
    ).values_list(
        "appointment_id", "room_declined", "teams_pending", "teams_missing", "attendee_responses"
    )
    flags: dict[int, list[dict]] = {}
    for pk, room_declined, teams_pending, teams_missing, responses in rows:
        out = flags.setdefault(pk, [])
        edit = reverse("recruiting:appointment_edit", args=[pk])
        if room_declined:
            out.append(_flag(_("Raum hat abgelehnt"), "warn", edit, _("anderen Raum wählen")))
        if teams_pending:
            out.append(_flag(_("Teams-Link ausstehend"), "warn"))
        if teams_missing:
            out.append(_flag(_("Teams-Besprechung fehlt"), "err", edit, _("Link selbst eintragen")))
        for answer in responses or []:
            label = LABELS.get(answer.get("response"), LABELS["none"])
            level = {"accepted": "ok", "declined": "err"}.get(answer.get("response"), "warn")
            out.append(_flag(f"{answer.get('name')}: {label}", level))
    return flags


def _flag(text: str, level: str, url: str = "", link_text: str = "") -> dict:
    return {"text": text, "level": level, "url": url, "link_text": link_text}
