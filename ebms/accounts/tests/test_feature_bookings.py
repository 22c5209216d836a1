"""Premium feature bookings: trial, paid booking, early end, the one 'is it active' answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ebms.accounts.models import BookingChange, FeatureBooking
from ebms.accounts.services import (
    booking_activate,
    booking_end,
    booking_start_trial,
    feature_active,
    feature_status,
)


def test_a_company_without_booking_has_no_feature(muster):
    assert feature_active(company=muster) is False
    assert feature_status(company=muster) is None


def test_no_company_has_no_feature():
    assert feature_active(company=None) is False


def test_the_trial_lasts_seven_days(muster, clara):
    booking = booking_start_trial(company=muster, by=clara)
    start = booking.starts_at
    assert feature_active(company=muster, at=start)
    assert feature_active(company=muster, at=start + timedelta(days=6, hours=23))
    assert not feature_active(company=muster, at=start + timedelta(days=7))
    assert not feature_active(company=muster, at=start - timedelta(seconds=1))


def test_the_trial_status_counts_days_left(muster, clara):
    booking = booking_start_trial(company=muster, by=clara)
    status = feature_status(company=muster, at=booking.starts_at + timedelta(hours=1))
    assert status.active and status.trial and status.days_left == 7
    status = feature_status(company=muster, at=booking.starts_at + timedelta(days=6, hours=1))
    assert status.days_left == 1


def test_a_company_gets_one_trial_only(muster, clara):
    booking = booking_start_trial(company=muster, by=clara)
    booking_end(booking=booking, by=clara)
    with pytest.raises(ValidationError):
        booking_start_trial(company=muster, by=clara)
    assert muster.bookings.count() == 1


def test_a_paid_booking_runs_from_start_to_end(muster, clara):
    now = timezone.now()
    booking_activate(
        company=muster,
        by=clara,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=31),
    )
    assert not feature_active(company=muster, at=now)
    assert feature_active(company=muster, at=now + timedelta(days=2))
    assert not feature_active(company=muster, at=now + timedelta(days=31))


def test_a_paid_booking_needs_its_end_after_its_start(muster, clara):
    now = timezone.now()
    with pytest.raises(ValidationError):
        booking_activate(company=muster, by=clara, starts_at=now, ends_at=now)
    assert not muster.bookings.exists()


def test_an_open_ended_booking_stays_active_until_ended(muster, clara):
    booking = booking_activate(company=muster, by=clara)
    assert feature_active(company=muster, at=timezone.now() + timedelta(days=3650))
    booking_end(booking=booking, by=clara, note="gekündigt")
    assert not feature_active(company=muster)
    status = feature_status(company=muster)
    assert status.active is False and status.ended_at == booking.ended_at


def test_every_change_records_who_and_when(muster, clara):
    booking = booking_start_trial(company=muster, by=clara)
    booking_end(booking=booking, by=clara)
    actions = list(booking.changes.order_by("at").values_list("action", "by__email"))
    assert actions == [
        (BookingChange.Action.TRIAL_STARTED, clara.email),
        (BookingChange.Action.ENDED, clara.email),
    ]
    booking.refresh_from_db()
    assert booking.ended_by == clara and booking.ended_at is not None


def test_ending_an_ended_booking_is_refused(muster, clara):
    booking = booking_start_trial(company=muster, by=clara)
    booking_end(booking=booking, by=clara)
    with pytest.raises(ValidationError):
        booking_end(booking=booking, by=clara)
    assert FeatureBooking.objects.get().changes.count() == 2


def test_the_database_refuses_a_second_trial_even_past_the_service_check(muster, clara):
    from django.db import IntegrityError, transaction

    booking_start_trial(company=muster, by=clara)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeatureBooking.objects.create(
            company=muster, kind=FeatureBooking.Kind.TRIAL, ends_at=timezone.now()
        )
