"""Premium feature bookings: the one answer to "does company X have feature F at time T"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BookingChange, Company, Feature, FeatureBooking, User


def _active_bookings(company: Company, feature: str, at: datetime):
    return [
        b for b in company.bookings.filter(feature=feature, starts_at__lte=at) if b.is_active_at(at)
    ]


def bookings_active(
    *, feature: str = Feature.CALENDAR_O365, at: datetime | None = None
) -> QuerySet[FeatureBooking]:
    """The bookings of `feature` running at `at`, as a query (FeatureBooking.is_active_at),
    for jobs that ask it of many companies at once."""
    at = at or timezone.now()
    return FeatureBooking.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at),
        Q(ended_at__isnull=True) | Q(ended_at__gt=at),
        feature=feature,
        starts_at__lte=at,
    )


def feature_active(
    *, company: Company | None, feature: str = Feature.CALENDAR_O365, at: datetime | None = None
) -> bool:
    """True when the company has a running trial or paid booking of `feature` at `at`."""
    if company is None:
        return False
    return bool(_active_bookings(company, feature, at or timezone.now()))


@dataclass(frozen=True)
class FeatureStatus:
    """What the dashboard says about a feature: active (trial days left) or ended."""

    active: bool
    trial: bool = False
    days_left: int | None = None
    ends_at: datetime | None = None
    ended_at: datetime | None = None
    was_trial: bool = False  # ended, and it was only the 7-day trial


def feature_status(
    *, company: Company, feature: str = Feature.CALENDAR_O365, at: datetime | None = None
) -> FeatureStatus | None:
    """None when the feature was never booked; else whether and how it is active."""
    at = at or timezone.now()
    active = _active_bookings(company, feature, at)
    if active:
        paid = [b for b in active if b.kind == FeatureBooking.Kind.PAID]
        booking = paid[0] if paid else active[0]
        end = booking.effective_end
        days_left = None
        if booking.kind == FeatureBooking.Kind.TRIAL and end:
            days_left = max(1, -(-int((end - at).total_seconds()) // 86400))
        return FeatureStatus(
            active=True,
            trial=booking.kind == FeatureBooking.Kind.TRIAL,
            days_left=days_left,
            ends_at=end,
        )
    past = list(company.bookings.filter(feature=feature, starts_at__lte=at))
    if not past:
        return None
    return FeatureStatus(
        active=False,
        ended_at=max(b.effective_end for b in past),
        was_trial=all(b.kind == FeatureBooking.Kind.TRIAL for b in past),
    )


def trial_used(*, company: Company, feature: str = Feature.CALENDAR_O365) -> bool:
    """True when the company had (or has) its one 7-day trial."""
    return company.bookings.filter(feature=feature, kind=FeatureBooking.Kind.TRIAL).exists()


@transaction.atomic
def booking_start_trial(*, company: Company, by: User, feature: str = Feature.CALENDAR_O365):
    """Start the 7-day trial; each company gets one."""
    if trial_used(company=company, feature=feature):
        raise ValidationError(
            _("%(company)s hatte bereits eine 7-Tage-Demo.") % {"company": company}
        )
    if feature_active(company=company, feature=feature):
        raise ValidationError(_("%(company)s hat das Feature bereits.") % {"company": company})
    now = timezone.now()
    try:
        with transaction.atomic():
            booking = FeatureBooking.objects.create(
                company=company,
                feature=feature,
                kind=FeatureBooking.Kind.TRIAL,
                starts_at=now,
                ends_at=FeatureBooking.trial_end(now),
                created_by=by,
            )
    except IntegrityError:  # another manager started it a moment ago
        raise ValidationError(
            _("%(company)s hatte bereits eine 7-Tage-Demo.") % {"company": company}
        ) from None
    BookingChange.objects.create(booking=booking, action=BookingChange.Action.TRIAL_STARTED, by=by)
    return booking


@transaction.atomic
def booking_activate(
    *,
    company: Company,
    by: User,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    feature: str = Feature.CALENDAR_O365,
):
    """Book the feature (paid) from `starts_at` (now) until `ends_at` (open-ended)."""
    starts_at = starts_at or timezone.now()
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(_("Das Ende muss nach dem Beginn liegen."))
    booking = FeatureBooking.objects.create(
        company=company,
        feature=feature,
        kind=FeatureBooking.Kind.PAID,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=by,
    )
    BookingChange.objects.create(booking=booking, action=BookingChange.Action.ACTIVATED, by=by)
    return booking


@transaction.atomic
def booking_end(*, booking: FeatureBooking, by: User, note: str = "") -> FeatureBooking:
    """End a running trial or booking now (community manager)."""
    now = timezone.now()
    if not booking.is_active_at(now):
        raise ValidationError(_("Diese Buchung ist nicht aktiv."))
    booking.ended_at = now
    booking.ended_by = by
    booking.save(update_fields=["ended_at", "ended_by"])
    BookingChange.objects.create(
        booking=booking, action=BookingChange.Action.ENDED, by=by, note=note[:300]
    )
    return booking
