"""Candidate e-mails (F6): queueing, rendering (text + HTML + .ics, in the candidate's
language) and sending exactly once per appointment version.

Rows of CandidateEmail are the outbox. A task claims a row with a conditional UPDATE
(pending -> sending), so a redelivered or duplicated task never sends twice. Failures keep
the row pending with a backoff stored in `next_attempt_at`; the beat sweep re-enqueues due rows.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from email.mime.text import MIMEText

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from kombu.exceptions import OperationalError as KombuOperationalError

from . import delays, ics
from .links import proposal_link_for
from .models import (
    JOIN_INFO_PLACEHOLDER,
    Appointment,
    AppointmentKind,
    CandidateEmail,
    Proposal,
)
from .services.join_info import candidate_html, candidate_text, join_parts

logger = logging.getLogger(__name__)
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
# A recruiter's own sign-off at the end of the message: the mail then adds none of its own.
_SIGN_OFF = re.compile(
    r"\b(grüße|grüßen|gruß|grüssen|grüsse|regards|wishes|cheers|sincerely|herzlich)\b", re.I
)

Kind = CandidateEmail.Kind
Status = CandidateEmail.Status
LANGUAGES = ("de", "en")
MAX_ATTEMPTS = 8
CLAIM_LEASE = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300)
SUBJECTS = {
    "de": {
        Kind.INVITATION: "Einladung: {title}",
        Kind.UPDATE: "Terminänderung: {title}",
        Kind.CANCELLATION: "Absage: {title}",
        Kind.PROPOSAL: "Terminvorschläge: {title}",
        Kind.PROPOSAL_WITHDRAWN: "Terminvorschläge zurückgezogen: {title}",
        "confirmation": "Terminbestätigung: {title}",
        "update_time": "Neuer Termin für Ihr Vorstellungsgespräch: {title}",
        "update_other": "Änderung zu Ihrem Vorstellungsgespräch: {title}",
    },
    "en": {
        Kind.INVITATION: "Invitation: {title}",
        Kind.UPDATE: "Updated appointment: {title}",
        Kind.CANCELLATION: "Cancelled: {title}",
        Kind.PROPOSAL: "Please choose a time: {title}",
        Kind.PROPOSAL_WITHDRAWN: "Time proposals withdrawn: {title}",
        "confirmation": "Appointment confirmed: {title}",
        "update_time": "New time for your interview: {title}",
        "update_other": "Update to your interview: {title}",
    },
}
DATE_FORMATS = {"de": "l, j. F Y", "en": "l, j F Y"}
CHANGE_LABELS = {
    "de": {"time": "Zeit", "kind": "Art", "location": "Ort", "candidate_message": "Nachricht",
           "join_info": "Teilnahme-Informationen"},
    "en": {"time": "time", "kind": "type", "location": "location", "candidate_message": "message",
           "join_info": "joining information"},
}  # fmt: skip


# --- queueing (called by the services inside their transaction) ---------------------------


def _rows_for(*, appointment: Appointment | None, proposal: Proposal | None):
    if appointment is not None:
        return CandidateEmail.objects.filter(appointment=appointment)
    return CandidateEmail.objects.filter(proposal=proposal)


def candidate_email_queue(
    *,
    kind: str,
    appointment: Appointment | None = None,
    proposal: Proposal | None = None,
    changed: list[str] | tuple[str, ...] = (),
    waiting: bool = False,
) -> CandidateEmail | None:
    """Queue the e-mail for the current version; older unsent ones are superseded.

    An update whose invitation was never sent becomes the invitation; a cancellation (or
    withdrawal) of something never sent is not mailed at all. None when nothing is queued.
    """
    target = appointment or proposal
    candidate = target.application.candidate
    rows = _rows_for(appointment=appointment, proposal=proposal)
    ever_sent = rows.filter(status__in=[Status.SENT, Status.SENDING]).exists()
    unsent = list(rows.filter(status__in=[Status.PENDING, Status.WAITING]))
    carried = {field for row in unsent for field in row.changed}
    rows.filter(pk__in=[row.pk for row in unsent]).update(status=Status.SUPERSEDED)
    if not candidate.email:
        return None
    if kind in (Kind.CANCELLATION, Kind.PROPOSAL_WITHDRAWN) and not ever_sent:
        return None
    if kind == Kind.UPDATE and not ever_sent:
        kind, carried, changed = Kind.INVITATION, set(), ()
    email = CandidateEmail.objects.create(
        company=target.company,
        appointment=appointment,
        proposal=proposal,
        kind=kind,
        version=appointment.version if appointment is not None else 1,
        to=candidate.email,
        status=Status.WAITING if waiting else Status.PENDING,
        changed=sorted(carried | set(changed)),
    )
    if not waiting:
        candidate_email_enqueue_on_commit(email.pk)
    return email


def candidate_email_enqueue_on_commit(email_id: int) -> None:
    """Enqueue the send task once the current transaction commits (never before)."""
    transaction.on_commit(lambda: candidate_email_enqueue(email_id))


def candidate_email_enqueue(email_id: int) -> None:
    """Wake a worker for the row; with the broker down the sweep sends it later.

    The change that queued the e-mail is committed already: a broker outage must not turn
    it into an error page for the recruiter.
    """
    try:
        # By its registered name (tasks.py imports this module, not the other way round).
        current_app.tasks["ebms.recruiting.tasks.candidate_email_send"].delay(email_id)
    except KombuOperationalError:
        logger.warning("broker unavailable: candidate e-mail %s waits for the sweep", email_id)
        delays.background_delayed("broker")


def candidate_emails_release(*, appointment: Appointment) -> list[int]:
    """Flip the appointment's waiting e-mails to pending and enqueue them on commit."""
    ids = list(
        CandidateEmail.objects.filter(appointment=appointment, status=Status.WAITING).values_list(
            "pk", flat=True
        )
    )
    CandidateEmail.objects.filter(pk__in=ids).update(status=Status.PENDING)
    for email_id in ids:
        candidate_email_enqueue_on_commit(email_id)
    return ids


# --- rendering -------------------------------------------------------------------------------


def _language(candidate) -> str:
    return candidate.language if candidate.language in LANGUAGES else "de"


def _when(starts_at: datetime, ends_at: datetime, *, zone, language: str) -> dict:
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    date_format = DATE_FORMATS[language]
    return {
        "date": formats.date_format(start, date_format),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "end_date": formats.date_format(end, date_format) if end.date() != start.date() else "",
        "zone": str(zone),
    }


def _changed_labels(changed: list[str], language: str) -> str:
    keys = []
    for field in changed:
        key = {"starts_at": "time", "ends_at": "time", "meeting_link": "join_info"}.get(
            field, field
        )
        if key in CHANGE_LABELS[language] and key not in keys:
            keys.append(key)
    return ", ".join(CHANGE_LABELS[language][key] for key in keys)


def _subject(kind: str, title: str, language: str) -> str:
    title = " ".join(title.split())  # a header must not contain line breaks
    return SUBJECTS[language][kind].format(title=title)


def _subject_kind(email: CandidateEmail) -> str:
    """The subject's wording: a picked slot is confirmed, a change says whether the time moved."""
    if email.appointment is not None and email.kind == Kind.INVITATION:
        return "confirmation" if email.appointment.proposal_id else email.kind
    if email.kind == Kind.UPDATE:
        moved = {"starts_at", "ends_at", "time"} & set(email.changed)
        return "update_time" if moved else "update_other"
    return email.kind


def signed(text: str) -> bool:
    """True when the recruiter's message ends with a sign-off of its own (last 3 lines)."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return any(_SIGN_OFF.search(line) for line in lines[-3:])


def _appointment_context(email: CandidateEmail, language: str) -> dict:
    appointment = email.appointment
    zone = appointment.company.zone
    # After the candidate picked a slot: a confirmation. The proposal's text was written for
    # choosing ("bitte wählen Sie ..."), so only the join information is carried over.
    confirmation = email.kind == Kind.INVITATION and appointment.proposal_id is not None
    if confirmation:
        parts = join_parts(appointment) if appointment.is_online else None
        text, html = (parts[1], f"<div>{parts[2]}</div>") if parts else ("", "")
    else:
        text, html = candidate_text(appointment), candidate_html(appointment)
    return {
        "appointment": appointment,
        "online": appointment.kind == AppointmentKind.ONLINE,
        "phone": appointment.kind == AppointmentKind.PHONE,
        "onsite": appointment.kind == AppointmentKind.ON_SITE,
        "when": _when(appointment.starts_at, appointment.ends_at, zone=zone, language=language),
        "location": ics.ics_location(appointment),
        "message_text": text,
        # Built from escaped user text and sanitised join information (join_info.py).
        "message_html": mark_safe(html),  # noqa: S308
        "confirmation": confirmation,
        "signed": not confirmation and signed(text),
        "changed_labels": _changed_labels(email.changed, language),
        "recruiter": appointment.recruiter,
    }


def _proposal_context(proposal: Proposal, language: str) -> dict:
    zone = proposal.company.zone
    now = timezone.now()
    message = proposal.candidate_message.replace(JOIN_INFO_PLACEHOLDER, "").strip()
    slots = [
        _when(slot.starts_at, slot.ends_at, zone=zone, language=language)
        for slot in proposal.slots.all()
        if slot.starts_at > now
    ]
    return {
        "proposal": proposal,
        "slots": slots,
        "link": proposal_link_for(proposal),
        "expires": formats.date_format(proposal.expires_at.astimezone(zone), DATE_FORMATS[language])
        + proposal.expires_at.astimezone(zone).strftime(", %H:%M"),
        # The join information comes with the confirmation, once a slot is picked.
        "message_text": message,
        "signed": signed(message),
        "recruiter": proposal.recruiter,
    }


def candidate_email_render(email: CandidateEmail) -> dict:
    """{"subject", "text", "html", "ics", "ics_method", "language"} for a (possibly unsaved) row."""
    target = email.appointment or email.proposal
    candidate = target.application.candidate
    language = _language(candidate)
    with translation.override(language):
        if email.appointment is not None:
            context = _appointment_context(email, language)
        else:
            context = _proposal_context(email.proposal, language)
        subject = _subject(_subject_kind(email), target.title, language)
        context.update(
            candidate=candidate,
            kind=email.kind,
            company=target.company,
            language=language,
            subject=subject,
        )
        name = f"recruiting/email/{language}/{email.kind}"
        text = _BLANK_LINES.sub("\n\n", render_to_string(f"{name}.txt", context)).strip() + "\n"
        html = render_to_string(f"{name}.html", context)
    ics_bytes, method = b"", ""
    if email.appointment is not None:
        method = "CANCEL" if email.kind == Kind.CANCELLATION else "REQUEST"
        ics_bytes = ics.appointment_ics(email.appointment, cancel=method == "CANCEL")
    return {
        "subject": subject,
        "text": text,
        "html": html,
        "ics": ics_bytes,
        "ics_method": method,
        "language": language,
    }


def candidate_email_message(email: CandidateEmail) -> EmailMultiAlternatives:
    """The ready-to-send message: text, HTML alternative and the .ics attachment."""
    parts = candidate_email_render(email)
    target = email.appointment or email.proposal
    message = EmailMultiAlternatives(
        subject=parts["subject"],
        body=parts["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[target.recruiter.email],
        headers={"X-EBMS-Candidate-Email": str(email.pk)},
    )
    message.attach_alternative(parts["html"], "text/html")
    if parts["ics"]:
        calendar = MIMEText(parts["ics"].decode("utf-8"), "calendar", "utf-8")
        calendar.set_param("method", parts["ics_method"])
        filename = "absage.ics" if parts["ics_method"] == "CANCEL" else "termin.ics"
        calendar.add_header("Content-Disposition", "attachment", filename=filename)
        message.attach(calendar)
    return message


# --- sending ---------------------------------------------------------------------------------


def _due() -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after the n-th failed attempt, at most 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _obsolete_reason(email: CandidateEmail) -> tuple[str, str] | None:
    """(status, reason) when a claimed row must not be sent any more."""
    if not email.to:
        return Status.SUPERSEDED, "Bewerber anonymisiert"
    if (
        email.proposal_id
        and email.kind == Kind.PROPOSAL
        and (
            email.proposal.status != Proposal.Status.OPEN
            or email.proposal.expires_at <= timezone.now()
        )
    ):
        return Status.SUPERSEDED, "Vorschläge nicht mehr offen"
    if email.appointment_id and email.appointment.ends_at <= timezone.now():
        return Status.FAILED, "Termin liegt bereits in der Vergangenheit"
    return None


def candidate_email_send(email_id: int) -> str:
    """Send one outbox row at most once: "sent", "skipped", "failed" or "retry"."""
    now = timezone.now()
    claimed = CandidateEmail.objects.filter(_due(), pk=email_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, claimed_until=now + CLAIM_LEASE
    )
    if not claimed:
        return "skipped"  # already sent, claimed by another run, superseded or not yet due
    email = (
        CandidateEmail.objects.select_related(
            "appointment__company",
            "appointment__recruiter",
            "appointment__application__candidate",
            "proposal__company",
            "proposal__recruiter",
            "proposal__application__candidate",
        )
        .filter(pk=email_id)
        .first()
    )
    if email is None:
        return "skipped"  # its candidate was deleted (GDPR erasure) since the claim
    obsolete = _obsolete_reason(email)
    if obsolete:
        _finish(email, status=obsolete[0], last_error=obsolete[1])
        return "skipped"
    try:
        candidate_email_message(email).send()
    except Exception as exc:  # noqa: BLE001 - any transport error is retried from the DB
        # The type only: an SMTP error names the recipient, and logs outlive an erasure.
        logger.warning(
            "candidate e-mail %s failed (attempt %s): %s",
            email.pk,
            email.attempts,
            type(exc).__name__,
        )
        error = f"{type(exc).__name__}: {exc}"[:500]
        if email.attempts >= MAX_ATTEMPTS:
            _finish(email, status=Status.FAILED, last_error=error)
            return "failed"
        _finish(
            email,
            status=Status.PENDING,
            last_error=error,
            next_attempt_at=timezone.now() + backoff(email.attempts),
        )
        return "retry"
    _finish(email, status=Status.SENT, last_error="", sent_at=timezone.now())
    return "sent"


def _finish(email: CandidateEmail, *, status: str, **fields) -> None:
    # Guarded by our own claim: only the run holding the row in "sending" may finish it.
    CandidateEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=status, claimed_until=None, **fields
    )


def candidate_emails_due(*, limit: int = 500) -> list[int]:
    """Ids of rows to (re-)enqueue; interrupted claims become failed (never sent twice)."""
    CandidateEmail.objects.filter(status=Status.SENDING, claimed_until__lt=timezone.now()).update(
        status=Status.FAILED,
        claimed_until=None,
        last_error="Versand unterbrochen: unklar, ob die E-Mail ankam",
    )
    return list(
        CandidateEmail.objects.filter(_due(), status=Status.PENDING)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
