"""The sync state people read: one word per appointment (synchronisiert, wird übertragen,
wartet auf Neuverbindung, pausiert, Problem), the same on lists and on the appointment page.

A drift, a declined room or a missing Teams meeting is a problem even when the last transfer
succeeded, so "synchronisiert" never stands next to "In Outlook geändert".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ebms.recruiting.hooks import SyncState

from .models import CalendarEvent, SyncStatus

FIELDS = ("appointment_id", "status", "drift", "room_declined", "teams_missing")


def sync_state(
    *, status: str, drift: str = "", room_declined: bool = False, teams_missing: bool = False
) -> SyncState:
    """The state of one record's fields (see the module docstring)."""
    problems: dict[str, str] = {
        CalendarEvent.Drift.CHANGED: _("In Outlook geändert"),
        CalendarEvent.Drift.DELETED: _("In Outlook gelöscht oder abgesagt"),
    }
    if drift in problems:
        return SyncState("problem", _("Problem"), problems[drift])
    if room_declined:
        return SyncState("problem", _("Problem"), _("Raum hat abgelehnt"))
    if teams_missing:
        return SyncState("problem", _("Problem"), _("Keine Teams-Besprechung"))
    if status == SyncStatus.FAILED:
        return SyncState("problem", _("Problem"), _("Übertragung an Outlook fehlgeschlagen"))
    if status == SyncStatus.SYNCED:
        return SyncState("synced", _("synchronisiert"))
    if status == SyncStatus.RECONNECT:
        return SyncState("reconnect", _("wartet auf Neuverbindung"))
    if status == SyncStatus.PAUSED:
        return SyncState("paused", _("pausiert"), _("Kalender-Integration nicht gebucht"))
    return SyncState("sending", _("wird übertragen"))


def record_state(record: CalendarEvent) -> SyncState:
    return sync_state(
        status=record.status,
        drift=record.drift,
        room_declined=record.room_declined,
        teams_missing=record.teams_missing,
    )


def appointment_states(appointment_ids: Iterable[int]) -> dict[int, SyncState]:
    """The hooks provider: the state of every appointment with a sync record (one query)."""
    rows = CalendarEvent.objects.filter(
        appointment_id__in=list(appointment_ids), kind=CalendarEvent.Kind.APPOINTMENT
    ).values(*FIELDS)
    return {
        row["appointment_id"]: sync_state(
            status=row["status"],
            drift=row["drift"],
            room_declined=row["room_declined"],
            teams_missing=row["teams_missing"],
        )
        for row in rows
    }
