"""One-time form submission keys: kept a week, then forgotten by the daily task."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ebms.accounts.models import FormSubmission
from ebms.accounts.tasks import submissions_forget
from ebms.recruiting.tests import factories as f


def test_keys_older_than_a_week_are_forgotten(db):
    company = f.company()
    old = FormSubmission.objects.create(company=company, key="o" * 32, action="a")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = FormSubmission.objects.create(company=company, key="f" * 32, action="a")

    assert submissions_forget() == 1
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [fresh.pk]
