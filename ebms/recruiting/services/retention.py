"""Retention (issue 15): candidates whose applications are all closed for longer than the
company's retention period are anonymised by a daily job; the company admin sees who is next."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from ebms.accounts.models import Company

from ..models import Appointment, Candidate, Erasure
from .erasure import ErasureBlocked, candidate_erase
from .privacy import CLOSED, privacy_settings_get

logger = logging.getLogger(__name__)

__all__ = ["RetentionDue", "candidates_retention_due", "candidates_retention_run"]


@dataclass(frozen=True)
class RetentionDue:
    candidate: Candidate
    due_at: datetime
    # An upcoming appointment holds the anonymisation back (the job never cancels).
    held_back: bool


def months_shift(value: datetime, months: int) -> datetime:
    """`value` moved by whole calendar months (the 31st becomes the month's last day)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def candidates_retention_due(
    *, company: Company, now: datetime | None = None, horizon_days: int = 0
) -> list[RetentionDue]:
    """Candidates due by `now` + `horizon_days`, earliest first; [] when retention is off."""
    now = now or timezone.now()
    months = privacy_settings_get(company_id=company.pk).retention_months
    if not months:
        return []
    cutoff = months_shift(now + timedelta(days=horizon_days), -months)
    candidates = (
        Candidate.objects.filter(company=company, erased_at__isnull=True)
        .annotate(
            total=Count("applications", distinct=True),
            closed=Count(
                "applications",
                filter=Q(applications__status__in=CLOSED, applications__closed_at__isnull=False),
                distinct=True,
            ),
            last_closed=Max("applications__closed_at"),
        )
        .filter(total__gt=0, closed=F("total"), last_closed__lte=cutoff)
        .order_by("last_closed", "pk")
    )
    busy = set(
        Appointment.objects.filter(
            company=company, status=Appointment.Status.PLANNED, ends_at__gt=now
        ).values_list("application__candidate_id", flat=True)
    )
    return [
        RetentionDue(
            candidate=candidate,
            due_at=months_shift(candidate.last_closed, months),
            held_back=candidate.pk in busy,
        )
        for candidate in candidates
    ]


def candidates_retention_run(*, now: datetime | None = None) -> int:
    """The daily job: anonymise every due candidate of every company; returns the count."""
    now = now or timezone.now()
    count = 0
    for company in Company.objects.all():
        for due in candidates_retention_due(company=company, now=now):
            if due.held_back:
                continue
            try:
                candidate_erase(
                    candidate=due.candidate,
                    by=None,
                    mode=Erasure.Mode.ANONYMISED,
                    reason=Erasure.Reason.RETENTION,
                    now=now,
                )
            except ErasureBlocked:
                continue  # an appointment was planned meanwhile
            count += 1
    logger.info("retention: %s candidates anonymised", count)
    return count
