"""Reads of the picker: the timeline data, the next common free slot, the rooms.

Views call these with a checked PickerQuery (params.py); everything is scoped to the
planner's company, and only time blocks with a status ever reach the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebms.accounts.models import Company, User
from ebms.accounts.services import feature_active

from ..models import MicrosoftConnection
from .models import Room, RoomDirectory
from .params import PickerQuery
from .rooms import REFRESH_EVERY
from .rows import Row, fetch_window, rows_build
from .slots import CONFLICT_STATUSES, RowTimes, first_common_free_slot

__all__ = [
    "STATUS_LABELS",
    "SEARCH_DAYS",
    "Outlook",
    "outlook_for",
    "picker_data",
    "rooms_for",
    "slot_next",
]

SEARCH_DAYS = 14
STATUS_LABELS = {
    "free": gettext_lazy("frei"),
    "tentative": gettext_lazy("mit Vorbehalt"),
    "busy": gettext_lazy("gebucht"),
    "oof": gettext_lazy("abwesend"),
    "workingElsewhere": gettext_lazy("woanders tätig"),
    "unknown": gettext_lazy("unbekannt / keine Berechtigung"),
    "outside": gettext_lazy("außerhalb der Arbeitszeit"),
}


def _labels() -> dict[str, str]:
    return {key: str(label) for key, label in STATUS_LABELS.items()}


@dataclass(frozen=True)
class Outlook:
    """The planner's connection if the Outlook data may be read, else why not."""

    connection: MicrosoftConnection | None
    reason: str

    @property
    def has_rooms(self) -> bool:
        return self.connection is not None and self.connection.has_rooms


def outlook_for(*, user: User) -> Outlook:
    if not feature_active(company=user.company):
        return Outlook(None, _(
            "Die Kalender Integration (Office 365) ist für Ihre Firma nicht gebucht: "
            "es werden nur Termine aus EBMS angezeigt."
        ))  # fmt: skip
    connection = MicrosoftConnection.objects.filter(user=user).first()
    if connection is None or connection.state == "disconnected":
        return Outlook(None, _(
            "Sie haben kein Microsoft-Konto verbunden: es werden nur Termine aus EBMS angezeigt. "
            "Verbinden Sie Ihr Konto unter „Kalender“, um die Outlook-Verfügbarkeit zu sehen."
        ))  # fmt: skip
    if not connection.is_usable:
        return Outlook(None, _(
            "Ihre Microsoft-Anmeldung ist abgelaufen: bitte unter „Kalender“ erneut verbinden. "
            "Bis dahin werden nur Termine aus EBMS angezeigt."
        ))  # fmt: skip
    return Outlook(connection, "")


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _clip(
    start: datetime, end: datetime, lo: datetime, hi: datetime
) -> tuple[datetime, datetime] | None:
    return (max(start, lo), min(end, hi)) if start < hi and end > lo else None


def _row_json(row: Row, lo: datetime, hi: datetime) -> dict:
    blocks = []
    for begin, stop, status, source in row.blocks:
        clipped = _clip(begin, stop, lo, hi)
        if clipped:
            blocks.append(
                {"start": _iso(clipped[0]), "end": _iso(clipped[1]), "status": status,
                 "source": source}
            )  # fmt: skip
    working = row.working.intervals(lo, hi) if row.working else []
    return {
        "key": row.key,
        "label": row.label,
        "kind": row.kind,
        "known": row.known,
        "note": row.note,
        "blocks": blocks,
        "working": [{"start": _iso(b), "end": _iso(e)} for b, e in working],
    }


def _conflicts(rows: list[Row], start: datetime, end: datetime) -> list[dict]:
    """Who cannot (or might not) make [start, end), as text for people and screen readers."""
    found = []
    for row in rows:
        if not row.known:
            found.append({"key": row.key, "label": row.label, "status": "unknown",
                          "text": row.note})  # fmt: skip
        for begin, stop, status, source in row.blocks:
            if begin < end and stop > start and status != "free":
                found.append({
                    "key": row.key, "label": row.label, "status": status, "source": source,
                    "start": _iso(begin), "end": _iso(stop),
                })  # fmt: skip
        if row.working and not any(
            b <= start and end <= e for b, e in row.working.intervals(start, end)
        ):
            found.append({"key": row.key, "label": row.label, "status": "outside",
                          "text": _("außerhalb der Arbeitszeit")})  # fmt: skip
    return found


def _room_status(result: dict[str, Any] | None, start: datetime, end: datetime) -> str:
    if not result or result.get("error") is not None:
        return "unknown"
    statuses = {s for b, e, s in result["blocks"] if b < end and e > start}
    for status in ("oof", "busy", "tentative", "unknown"):
        if status in statuses:
            return "busy" if status == "oof" else status
    return "free"


def rooms_for(*, company: Company, participants: int) -> tuple[list[Room], int]:
    """Listed rooms with room for `participants` (unknown capacity counts as fitting),
    and how many were left out for being too small."""
    rooms = list(Room.objects.filter(company=company, is_listed=True).order_by("name", "email"))
    fitting = [r for r in rooms if r.capacity is None or r.capacity >= participants]
    return fitting, len(rooms) - len(fitting)


def _rooms_json(
    query: PickerQuery,
    outlook: Outlook,
    fitting: list[Room],
    too_small: int,
    extra: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    directory = RoomDirectory.objects.filter(company=query.company).first()
    refreshed = directory.refreshed_at if directory else None
    attempted = directory.attempted_at if directory else None
    next_refresh = attempted + REFRESH_EVERY if attempted else None
    items = []
    for room in fitting:
        status = _room_status(extra.get(room.email), *query.slot) if query.slot else None
        items.append({
            "email": room.email, "name": room.name, "capacity": room.capacity,
            "building": room.building, "floor": room.floor_label, "status": status,
            "accessible": room.is_wheelchair_accessible, "bookable": room.is_bookable,
        })  # fmt: skip
    return {
        "enabled": outlook.has_rooms,
        "reason": ""
        if outlook.has_rooms
        else _(
            "Räume stehen nur zur Wahl, wenn Ihr Konto mit „Account verbinden (+Räume)“ "
            "verbunden ist."
        ),  # fmt: skip
        "participants": query.participants,
        "too_small": too_small,
        "items": items,
        "refreshed_at": _iso(refreshed) if refreshed else None,
        "next_refresh_at": _iso(next_refresh) if next_refresh else None,
        "last_error": directory.last_error if directory else "",
        "refresh_url": reverse("calendar_integration:availability_rooms_refresh"),
    }


def _build(
    query: PickerQuery, outlook: Outlook, *, around: datetime, room_slot: bool
) -> tuple[Any, ...]:
    fitting, too_small = (
        rooms_for(company=query.company, participants=query.participants)
        if outlook.has_rooms else ([], 0)
    )  # fmt: skip
    window = fetch_window(around.astimezone(query.company.zone).date(), query.company.zone)
    rows, extra, answer = rows_build(
        company=query.company,
        connection=outlook.connection,
        outlook_reason=outlook.reason,
        recruiter=query.recruiter,
        observers=query.observers,
        room=query.room,
        extra_rooms=[r.email for r in fitting] if room_slot and query.slot else [],
        start=window[0],
        end=window[1],
        exclude=query.appointment,
    )
    return rows, extra, answer, fitting, too_small, window


def picker_data(*, query: PickerQuery) -> dict[str, Any]:
    """Everything the timeline draws for query.days (JSON-ready)."""
    outlook = outlook_for(user=query.planner)
    rows, extra, answer, fitting, too_small, _window = _build(
        query, outlook, around=query.start, room_slot=True
    )
    zone = query.company.zone
    days = []
    for day in query.days:
        lo = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        hi = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        days.append({"date": day.isoformat(), "start": _iso(lo), "end": _iso(hi)})
    data = {
        "zone": zone.key,
        "days": days,
        "grid_minutes": 15,
        "statuses": _labels(),
        "outlook": {
            "available": outlook.connection is not None,
            "reason": outlook.reason or (answer.problem if answer else ""),
            "graph_calls": answer.graph_calls if answer else 0,
        },
        "rows": [_row_json(row, query.start, query.end) for row in rows],
        "rooms": _rooms_json(query, outlook, fitting, too_small, extra),
        "slot": None,
    }
    if query.slot:
        data["slot"] = {
            "start": _iso(query.slot[0]),
            "end": _iso(query.slot[1]),
            "conflicts": _conflicts(rows, *query.slot),
        }
    return data


def slot_next(*, query: PickerQuery, after: datetime, duration: timedelta) -> dict:
    """The next slot (grid of 15 minutes) free for everybody with known availability and
    the room, inside everybody's working hours, within SEARCH_DAYS days after `after`."""
    outlook = outlook_for(user=query.planner)
    rows, _extra, answer, *_rest, window = _build(query, outlook, around=after, room_slot=False)
    until = min(after + timedelta(days=SEARCH_DAYS), window[1])
    times = [
        RowTimes(
            busy=[(b, e) for b, e, status, _s in row.blocks if status in CONFLICT_STATUSES],
            working=row.working.intervals(max(after, window[0]), until) if row.working else None,
        )
        for row in rows
    ]
    found = first_common_free_slot(rows=times, after=after, duration=duration, until=until)
    unverified = [row.label for row in rows if not row.known]
    result: dict[str, Any] = {
        "slot": None,
        "unverified": unverified,
        "message": _("Kein gemeinsamer freier Termin in den nächsten %(n)d Tagen.")
        % {"n": SEARCH_DAYS},
    }
    if found:
        local_start = found[0].astimezone(query.company.zone)
        local_end = found[1].astimezone(query.company.zone)
        result["slot"] = {
            "start": _iso(found[0]),
            "end": _iso(found[1]),
            "date": local_start.date().isoformat(),
            "start_time": local_start.strftime("%H:%M"),
            "end_time": local_end.strftime("%H:%M"),
        }
        result["message"] = (
            _("Frei für alle; nicht prüfbar: %(names)s.") % {"names": ", ".join(unverified)}
            if unverified else _("Frei für alle.")
        )  # fmt: skip
    return result
