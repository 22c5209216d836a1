"""GDPR retention (issue 15): hired/rejected closes an application; the daily job anonymises
exactly the candidates whose applications are all closed for longer than the company's period
(default 6 months, 0 = off), never one with an upcoming appointment."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from ebms.recruiting.models import Application, Candidate, Erasure
from ebms.recruiting.services import application_status_set, privacy_settings_set
from ebms.recruiting.services.retention import (
    candidates_retention_due,
    candidates_retention_run,
)
from ebms.recruiting.tests import factories as f


def _closed(company, alice, *, status="rejected", first_name="Dana"):
    application = f.application(company=company, first_name=first_name)
    return application_status_set(application=application, by=alice, status=status)


def test_hired_or_rejected_closes_and_reopening_clears_the_date(company, alice):
    application = _closed(company, alice, status="hired")
    assert application.closed_at is not None

    reopened = application_status_set(application=application, by=alice, status="interview")

    assert reopened.closed_at is None


def test_the_job_anonymises_exactly_the_due_candidates(company, alice, carol):
    due = _closed(company, alice, first_name="Fällig")
    later = _closed(company, alice, first_name="Später")
    Application.objects.filter(pk=later.pk).update(closed_at=timezone.now() + timedelta(days=40))
    still_open = f.application(company=company, first_name="Offen")
    half = f.application(company=company, first_name="Halb")  # one closed, one open application
    application_status_set(
        application=f.application(company=company, candidate=half.candidate), by=alice,
        status="rejected",
    )  # fmt: skip
    now = timezone.now() + relativedelta(months=6, days=1)

    assert [d.candidate.first_name for d in candidates_retention_due(company=company, now=now)] == [
        "Fällig"
    ]
    assert candidates_retention_run(now=now) == 1

    names = set(Candidate.objects.values_list("first_name", flat=True))
    assert names == {"Anonymisiert", "Später", "Offen", "Halb"}
    erasure = Erasure.objects.get()
    assert (erasure.candidate_ref, erasure.reason, erasure.mode, erasure.by) == (
        due.candidate_id, Erasure.Reason.RETENTION, Erasure.Mode.ANONYMISED, None,
    )  # fmt: skip
    assert Application.objects.filter(pk=due.pk, status="rejected").exists()  # statistics stay
    assert still_open.candidate.erased_at is None
    assert candidates_retention_run(now=now) == 0  # nothing is due twice


def test_an_upcoming_appointment_holds_the_candidate_back(company, alice):
    application = _closed(company, alice)
    f.appointment(application=application, by=alice, starts_at=f.future(days=200))
    now = timezone.now() + relativedelta(months=6, days=1)

    (due,) = candidates_retention_due(company=company, now=now)

    assert due.held_back
    assert candidates_retention_run(now=now) == 0
    assert not Candidate.objects.filter(erased_at__isnull=False).exists()


def test_zero_months_switches_retention_off(company, alice, carol):
    _closed(company, alice)
    privacy_settings_set(company_id=company.pk, by=carol, retention_months=0)

    assert candidates_retention_run(now=timezone.now() + relativedelta(years=5)) == 0
    assert not Erasure.objects.exists()
