"""Appointment services: create, update, cancel, join information, e-mail preview."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ebms.accounts.models import Company, User

from .. import emails, hooks
from ..models import MEETING_FIELDS, Application, Appointment, AppointmentKind, CandidateEmail
from .history import changes_since, record
from .join_info import safe_href
from .validation import RoomVerdict, check_planner, room_verdict, validate_appointment

Kind = CandidateEmail.Kind
Status = CandidateEmail.Status

# History order: who, kind, time, then the rest of the meeting's fields as declared.
FIELDS = (
    "recruiter",
    "observers",
    "kind",
    "starts_at",
    "ends_at",
    *(name for name in MEETING_FIELDS if name != "kind"),
)
STRIPPED = ("location", "room_email", "room_name", "title", "meeting_link")
TIME_FIELDS = {"starts_at", "ends_at"}
# Changes the candidate must learn about (a new version of his invitation).
CANDIDATE_FIELDS = {"starts_at", "ends_at", "kind", "location", "candidate_message"}
CANCEL_REASON_MAX = 500
ROOM_ATTEMPTS = 3  # room checks when the organizer or room changes between check and lock


def _observers(observers: Iterable[User] | None, recruiter: User | None) -> list[User]:
    """Distinct observers without the organizer (he attends as organizer anyway)."""
    seen, result = set(), []
    for user in observers or ():
        if user.pk not in seen and (recruiter is None or user.pk != recruiter.pk):
            seen.add(user.pk)
            result.append(user)
    return result


def _clean(values: dict) -> dict:
    for field in STRIPPED:
        if isinstance(values.get(field), str):
            values[field] = values[field].strip()
    for field in ("location", "room_email", "room_name", "internal_description",
                  "candidate_message", "meeting_link"):  # fmt: skip
        if field in values and values[field] is None:
            values[field] = ""
    return values


def _join_info_waits(appointment: Appointment) -> bool:
    """An online invitation waits when the calendar module will deliver join information."""
    return (
        appointment.is_online and not appointment.join_url and hooks.join_info_expected(appointment)
    )


def appointment_create(
    *,
    by: User,
    application: Application,
    recruiter: User,
    observers: Iterable[User],
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    room_email: str = "",
    room_name: str = "",
    title: str,
    internal_description: str = "",
    candidate_message: str = "",
    meeting_link: str = "",
) -> Appointment:
    """Plan an appointment: history, announcement and the candidate's invitation."""
    check_planner(by=by, company=application.company_id)
    observers = _observers(observers, recruiter)
    values = _clean({
        "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "location": location,
        "room_email": room_email, "room_name": room_name, "title": title,
        "internal_description": internal_description, "candidate_message": candidate_message,
        "meeting_link": meeting_link,
    })  # fmt: skip
    if kind != AppointmentKind.ON_SITE:
        values["location"] = ""  # only on-site appointments have a place
    validate_appointment(
        company=application.company, recruiter=recruiter, observers=observers, **values
    )
    with transaction.atomic():
        appointment = Appointment.objects.create(
            company=application.company,
            application=application,
            recruiter=recruiter,
            created_by=by,
            **values,
        )
        appointment.observers.set(observers)
        record(
            appointment,
            by=by,
            action="created",
            old={},
            new={**values, "recruiter": recruiter, "observers": observers},
        )
        hooks.announce("appointment_created", appointment=appointment)
        emails.candidate_email_queue(
            kind=Kind.INVITATION, appointment=appointment, waiting=_join_info_waits(appointment)
        )
    return appointment


def _snapshot(appointment: Appointment) -> dict:
    values = {field: getattr(appointment, field) for field in FIELDS if field != "observers"}
    values["observers"] = list(appointment.observers.all())
    return values


def _differs(field: str, old: Any, new: Any) -> bool:
    if field == "observers":
        return {u.pk for u in old} != {u.pk for u in new}
    if field == "recruiter":
        return getattr(old, "pk", None) != getattr(new, "pk", None)
    return old != new


class ChangedMeanwhile(ValidationError):
    """The appointment changed since the form was read: nothing was saved."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__({NON_FIELD_ERRORS: [message]}, code="changed_meanwhile")
        self.version = version


FIELD_LABELS = {"recruiter": _lazy("Organisator"), "observers": _lazy("Beobachter")}


def _changed_meanwhile(current: Appointment, *, read_version: int) -> ChangedMeanwhile:
    changes = changes_since(current, version=read_version)
    lines = []
    for field, (before, after) in changes.items():
        label = FIELD_LABELS.get(field) or str(
            getattr(Appointment._meta.get_field(field), "verbose_name", None) or field
        )
        lines.append(f"{label}: {before or '–'} → {after or '–'}")
    message = _("Der Termin wurde inzwischen geändert; Ihre Änderungen wurden nicht gespeichert.")
    if lines:
        message += " " + _("Geändert: %(changes)s.") % {"changes": "; ".join(lines)}
    message += " " + _("Bitte prüfen Sie die Angaben und speichern Sie erneut.")
    return ChangedMeanwhile(message, version=current.version)


def appointment_update(
    *, appointment: Appointment, by: User, read_version: int | None = None, **fields: Any
) -> Appointment:
    """Change any of the create fields; a no-op when nothing differs.

    Every change raises `version`; a time change also raises `sequence`; a change the
    candidate sees (time, kind, place, his message, the typed link) queues an update mail.
    With `read_version` (the version the form showed) a newer appointment is not
    overwritten: ChangedMeanwhile names what changed, nothing is written or sent.
    A new room is checked (a Microsoft call) before the row lock is taken.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"appointment_update() got unexpected fields {sorted(unknown)}")
    check_planner(by=by, company=appointment.company_id)
    room = _room_first(appointment=appointment, read_version=read_version, fields=fields)
    for _attempt in range(ROOM_ATTEMPTS):
        try:
            return _update_locked(
                appointment=appointment, by=by, read_version=read_version, fields=fields, room=room
            )
        except _RoomUnchecked as unchecked:
            # Changed meanwhile (organizer or room): ask again, again without the lock.
            room = room_verdict(
                company=unchecked.company, recruiter=unchecked.recruiter, email=unchecked.email
            )
    raise ValidationError(
        {NON_FIELD_ERRORS: [_("Der Termin wird gerade geändert. Bitte erneut speichern.")]}
    )


class _RoomUnchecked(Exception):
    """Under the lock the room to check differs from the one checked beforehand."""

    def __init__(self, *, company: Company, recruiter: User | None, email: str) -> None:
        super().__init__(email)
        self.company, self.recruiter, self.email = company, recruiter, email


def _room_first(
    *, appointment: Appointment, read_version: int | None, fields: dict[str, Any]
) -> RoomVerdict | None:
    """The room check for the room this update writes, from an unlocked read (None: no check)."""
    if "room_email" not in fields:
        return None
    current = Appointment.objects.select_related("company", "recruiter").get(pk=appointment.pk)
    email = (fields["room_email"] or "").strip()
    if email == current.room_email or (
        read_version is not None and current.version != read_version
    ):
        return None  # unchanged, or refused as changed meanwhile under the lock
    recruiter = fields.get("recruiter", current.recruiter)
    return room_verdict(company=current.company, recruiter=recruiter, email=email)


def _update_locked(
    *,
    appointment: Appointment,
    by: User,
    read_version: int | None,
    fields: dict[str, Any],
    room: RoomVerdict | None,
) -> Appointment:
    with transaction.atomic():
        current = (
            Appointment.objects.select_for_update()
            .select_related("company", "recruiter", "application__candidate")
            .get(pk=appointment.pk)
        )
        if current.is_cancelled:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Ein abgesagter Termin kann nicht geändert werden.")]}
            )
        if read_version is not None and current.version != read_version:
            raise _changed_meanwhile(current, read_version=read_version)
        old = _snapshot(current)
        new = {**old, **_clean(dict(fields))}
        new["observers"] = _observers(new["observers"], new["recruiter"])
        if new["kind"] != AppointmentKind.ON_SITE:
            new["location"] = ""
        changed = {field for field in FIELDS if _differs(field, old[field], new[field])}
        if not changed:
            return current
        old_ids = {u.pk for u in old["observers"]}
        check_room = "room_email" in changed and bool(new["room_email"])
        if check_room and (
            room is None or not room.answers(email=new["room_email"], recruiter=new["recruiter"])
        ):
            raise _RoomUnchecked(
                company=current.company, recruiter=new["recruiter"], email=new["room_email"]
            )
        validate_appointment(
            company=current.company,
            # Only people being added must pass; deactivated ones may stay in the history.
            recruiter=new["recruiter"],
            observers=[u for u in new["observers"] if u.pk not in old_ids],
            check_past=bool(changed & TIME_FIELDS),
            check_recruiter="recruiter" in changed,
            check_room=check_room,
            room=room if check_room else None,
            **{f: new[f] for f in FIELDS if f not in ("recruiter", "observers")},
        )
        for field in FIELDS:
            if field != "observers":
                setattr(current, field, new[field])
        if "kind" in changed and current.kind != AppointmentKind.ONLINE:
            # A new online meeting gets new join information; stale links must not survive.
            current.join_url = current.join_info_html = current.join_info_text = ""
        current.version += 1
        if changed & TIME_FIELDS:
            current.sequence += 1
        current.save()
        if "observers" in changed:
            current.observers.set(new["observers"])
        record(
            current,
            by=by,
            action="changed",
            old=old,
            new={f: new[f] for f in FIELDS if f in changed},
        )
        hooks.announce("appointment_changed", appointment=current, changed=set(changed))
        visible = changed & CANDIDATE_FIELDS
        if "meeting_link" in changed and current.is_online:
            visible.add("meeting_link")
        if visible:
            emails.candidate_email_queue(
                kind=Kind.UPDATE,
                appointment=current,
                changed=sorted(visible),
                waiting=_join_info_waits(current),
            )
    return current


def appointment_cancel(*, appointment: Appointment, by: User, reason: str) -> Appointment:
    """Cancel with a reason the candidate reads; raises the iCalendar SEQUENCE."""
    check_planner(by=by, company=appointment.company_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": [_("Bitte einen Grund für die Absage angeben.")]})
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError(
            {"cancel_reason": [_("Höchstens %(limit)d Zeichen erlaubt.") % {"limit": 500}]}
        )
    with transaction.atomic():
        current = (
            Appointment.objects.select_for_update()
            .select_related("company", "recruiter", "application__candidate")
            .get(pk=appointment.pk)
        )
        if current.is_cancelled:
            raise ValidationError({NON_FIELD_ERRORS: [_("Der Termin ist bereits abgesagt.")]})
        if current.ends_at <= timezone.now():
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Ein vergangener Termin kann nicht abgesagt werden.")]}
            )
        old = {"status": current.status, "cancel_reason": ""}
        current.status = Appointment.Status.CANCELLED
        current.cancel_reason = reason
        current.cancelled_at = timezone.now()
        current.sequence += 1
        current.version += 1
        current.save()
        record(
            current,
            by=by,
            action="cancelled",
            old=old,
            new={"status": current.status, "cancel_reason": reason},
        )
        hooks.announce("appointment_cancelled", appointment=current)
        emails.candidate_email_queue(kind=Kind.CANCELLATION, appointment=current)
    return current


def appointment_join_info_set(
    *, appointment: Appointment, join_url: str, join_info_html: str, join_info_text: str
) -> None:
    """Store the meeting's join information (calendar module) and release waiting e-mails.

    Idempotent. When the information changes after the candidate was mailed, he gets an
    update. Ignored for cancelled or no longer online appointments (a late delivery).
    """
    with transaction.atomic():
        current = (
            Appointment.objects.select_for_update()
            .select_related("company", "recruiter", "application__candidate")
            .get(pk=appointment.pk)
        )
        if current.is_cancelled or not current.is_online:
            return
        new = (safe_href(join_url) or "", join_info_html or "", (join_info_text or "").strip())
        old = (current.join_url, current.join_info_html, current.join_info_text)
        if new != old:
            current.join_url, current.join_info_html, current.join_info_text = new
            record(
                current,
                by=None,
                action="join_info",
                old={"join_url": old[0]},
                new={"join_url": new[0]},
            )
        released = emails.candidate_emails_release(appointment=current)
        mailed = current.emails.filter(status__in=[Status.SENT, Status.SENDING]).exists()
        if new != old and not released and mailed:
            current.version += 1
            current.save()
            emails.candidate_email_queue(
                kind=Kind.UPDATE, appointment=current, changed=["join_info"]
            )
        elif new != old:
            current.save(update_fields=["join_url", "join_info_html", "join_info_text",
                                        "updated_at"])  # fmt: skip


def candidate_email_preview(appointment: Appointment) -> dict:
    """What the candidate gets (or got) for the current version, for the UI.

    {"subject", "text", "html", "status", "status_label", "kind", "to", "sent_at", "last_error"};
    status "" when there is no e-mail (the candidate has no address).
    """
    appointment = Appointment.objects.select_related(
        "company", "recruiter", "application__candidate"
    ).get(pk=appointment.pk)  # the caller's instance may predate the last change
    email = appointment.emails.exclude(status=Status.SUPERSEDED).order_by("-version", "-pk").first()
    if email is None:
        email = CandidateEmail(
            company=appointment.company,
            appointment=appointment,
            kind=Kind.CANCELLATION if appointment.is_cancelled else Kind.INVITATION,
            version=appointment.version,
            to=appointment.application.candidate.email,
            status="",
        )
    parts = emails.candidate_email_render(email)
    return {
        "subject": parts["subject"],
        "text": parts["text"],
        "html": parts["html"],
        "status": email.status,
        "status_label": email.get_status_display() if email.status else "",
        "kind": email.kind,
        "to": email.to,
        "sent_at": email.sent_at,
        "last_error": email.last_error,
    }
