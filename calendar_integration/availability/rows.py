"""The rows of the timeline: one per person (organiser, observers) and one for the room.

Each row merges what Outlook says (free/busy via getSchedule) with what EBMS itself
knows (the company's planned appointments and open proposal slots of that person or
room), so EBMS's own bookings show even without a Microsoft connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User
from ebms.recruiting.models import Appointment, Proposal, ProposalSlot

from ..models import MicrosoftConnection
from .freebusy import free_busy_get
from .timegrid import WorkingHours

__all__ = ["Row", "fetch_window", "person_addresses", "rows_build"]

WINDOW_WEEKS = 3  # one window serves a day, a week and the 14-day slot search


@dataclass
class Row:
    key: str
    label: str
    kind: str  # recruiter | observer | room
    address: str
    known: bool = True
    note: str = ""
    blocks: list[tuple[datetime, datetime, str, str]] = field(default_factory=list)
    working: WorkingHours | None = None

    def add(self, start: datetime, end: datetime, status: str, source: str) -> None:
        self.blocks.append((start, end, status, source))


def fetch_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The cached getSchedule window: from Monday 00:00 of `day`'s week, three weeks long
    (< 42 days), so the day view, the week view and the slot search share one answer."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(weeks=WINDOW_WEEKS), time(0), tzinfo=zone)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def person_addresses(users: list[User]) -> dict[int, str]:
    """Each user's address for getSchedule: his Microsoft account if linked, else his e-mail."""
    upns = dict(
        MicrosoftConnection.objects.filter(user_id__in=[u.pk for u in users])
        .exclude(upn="")
        .values_list("user_id", "upn")
    )
    return {u.pk: (upns.get(u.pk) or u.email).lower() for u in users}


def _note_for(error: dict) -> str:
    code = error.get("code", "")
    if code == "ErrorNoFreeBusyAccess":
        return _("keine Berechtigung für die Verfügbarkeit")
    if code == "5009":
        return _("in Microsoft 365 nicht gefunden")
    return error.get("message") or code


def _ebms_blocks(
    *,
    company: Company,
    rows: list[Row],
    people: dict[int, Row],
    room: Row | None,
    start: datetime,
    end: datetime,
    exclude_id: int | None,
) -> None:
    """The company's planned appointments and open proposal slots of these people/room.

    Four queries whatever the number of appointments (ids first, observers in one go).
    """
    ids = list(people)
    who = Q(recruiter_id__in=ids) | Q(observers__in=ids)
    if room is not None:
        who |= Q(room_email__iexact=room.address)
    appointments = (
        Appointment.objects.filter(
            who, company=company, status=Appointment.Status.PLANNED,
            starts_at__lt=end, ends_at__gt=start,
        )
        .exclude(pk=exclude_id or 0)
        .values_list("pk", "starts_at", "ends_at", "recruiter_id", "room_email")
        .distinct()
    )  # fmt: skip
    planned = list(appointments)
    observed = Appointment.observers.through.objects.filter(
        appointment_id__in=[a[0] for a in planned], user_id__in=ids
    ).values_list("appointment_id", "user_id")
    by_appointment: dict[int, set[int]] = {}
    for appointment_id, user_id in observed:
        by_appointment.setdefault(appointment_id, set()).add(user_id)
    for pk, begin, stop, recruiter_id, room_email in planned:
        for user_id in {recruiter_id, *by_appointment.get(pk, ())} & set(ids):
            people[user_id].add(begin, stop, "busy", "ebms")
        if room is not None and room_email.lower() == room.address:
            room.add(begin, stop, "busy", "ebms")
    # Open proposals hold their offered slots until the candidate picks one.
    held = Q(proposal__recruiter_id__in=ids) | Q(proposal__observers__in=ids)
    if room is not None:
        held |= Q(proposal__room_email__iexact=room.address)
    slots = list(
        ProposalSlot.objects.filter(
            held, proposal__company=company, proposal__status=Proposal.Status.OPEN,
            starts_at__lt=end, ends_at__gt=start,
        )
        .values_list("proposal_id", "starts_at", "ends_at", "proposal__recruiter_id",
                     "proposal__room_email")
        .distinct()
    )  # fmt: skip
    proposal_observers = Proposal.observers.through.objects.filter(
        proposal_id__in={s[0] for s in slots}, user_id__in=ids
    ).values_list("proposal_id", "user_id")
    by_proposal: dict[int, set[int]] = {}
    for proposal_id, user_id in proposal_observers:
        by_proposal.setdefault(proposal_id, set()).add(user_id)
    for proposal_id, begin, stop, recruiter_id, room_email in slots:
        for user_id in {recruiter_id, *by_proposal.get(proposal_id, ())} & set(ids):
            people[user_id].add(begin, stop, "tentative", "proposal")
        if room is not None and room_email.lower() == room.address:
            room.add(begin, stop, "tentative", "proposal")


def rows_build(
    *,
    company: Company,
    connection: MicrosoftConnection | None,
    outlook_reason: str,
    recruiter: User,
    observers: list[User],
    room: tuple[str, str] | None,
    extra_rooms: list[str],
    start: datetime,
    end: datetime,
    exclude: Appointment | None = None,
) -> tuple[list[Row], dict[str, dict], object]:
    """Rows for [start, end) (the fetch window), the raw results of `extra_rooms`, and
    the FreeBusy answer (None without Outlook)."""
    people_users = [recruiter, *[o for o in observers if o.pk != recruiter.pk]]
    addresses = person_addresses(people_users)
    rows: list[Row] = []
    people: dict[int, Row] = {}
    for user in people_users:
        kind = "recruiter" if user.pk == recruiter.pk else "observer"
        row = Row(key=f"user-{user.pk}", label=str(user), kind=kind, address=addresses[user.pk])
        rows.append(row)
        people[user.pk] = row
    room_row = None
    if room is not None:
        room_row = Row(key="room", label=room[1] or room[0], kind="room", address=room[0].lower())
        rows.append(room_row)
    answer = None
    extra: dict[str, dict] = {}
    if connection is None:
        for row in rows:
            row.known, row.note = False, outlook_reason
    else:
        answer = free_busy_get(
            connection=connection,
            addresses=[r.address for r in rows] + extra_rooms,
            start=start,
            end=end,
        )
        # The appointment being edited is in Outlook too: it must not clash with itself.
        own = (exclude.starts_at, exclude.ends_at) if exclude is not None else None
        for row in rows:
            result = answer.results.get(row.address) or {"error": {"code": "missing"}}
            if result["error"] is not None:
                row.known, row.note = False, _note_for(result["error"])
                continue
            for begin, stop, status in result["blocks"]:
                if (begin, stop) != own:
                    row.add(begin, stop, status, "outlook")
            if result["working"] and row.kind != "room":
                row.working = WorkingHours.from_json(result["working"])
        extra = {a: answer.results.get(a.lower(), {}) for a in extra_rooms}
    for row in rows:
        if row.working is None and row.kind != "room":
            row.working = WorkingHours.default(company.zone)
    _ebms_blocks(
        company=company, rows=rows, people=people, room=room_row, start=start, end=end,
        exclude_id=exclude.pk if exclude is not None else None,
    )  # fmt: skip
    for row in rows:
        # A synced EBMS appointment is in Outlook too: show it once, as EBMS's own block.
        ebms = {(b[0], b[1]) for b in row.blocks if b[3] != "outlook"}
        row.blocks = sorted(b for b in row.blocks if b[3] != "outlook" or (b[0], b[1]) not in ebms)
    return rows, extra, answer
