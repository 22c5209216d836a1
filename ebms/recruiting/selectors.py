"""Company-scoped reads for the recruiting pages.

Every queryset here starts from the company, so a view that looks an object up through
them answers 404 for another company's id. Related rows a page shows are fetched with
select_related/prefetch_related so a list costs the same number of queries at any length.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ebms.accounts.models import Company, Role, User

from . import hooks
from .models import (
    Application,
    Appointment,
    AppointmentChange,
    Candidate,
    CandidateEmail,
    Position,
    Proposal,
    ProposalSlot,
)


def company_users_active(*, company: Company, including: list[int] = ()) -> QuerySet[User]:
    """Active users of the company (who may be chosen as observer), plus `including` ids
    of the same company even when deactivated."""
    return company.users.filter(Q(is_active=True) | Q(pk__in=list(including))).order_by(
        "last_name", "first_name", "email"
    )


def company_planners(*, company: Company) -> QuerySet[User]:
    """Active recruiters and company admins: who may organise an appointment."""
    return company_users_active(company=company).filter(
        role__in=[Role.RECRUITER, Role.COMPANY_ADMIN]
    )


def candidates_for(*, company: Company, query: str = "") -> QuerySet[Candidate]:
    """The company's candidates, optionally filtered by name or e-mail (case-insensitive)."""
    qs = Candidate.objects.filter(company=company)
    for word in query.split():
        qs = qs.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return qs.order_by("last_name", "first_name")


def open_positions_for(*, candidate: Candidate) -> QuerySet[Position]:
    """Open positions of the candidate's company he has not applied for yet."""
    return (
        Position.objects.filter(company_id=candidate.company_id, is_open=True)
        .exclude(applications__candidate=candidate)
        .order_by("title")
    )


def applications_for(*, company: Company) -> QuerySet[Application]:
    return Application.objects.filter(company=company).select_related("candidate", "position")


def _appointment_base(*, company: Company) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(company=company)
        .select_related("application__candidate", "application__position", "recruiter")
        .prefetch_related(
            Prefetch("observers", queryset=User.objects.order_by("last_name", "first_name"))
        )
    )


def appointments_for(*, company: Company) -> QuerySet[Appointment]:
    """Appointments of the company with what lists and detail pages show."""
    return _appointment_base(company=company)


def appointment_detail(*, company: Company, pk: int) -> QuerySet[Appointment]:
    """The one appointment (as a queryset for get_object_or_404) with history and e-mails."""
    return (
        _appointment_base(company=company)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=AppointmentChange.objects.select_related("by").order_by("-at", "-id"),
            ),
            _newest_emails(),
        )
    )


def _newest_emails() -> Prefetch:
    return Prefetch("emails", queryset=CandidateEmail.objects.order_by("-created_at", "-id"))


def appointment_list(
    *,
    company: Company,
    user: User,
    past: bool = False,
    mine: bool = False,
    now: datetime | None = None,
) -> QuerySet[Appointment]:
    """Upcoming (or past) appointments of the company; `mine`: organised or observed by user."""
    now = now or timezone.now()
    qs = appointments_for(company=company).prefetch_related(_newest_emails())
    if mine:
        qs = qs.filter(Q(recruiter=user) | Q(observers=user)).distinct()
    if past:
        return qs.filter(ends_at__lt=now).order_by("-starts_at")
    return qs.filter(ends_at__gte=now).order_by("starts_at")


def dashboard_appointments(*, user: User, limit: int = 10) -> list[Appointment]:
    """The user's next planned appointments (as organiser or observer)."""
    qs = appointment_list(company=user.company, user=user, mine=True).filter(
        status=Appointment.Status.PLANNED
    )
    return with_states(qs[:limit])


def proposals_for(*, company: Company) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(company=company)
        .select_related("application__candidate", "application__position", "recruiter")
        .prefetch_related(
            Prefetch("slots", queryset=ProposalSlot.objects.order_by("starts_at")),
            Prefetch("observers", queryset=User.objects.order_by("last_name", "first_name")),
        )
    )


def open_proposals(*, company: Company, user: User | None = None) -> QuerySet[Proposal]:
    """Proposals still waiting for the candidate; with `user`, only his own or observed."""
    qs = proposals_for(company=company).filter(status=Proposal.Status.OPEN)
    if user is not None:
        qs = qs.filter(Q(recruiter=user) | Q(observers=user)).distinct()
    return qs.order_by("-created_at")


def application_page(*, application: Application) -> dict:
    """What the application page lists: its appointments (newest first) and proposals."""
    company = application.company
    appointments = (
        appointments_for(company=company)
        .filter(application=application)
        .prefetch_related(_newest_emails())
        .order_by("-starts_at")
    )
    proposals = proposals_for(company=company).filter(application=application)
    return {"appointments": with_states(appointments), "proposals": list(proposals)}


def candidate_email_status(appointment: Appointment) -> CandidateEmail | None:
    """The newest candidate e-mail of the appointment (uses the prefetched `emails`)."""
    emails = list(appointment.emails.all())
    return emails[0] if emails else None


def proposal_email_status(proposal: Proposal) -> CandidateEmail | None:
    """The newest e-mail about the proposal (the link, or its withdrawal)."""
    return proposal.emails.order_by("-created_at", "-id").first()


def with_states(appointments: Iterable[Appointment]) -> list[Appointment]:
    """The appointments with `sync_state` (a hooks.SyncState or None, one query for all) and
    `candidate_email` (the newest candidate e-mail; needs the prefetched `emails`)."""
    items = list(appointments)
    states = hooks.sync_states(a.pk for a in items)
    for appointment in items:
        appointment.sync_state = states.get(appointment.pk)
        appointment.candidate_email = candidate_email_status(appointment)
    return items


def problem_count(appointments: Iterable[Appointment]) -> int:
    """Appointments (from `with_states`) whose calendar sync or candidate e-mail failed."""
    return sum(
        1
        for a in appointments
        if (a.sync_state is not None and a.sync_state.is_problem)
        or (
            a.candidate_email is not None
            and a.candidate_email.status == CandidateEmail.Status.FAILED
        )
    )
