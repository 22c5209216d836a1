"""GDPR erasure of a candidate (issue 15): delete him, or anonymise him keeping counts and dates.

One transaction: upcoming appointments are cancelled first when the user chose so (the
candidate's cancellation is sent right there, while his address still exists), then
`candidate_erased` is announced (the calendar module takes over the Outlook events and scrubs
them through its outbox; the mail store drops stored copies), then the rows are anonymised or
deleted. The Erasure record keeps who, when and why, never the candidate's data.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import User

from .. import emails, hooks
from ..models import (
    Appointment,
    AppointmentChange,
    Candidate,
    CandidateEmail,
    Erasure,
    Proposal,
)
from .appointments import appointment_cancel
from .privacy import privacy_settings_get

logger = logging.getLogger(__name__)

REDACTED = "[entfernt]"
ANONYMOUS = "Anonymisiert"
# Free texts that are the candidate's or about him: emptied, not redacted.
EMPTIED = ("internal_description", "candidate_message")

__all__ = [
    "ErasureBlocked",
    "candidate_erase",
    "erasure_outlook_report",
    "erasure_permitted",
    "redact",
]


class ErasureBlocked(ValidationError):
    """The candidate has upcoming appointments and the user did not choose to cancel them."""


def erasure_permitted(*, user: User, company_id: int) -> bool:
    """Company admins; recruiters only when the company allows it."""
    if user is None or not user.is_authenticated or user.company_id != company_id:
        return False
    if user.is_company_admin:
        return True
    return user.can_plan and privacy_settings_get(company_id=company_id).recruiters_may_erase


def needles_of(candidate: Candidate) -> list[str]:
    """The candidate's personal strings, longest first (so a full name goes in one piece)."""
    values = {
        f"{candidate.first_name} {candidate.last_name}".strip(),
        candidate.first_name,
        candidate.last_name,
        candidate.email,
        candidate.phone,
    }
    return sorted((v.strip() for v in values if v and len(v.strip()) >= 2), key=len, reverse=True)


def identifiers_of(candidate: Candidate) -> list[str]:
    """What identifies him in rows that are not his (a first name alone is anybody's)."""
    full = f"{candidate.first_name} {candidate.last_name}".strip()
    return [v for v in (full, candidate.email.strip(), candidate.phone.strip()) if len(v) >= 5]


def redact(value: Any, needles: list[str]) -> Any:
    """`value` (str, or lists/dicts of them) with every needle replaced (case-insensitive)."""
    if not needles:
        return value
    if isinstance(value, str):
        pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [redact(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: redact(item, needles) for key, item in value.items()}
    return value


def _emails_of(candidate: Candidate) -> QuerySet[CandidateEmail]:
    return CandidateEmail.objects.filter(
        Q(appointment__application__candidate=candidate)
        | Q(proposal__application__candidate=candidate)
    )


def _upcoming(candidate: Candidate, now: datetime) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        application__candidate=candidate, status=Appointment.Status.PLANNED, ends_at__gt=now
    )


def candidate_erase(
    *,
    candidate: Candidate,
    by: User | None,
    mode: str,
    reason: str = Erasure.Reason.REQUEST,
    cancel_upcoming: bool = False,
    now: datetime | None = None,
) -> Erasure:
    """Delete or anonymise the candidate; raises ErasureBlocked for upcoming appointments
    unless `cancel_upcoming` (then each is cancelled and the candidate gets his cancellation).

    `by` None is the retention job (it never cancels)."""
    now = now or timezone.now()
    if mode not in Erasure.Mode.values or reason not in Erasure.Reason.values:
        raise ValueError(f"unknown erasure mode/reason {mode!r}/{reason!r}")
    if by is not None and not erasure_permitted(user=by, company_id=candidate.company_id):
        raise PermissionDenied
    with transaction.atomic():
        current = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if current.erased_at is not None:
            raise ValidationError({NON_FIELD_ERRORS: [_("Der Bewerber ist bereits anonymisiert.")]})
        # His e-mail rows, locked before the mail store forgets him: the copy of a mail on
        # its way is either stored before (and deleted below) or finds the row erased (the
        # store checks under this lock, ebms.mail.backends).
        list(_emails_of(current).select_for_update(of=("self",)).values_list("pk", flat=True))
        upcoming = list(_upcoming(current, now).select_related("company", "recruiter"))
        if upcoming and (not cancel_upcoming or by is None):
            raise ErasureBlocked(
                {NON_FIELD_ERRORS: [_("Der Bewerber hat noch anstehende Termine.")]},
                code="upcoming",
            )
        for appointment in upcoming:
            assert by is not None  # refused above without a user who cancels
            appointment_cancel(
                appointment=appointment,
                by=by,
                reason=_("Der Termin findet leider nicht statt."),
            )
        _send_cancellations(upcoming)
        appointments = Appointment.objects.filter(application__candidate=current)
        erasure = Erasure.objects.create(
            company_id=current.company_id,
            candidate_ref=current.pk,
            by=by,
            at=now,
            reason=reason,
            mode=mode,
            applications=current.applications.count(),
            appointments=appointments.count(),
            appointments_cancelled=len(upcoming),
        )
        needles = needles_of(current)
        hooks.announce(
            "candidate_erased",
            candidate=current,
            erasure=erasure,
            needles=needles,
            identifiers=identifiers_of(current),
        )
        if mode == Erasure.Mode.DELETED:
            current.delete()
        else:
            _anonymise(current, needles, now)
    logger.info("candidate %s erased (%s, %s), erasure %s", erasure.candidate_ref, mode, reason,
                erasure.pk)  # fmt: skip
    return erasure


def _send_cancellations(upcoming: list[Appointment]) -> None:
    """Send the queued cancellations now: after the erasure there is no address to send to.

    The send claims the outbox row, so the on-commit task finds it sent and skips it. A mail
    that does not go out refuses the erasure (everything rolls back): the candidate must learn
    that his appointment is off.
    """
    rows = CandidateEmail.objects.filter(
        appointment__in=upcoming,
        kind=CandidateEmail.Kind.CANCELLATION,
        status=CandidateEmail.Status.PENDING,
    ).values_list("pk", flat=True)
    for email_id in list(rows):
        if emails.candidate_email_send(email_id) != "sent":
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "Die Absage an den Bewerber konnte nicht gesendet werden. Bitte "
                            "später erneut versuchen."
                        )
                    ]
                },
                code="cancellation_unsent",
            )


def _anonymise(candidate: Candidate, needles: list[str], now: datetime) -> None:
    Candidate.objects.filter(pk=candidate.pk).update(
        first_name=ANONYMOUS, last_name=f"#{candidate.pk}", email="", phone="", erased_at=now
    )
    for appointment in Appointment.objects.filter(application__candidate=candidate):
        Appointment.objects.filter(pk=appointment.pk).update(
            title=redact(appointment.title, needles),
            location=redact(appointment.location, needles),
            cancel_reason=redact(appointment.cancel_reason, needles),
            internal_description="",
            candidate_message="",
        )
    for change in AppointmentChange.objects.filter(appointment__application__candidate=candidate):
        changes = {
            field: [REDACTED, REDACTED] if field in EMPTIED else redact(values, needles)
            for field, values in change.changes.items()
        }
        AppointmentChange.objects.filter(pk=change.pk).update(changes=changes)
    for proposal in Proposal.objects.filter(application__candidate=candidate):
        fields = {
            "title": redact(proposal.title, needles),
            "location": redact(proposal.location, needles),
            "internal_description": "",
            "candidate_message": "",
            "token_nonce": "",  # the candidate's link dies
        }
        if proposal.status == Proposal.Status.OPEN:
            fields.update(status=Proposal.Status.WITHDRAWN, closed_at=now)
        Proposal.objects.filter(pk=proposal.pk).update(**fields)
    rows = _emails_of(candidate)
    rows.filter(status__in=[CandidateEmail.Status.PENDING, CandidateEmail.Status.WAITING]).update(
        status=CandidateEmail.Status.SUPERSEDED
    )
    rows.update(to="", last_error="")


def erasure_outlook_report(
    *, erasure_id: int, scrubbed: int, pending: int, failed: int, unreachable: int
) -> None:
    """The calendar module's counts of Outlook events for the erasure record."""
    Erasure.objects.filter(pk=erasure_id).update(
        outlook_scrubbed=scrubbed,
        outlook_pending=pending,
        outlook_failed=failed,
        outlook_unreachable=unreachable,
        outlook_updated_at=timezone.now(),
    )
