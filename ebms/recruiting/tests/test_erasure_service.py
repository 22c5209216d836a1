"""GDPR erasure in recruiting (issue 15): who may erase, and the candidate's cancellation must
go out before his address goes (else nothing happens)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from ebms.recruiting.models import Appointment, Candidate, CandidateEmail, Erasure, PrivacySettings
from ebms.recruiting.services import candidate_erase
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests.test_emails import BROKEN


def _invited(company, alice, django_capture_on_commit_callbacks):
    application = f.application(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = f.appointment(application=application, by=alice)
    assert appointment.emails.get().status == CandidateEmail.Status.SENT
    return application, appointment


def test_an_unsent_cancellation_refuses_the_erasure(
    company, alice, carol, django_capture_on_commit_callbacks
):
    application, appointment = _invited(company, alice, django_capture_on_commit_callbacks)

    with override_settings(EMAIL_BACKEND=BROKEN), pytest.raises(ValidationError) as refused:
        candidate_erase(
            candidate=application.candidate, by=carol, mode=Erasure.Mode.DELETED,
            cancel_upcoming=True,
        )  # fmt: skip

    assert "Absage" in str(refused.value)
    appointment.refresh_from_db()
    assert not appointment.is_cancelled
    assert Candidate.objects.get().email == "dana@bewerber.example"
    assert not Erasure.objects.exists()


def test_recruiters_need_the_companys_permission(company, alice, bob):
    application = f.application(company=company)

    for user in (alice, bob):
        with pytest.raises(PermissionDenied):
            candidate_erase(candidate=application.candidate, by=user, mode="anonymised")
    PrivacySettings.objects.create(company=company, recruiters_may_erase=True)
    with pytest.raises(PermissionDenied):
        candidate_erase(candidate=application.candidate, by=bob, mode="anonymised")  # observer
    erasure = candidate_erase(candidate=application.candidate, by=alice, mode="anonymised")

    assert erasure.by == alice
    assert not Appointment.objects.exists()


def test_another_companys_admin_cannot_erase(company):
    application = f.application(company=company)
    stranger = f.carol(company=f.company(name="Fremd AG"))

    with pytest.raises(PermissionDenied):
        candidate_erase(candidate=application.candidate, by=stranger, mode="deleted")
    assert Candidate.objects.filter(erased_at=None).count() == 1
