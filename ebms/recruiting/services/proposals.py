"""Proposal services (Terminvorschläge): send, withdraw, the candidate's pick, expiry."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import User

from .. import emails, hooks
from ..links import ProposalLinkError
from ..models import (
    MEETING_FIELDS,
    Application,
    Appointment,
    AppointmentKind,
    CandidateEmail,
    Proposal,
    ProposalSlot,
)
from .appointments import _clean, _join_info_waits, _observers
from .history import record
from .validation import check_planner, validate_proposal

Kind = CandidateEmail.Kind


def proposal_create(
    *,
    by: User,
    application: Application,
    recruiter: User,
    observers: Iterable[User],
    kind: str,
    slots: list[tuple[datetime, datetime]],
    location: str = "",
    room_email: str = "",
    room_name: str = "",
    title: str,
    internal_description: str = "",
    candidate_message: str = "",
    meeting_link: str = "",
) -> Proposal:
    """Offer 2-5 slots; the candidate gets an e-mail with a signed single-use link."""
    check_planner(by=by, company=application.company_id)
    observers = _observers(observers, recruiter)
    slots = [(start, end) for start, end in slots]  # errors name the slots in given order
    values = _clean({
        "kind": kind, "location": location, "room_email": room_email, "room_name": room_name,
        "title": title, "internal_description": internal_description,
        "candidate_message": candidate_message, "meeting_link": meeting_link,
    })  # fmt: skip
    if kind != AppointmentKind.ON_SITE:
        values["location"] = ""
    validate_proposal(
        company=application.company,
        application=application,
        recruiter=recruiter,
        observers=observers,
        slots=slots,
        **values,
    )
    now = timezone.now()
    link_end = now + timedelta(days=settings.PROPOSAL_LINK_MAX_AGE_DAYS)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            company=application.company,
            application=application,
            recruiter=recruiter,
            created_by=by,
            token_nonce=secrets.token_urlsafe(32),
            # The link dies with its last slot: nothing is left to pick afterwards.
            expires_at=min(link_end, max(start for start, _end in slots)),
            **values,
        )
        proposal.observers.set(observers)
        ProposalSlot.objects.bulk_create(
            ProposalSlot(proposal=proposal, starts_at=start, ends_at=end)
            for start, end in sorted(slots)
        )
        hooks.announce("proposal_sent", proposal=proposal)
        emails.candidate_email_queue(kind=Kind.PROPOSAL, proposal=proposal)
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("company", "application__candidate", "recruiter")
        .get(pk=proposal.pk)
    )


def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    """Withdraw an open proposal: its link answers "withdrawn", the candidate is told."""
    check_planner(by=by, company=proposal.company_id)
    with transaction.atomic():
        current = _locked(proposal)
        if current.status != Proposal.Status.OPEN:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Nur offene Terminvorschläge können zurückgezogen werden.")]}
            )
        current.status = Proposal.Status.WITHDRAWN
        current.token_nonce = ""
        current.closed_at = timezone.now()
        current.save(update_fields=["status", "token_nonce", "closed_at"])
        emails.candidate_email_queue(kind=Kind.PROPOSAL_WITHDRAWN, proposal=current)
        hooks.announce("proposal_withdrawn", proposal=current)
    return current


def _closed_reason(proposal: Proposal) -> str | None:
    if proposal.status == Proposal.Status.PICKED:
        return "used"
    if proposal.status == Proposal.Status.WITHDRAWN:
        return "withdrawn"
    if proposal.status == Proposal.Status.EXPIRED or proposal.expires_at <= timezone.now():
        return "expired"
    return None


def proposal_pick(*, proposal: Proposal, slot: ProposalSlot) -> Appointment:
    """The candidate's choice: confirm one slot as an appointment, release the others.

    Raises ProposalLinkError when the proposal is no longer open (two concurrent picks
    create one appointment: the proposal row is locked and claimed conditionally) and
    ValidationError {"slot": ...} for a slot of another proposal or in the past.
    """
    with transaction.atomic():
        current = _locked(proposal)
        reason = _closed_reason(current)
        if reason:
            raise ProposalLinkError(reason, current)
        chosen = current.slots.filter(pk=slot.pk).first()
        if chosen is None:
            raise ValidationError({"slot": [_("Dieser Termin gehört nicht zu den Vorschlägen.")]})
        now = timezone.now()
        if chosen.starts_at <= now:
            raise ValidationError(
                {"slot": [_("Dieser Termin liegt bereits in der Vergangenheit.")]}
            )
        claimed = Proposal.objects.filter(pk=current.pk, status=Proposal.Status.OPEN).update(
            status=Proposal.Status.PICKED, picked_slot=chosen, token_nonce="", closed_at=now
        )
        if not claimed:
            raise ProposalLinkError("used", current)
        current.refresh_from_db()
        appointment = Appointment.objects.create(
            company=current.company,
            application=current.application,
            recruiter=current.recruiter,
            starts_at=chosen.starts_at,
            ends_at=chosen.ends_at,
            **{name: getattr(current, name) for name in MEETING_FIELDS},
            proposal=current,
            created_by=current.created_by,
        )
        observers = [user for user in current.observers.all() if user.is_active]
        appointment.observers.set(observers)
        record(
            appointment,
            by=None,
            action="picked",
            old={},
            new={
                "starts_at": chosen.starts_at,
                "ends_at": chosen.ends_at,
                "kind": current.kind,
                "title": current.title,
                "recruiter": current.recruiter,
                "observers": observers,
            },
        )
        hooks.announce("proposal_picked", proposal=current, appointment=appointment)
        emails.candidate_email_queue(
            kind=Kind.INVITATION, appointment=appointment, waiting=_join_info_waits(appointment)
        )
    return appointment


def proposals_expire() -> int:
    """Close open proposals whose link expired (announced as withdrawn); returns the count."""
    count = 0
    due = Proposal.objects.filter(status=Proposal.Status.OPEN, expires_at__lte=timezone.now())
    for proposal_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            current = _locked(Proposal(pk=proposal_id))
            if current.status != Proposal.Status.OPEN or current.expires_at > timezone.now():
                continue  # picked or withdrawn meanwhile
            current.status = Proposal.Status.EXPIRED
            current.token_nonce = ""
            current.closed_at = timezone.now()
            current.save(update_fields=["status", "token_nonce", "closed_at"])
            hooks.announce("proposal_withdrawn", proposal=current)
            count += 1
    return count
