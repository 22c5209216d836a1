"""Domain rules for appointments and proposals; callable without saving (forms use them).

Every function raises django.core.exceptions.ValidationError with a dict
{field_name: [messages]} naming the model field (slots: "slots"; rules about the whole
object: NON_FIELD_ERRORS) and saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User

from .. import hooks
from ..models import (
    JOIN_INFO_PLACEHOLDER,
    MAX_TEXT,
    Application,
    Appointment,
    AppointmentKind,
)

MAX_DURATION = timedelta(hours=10)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # beyond: typing errors, overflowing zone arithmetic
MIN_SLOTS, MAX_SLOTS = 2, 5
MAX_LENGTHS = {
    "title": 200,
    "location": 300,
    "room_name": 200,
    "room_email": 254,
    "meeting_link": 200,
    "internal_description": MAX_TEXT,
    "candidate_message": MAX_TEXT,
}
_http_url = URLValidator(schemes=["http", "https"])


class Errors(dict):
    """Collects messages per field; `raise_if_any()` raises one ValidationError."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def check_planner(*, by: User, company: Company | int) -> None:
    """The acting user must plan (recruiter/company admin) in the object's company."""
    company_id = company if isinstance(company, int) else company.pk
    if by is None or not by.is_authenticated or by.company_id != company_id or not by.can_plan:
        raise PermissionDenied


def time_errors(
    *, starts_at: datetime | None, ends_at: datetime | None, check_past: bool = True
) -> list[tuple[str, str]]:
    """(field, message) pairs for one time range; empty when valid."""
    if starts_at is None:
        return [("starts_at", _("Bitte den Beginn angeben."))]
    if ends_at is None:
        return [("ends_at", _("Bitte das Ende angeben."))]
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        # A naive time is ambiguous across DST; forms always produce aware times.
        return [("starts_at", _("Beginn und Ende brauchen eine Zeitzone."))]
    if not (EARLIEST_YEAR <= starts_at.year <= LATEST_YEAR and ends_at.year <= LATEST_YEAR):
        return [("starts_at", _("Bitte ein Datum zwischen %(first)d und %(last)d angeben.") % {
            "first": EARLIEST_YEAR, "last": LATEST_YEAR,
        })]  # fmt: skip
    errors = []
    if ends_at <= starts_at:
        errors.append(("ends_at", _("Das Ende muss nach dem Beginn liegen.")))
    elif ends_at - starts_at > MAX_DURATION:
        errors.append(("ends_at", _("Ein Termin darf höchstens 10 Stunden dauern.")))
    if check_past and starts_at <= timezone.now():
        errors.append(("starts_at", _("Der Termin darf nicht in der Vergangenheit liegen.")))
    return errors


def _check_people(
    errors: Errors,
    *,
    company: Company,
    recruiter: User | None,
    observers: list[User],
    check_recruiter: bool = True,
) -> None:
    if not check_recruiter:
        pass
    elif recruiter is None:
        errors.add("recruiter", _("Bitte einen Organisator wählen."))
    elif recruiter.company_id != company.pk or not recruiter.can_plan:
        errors.add("recruiter", _("Der Organisator muss ein aktiver Recruiter dieser Firma sein."))
    for observer in observers:
        if observer.company_id != company.pk:
            errors.add("observers", _("Beobachter müssen zur eigenen Firma gehören."))
            break
        if not observer.is_active:
            errors.add(
                "observers",
                _("%(name)s ist deaktiviert und kann nicht teilnehmen.") % {"name": observer},
            )


def _check_texts(errors: Errors, values: dict) -> None:
    for field, limit in MAX_LENGTHS.items():
        value = values.get(field) or ""
        if len(value) > limit:
            errors.add(
                field,
                _("Höchstens %(limit)d Zeichen erlaubt (%(count)d eingegeben).")
                % {"limit": limit, "count": len(value)},
            )
    if not (values.get("title") or "").strip():
        errors.add("title", _("Bitte einen Titel angeben."))
    if values.get("room_email"):
        try:
            validate_email(values["room_email"])
        except ValidationError:
            errors.add("room_email", _("Bitte eine gültige E-Mail-Adresse angeben."))
    if values.get("meeting_link"):
        try:
            _http_url(values["meeting_link"])
        except ValidationError:
            errors.add("meeting_link", _("Bitte einen gültigen Link (http/https) angeben."))


def _check_kind(errors: Errors, *, company: Company, recruiter: User | None, values: dict) -> None:
    kind = values.get("kind")
    if kind not in AppointmentKind.values:
        errors.add("kind", _("Bitte eine gültige Terminart wählen."))
        return
    if kind == AppointmentKind.ON_SITE and not (values.get("location") or "").strip():
        errors.add("location", _("Bitte den Ort des Termins angeben."))
    if kind != AppointmentKind.ONLINE:
        return
    if JOIN_INFO_PLACEHOLDER not in (values.get("candidate_message") or ""):
        errors.add(
            "candidate_message",
            _(
                "Der Platzhalter %(placeholder)s muss in der Nachricht bleiben: er wird durch "
                "die Teilnahme-Informationen ersetzt."
            )
            % {"placeholder": JOIN_INFO_PLACEHOLDER},
        )
    probe = Appointment(company=company, recruiter=recruiter, kind=kind)
    if not values.get("meeting_link") and not hooks.join_info_expected(probe):
        errors.add(
            "meeting_link",
            _("Ohne Kalender-Integration braucht eine Online-Besprechung einen Meeting-Link."),
        )


def validate_appointment(
    *,
    company: Company,
    recruiter: User | None,
    observers: Iterable[User],
    kind: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    location: str = "",
    title: str = "",
    internal_description: str = "",
    candidate_message: str = "",
    meeting_link: str = "",
    room_email: str = "",
    room_name: str = "",
    check_past: bool = True,
    check_recruiter: bool = True,
    check_room: bool = True,
    room: RoomVerdict | None = None,
) -> None:
    """All rules of one appointment.

    On update: `check_past=False` when the time did not change, `check_recruiter=False`
    when the organizer did not change, `check_room=False` when the room did not change,
    and `observers` only the newly added ones. `room`: the room check's answer asked
    beforehand (`room_verdict`), so no Microsoft call happens here.
    """
    values = {
        "kind": kind,
        "location": location,
        "title": title,
        "internal_description": internal_description,
        "candidate_message": candidate_message,
        "meeting_link": meeting_link,
        "room_email": room_email,
        "room_name": room_name,
    }
    errors = Errors()
    for field, message in time_errors(starts_at=starts_at, ends_at=ends_at, check_past=check_past):
        errors.add(field, message)
    _check_common(
        errors,
        company=company,
        recruiter=recruiter,
        observers=observers,
        values=values,
        check_recruiter=check_recruiter,
        check_room=check_room,
        room=room,
    )
    errors.raise_if_any()


@dataclass(frozen=True)
class RoomVerdict:
    """The room checker's answer for one room and organizer, asked before any row lock
    (the calendar module's checker calls Microsoft)."""

    email: str
    recruiter_id: int | None
    problem: str | None

    def answers(self, *, email: str, recruiter: User | None) -> bool:
        return (self.email, self.recruiter_id) == (email.strip(), getattr(recruiter, "pk", None))


def room_verdict(*, company: Company, recruiter: User | None, email: str) -> RoomVerdict:
    """Ask the room checker about `email` now (no problem for an empty or malformed address:
    `_check_texts` reports those)."""
    email = (email or "").strip()
    problem = None
    if email and len(email) <= MAX_LENGTHS["room_email"]:
        try:
            validate_email(email)
        except ValidationError:
            pass
        else:
            problem = hooks.room_problem(company=company, recruiter=recruiter, email=email)
    return RoomVerdict(email=email, recruiter_id=getattr(recruiter, "pk", None), problem=problem)


def _check_room(
    errors: Errors,
    *,
    company: Company,
    recruiter: User | None,
    values: dict,
    verdict: RoomVerdict | None = None,
) -> None:
    """A room address must be a room of the company's tenant (the calendar module decides):
    it becomes a resource attendee of the Outlook event and sees its internal description."""
    email = (values.get("room_email") or "").strip()
    if not email or "room_email" in errors:
        return
    if verdict is None:
        verdict = room_verdict(company=company, recruiter=recruiter, email=email)
    elif not verdict.answers(email=email, recruiter=recruiter):
        raise ValueError("the room verdict was asked for another room or organizer")
    if verdict.problem:
        errors.add("room_email", verdict.problem)


def _check_common(
    errors: Errors,
    *,
    company: Company,
    recruiter: User | None,
    observers: Iterable[User],
    values: dict[str, Any],
    check_recruiter: bool = True,
    check_room: bool = True,
    room: RoomVerdict | None = None,
) -> None:
    _check_people(
        errors,
        company=company,
        recruiter=recruiter if check_recruiter else None,
        observers=list(observers),
        check_recruiter=check_recruiter,
    )
    _check_texts(errors, values)
    _check_kind(errors, company=company, recruiter=recruiter, values=values)
    if check_room:
        _check_room(errors, company=company, recruiter=recruiter, values=values, verdict=room)


def slot_errors(slots: list[tuple[datetime, datetime]]) -> list[str]:
    """Messages for the "slots" field: 2-5 valid, distinct, non-overlapping future slots."""
    slots = list(slots)
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        return [_("Bitte 2 bis 5 Terminvorschläge angeben.")]
    messages = []
    for number, (starts_at, ends_at) in enumerate(slots, start=1):
        for _field, message in time_errors(starts_at=starts_at, ends_at=ends_at):
            messages.append(
                _("Vorschlag %(number)d: %(message)s") % {"number": number, "message": message}
            )
    if messages:
        return messages
    if len(set(slots)) != len(slots):
        messages.append(_("Zwei Vorschläge sind identisch."))
    else:
        ordered = sorted(slots)
        if any(later[0] < earlier[1] for earlier, later in zip(ordered, ordered[1:], strict=False)):
            messages.append(_("Vorschläge dürfen sich nicht überschneiden."))
    return messages


def validate_proposal(
    *,
    company: Company,
    application: Application,
    recruiter: User | None,
    observers: Iterable[User],
    kind: str,
    slots: list[tuple[datetime, datetime]],
    location: str = "",
    title: str = "",
    internal_description: str = "",
    candidate_message: str = "",
    meeting_link: str = "",
    room_email: str = "",
    room_name: str = "",
) -> None:
    """All rules of a proposal: its slots, the appointment fields, a candidate e-mail."""
    values = {
        "kind": kind,
        "location": location,
        "title": title,
        "internal_description": internal_description,
        "candidate_message": candidate_message,
        "meeting_link": meeting_link,
        "room_email": room_email,
        "room_name": room_name,
    }
    errors = Errors()
    for message in slot_errors(slots):
        errors.add("slots", message)
    _check_common(errors, company=company, recruiter=recruiter, observers=observers, values=values)
    email = application.candidate.email
    try:
        validate_email(email)
    except ValidationError:
        errors.add(
            NON_FIELD_ERRORS,
            _("Der Bewerber braucht eine gültige E-Mail-Adresse, um Vorschläge zu erhalten."),
        )
    errors.raise_if_any()
