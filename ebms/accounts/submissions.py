"""One-time submission keys: a form sent twice creates one thing.

The form carries a random key generated when it is rendered (hidden field). The first
submit inserts the key (unique in the database) in the same transaction as its change;
a repeated submit, sequential or parallel, finds the key and gets the first result back.
A failed submit rolls its key back, so the corrected form can be sent again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Company, FormSubmission

KEY_FIELD = "submission_key"
# A form repeated after this long is a new submission; older keys are deleted daily.
KEEP = timedelta(days=7)
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def submission_key_new() -> str:
    return secrets.token_urlsafe(24)


class SubmissionKeyMixin(forms.Form):
    """Adds the hidden one-time key; a fresh one whenever the form is rendered unbound."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[KEY_FIELD] = submission_key_new()

    def clean_submission_key(self) -> str:
        key = self.cleaned_data.get(KEY_FIELD, "")
        if key and not _KEY_RE.match(key):
            raise forms.ValidationError(
                _("Das Formular ist ungültig. Bitte laden Sie die Seite neu."), code="bad_key"
            )
        return key


@dataclass(frozen=True)
class Outcome:
    result: Any  # what the action returned, or the id stored by the first submit
    repeated: bool  # True: this submit was a repetition, nothing was done


def submission_seen(*, company: Company, key: str, action: str) -> Outcome | None:
    """The first submit's outcome if `key` was used already (checked before validating:
    a repeated form may no longer validate, e.g. the application it created now exists)."""
    if not key or not _KEY_RE.match(key):
        return None
    first = FormSubmission.objects.filter(key=key).first()
    if first is None:
        return None
    if first.company_id != company.pk or first.action != action:
        return Outcome(None, repeated=True)
    return Outcome(first.result_id, repeated=True)


def submission_once(
    *, company: Company, key: str, action: str, run: Callable[[], models.Model | None]
) -> Outcome:
    """Run `run()` once per key; a repetition returns Outcome(first result id, repeated=True).

    Without a key (an old page, a script) `run()` simply runs.
    """
    if not key:
        return Outcome(run(), repeated=False)
    try:
        with transaction.atomic():
            # Parallel submits: the second INSERT waits for the first transaction and then
            # fails on the unique key, so at most one of them runs `run()`.
            submission = FormSubmission.objects.create(company=company, key=key, action=action)
            result = run()
            submission.result_id = getattr(result, "pk", None)
            submission.save(update_fields=["result_id"])
            return Outcome(result, repeated=False)
    except IntegrityError:
        seen = submission_seen(company=company, key=key, action=action)
        if seen is None:  # another constraint of run() failed, not the key's
            raise
        return seen


def submissions_forget() -> int:
    """Delete keys older than KEEP (beat, daily); returns how many."""
    deleted, _ = FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
