"""Change history rows: {field: [old, new]} as displayed strings in the company's zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ebms.accounts.models import User

from ..models import Appointment, AppointmentChange, AppointmentKind

DATETIME_DISPLAY = "%d.%m.%Y %H:%M"


def display(appointment: Appointment, field: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.astimezone(appointment.company.zone).strftime(DATETIME_DISPLAY)
    if field == "kind":
        return str(AppointmentKind(value).label)
    if field == "status":
        return str(Appointment.Status(value).label)
    if field == "observers":
        return ", ".join(sorted(str(user) for user in value))
    if isinstance(value, User):
        return str(value)
    return str(value)


def record(
    appointment: Appointment, *, by: User | None, action: str, old: dict, new: dict
) -> AppointmentChange:
    """One history row with every field whose displayed value differs."""
    changes = {}
    for field, value in new.items():
        before = display(appointment, field, old.get(field))
        after = display(appointment, field, value)
        if before != after:
            changes[field] = [before, after]
    return AppointmentChange.objects.create(
        appointment=appointment,
        by=by,
        action=action,
        changes=changes,
        version=appointment.version,
    )


def changes_since(appointment: Appointment, *, version: int) -> dict[str, list[str]]:
    """{field: [displayed value at `version`, displayed value now]} of later changes."""
    merged: dict[str, list[str]] = {}
    rows = appointment.changes.filter(version__gt=version).order_by("at", "id")
    for row in rows:
        for field, (before, after) in row.changes.items():
            merged[field] = [merged.get(field, [before])[0], after]
    return {field: pair for field, pair in merged.items() if pair[0] != pair[1]}
