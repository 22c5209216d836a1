"""What Outlook learns about the candidate (issue 15): the company's "Bewerberdaten in Outlook"
setting, applied to new events and, when it changes, to the upcoming ones (one PATCH each
through the outbox; past events keep what they had); the erasure listener is in scrub.py."""

from __future__ import annotations

from django.utils import timezone

from ebms.recruiting.models import Appointment, Candidate, Proposal
from ebms.recruiting.privacy import OutlookCandidateData
from ebms.recruiting.services import privacy_settings_get

from .models import CalendarEvent
from .outbox import enqueue_event, enqueue_holds, record_bump

__all__ = ["candidate_label", "upcoming_records_refresh"]


def candidate_label(candidate: Candidate, *, company_id: int) -> str:
    """The candidate as Outlook may show him: full name, initials, or '' (none)."""
    choice = privacy_settings_get(company_id=company_id).outlook_candidate_data
    if candidate.erased_at is not None or choice == OutlookCandidateData.NONE:
        return ""
    if choice == OutlookCandidateData.INITIALS:
        return " ".join(f"{part[0]}." for part in (candidate.first_name, candidate.last_name)
                        if part)  # fmt: skip
    return str(candidate)


def upcoming_records_refresh(*, company_id: int, include_past: bool = False) -> int:
    """Bump the records of upcoming, planned appointments (the engine PATCHes what differs)
    and the holds of open proposals (one $batch of PATCHes per proposal)."""
    records = CalendarEvent.objects.filter(
        company_id=company_id,
        kind=CalendarEvent.Kind.APPOINTMENT,
        erasure__isnull=True,
        removed=False,
        appointment__status=Appointment.Status.PLANNED,
    )
    if not include_past:
        records = records.filter(appointment__ends_at__gt=timezone.now())
    ids = list(records.values_list("pk", flat=True))
    record_bump(CalendarEvent.objects.filter(pk__in=ids))
    for record_id in ids:
        enqueue_event(record_id)
    holds = CalendarEvent.objects.filter(
        company_id=company_id,
        kind=CalendarEvent.Kind.HOLD,
        erasure__isnull=True,
        wanted=True,
        removed=False,
        proposal__status=Proposal.Status.OPEN,
        slot__starts_at__gt=timezone.now(),
    ).exclude(graph_id="")
    hold_ids = list(holds.values_list("pk", "proposal_id"))
    record_bump(CalendarEvent.objects.filter(pk__in=[pk for pk, _proposal in hold_ids]))
    for proposal_id in {proposal for _pk, proposal in hold_ids}:
        enqueue_holds(proposal_id)
    return len(ids) + len(hold_ids)
