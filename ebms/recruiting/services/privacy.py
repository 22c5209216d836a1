"""Privacy settings of a company (issue 15) and closing applications (the retention clock)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ebms.accounts.models import User

from .. import hooks
from ..models import Application, PrivacySettings
from .validation import check_planner

CLOSED = (Application.Status.HIRED, Application.Status.REJECTED)
FIELDS = ("outlook_candidate_data", "retention_months", "recruiters_may_erase")

__all__ = ["application_status_set", "privacy_settings_get", "privacy_settings_set"]


def privacy_settings_get(*, company_id: int) -> PrivacySettings:
    """The company's settings (the defaults, unsaved, until an admin saves them)."""
    row = PrivacySettings.objects.filter(company_id=company_id).first()
    return row or PrivacySettings(company_id=company_id)


def privacy_settings_set(
    *, company_id: int, by: User, include_past: bool = False, **values: Any
) -> PrivacySettings:
    """Company admins only; announces what changed (the calendar module updates upcoming
    Outlook events when the candidate data setting changes, past ones too if asked)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"privacy_settings_set() got unexpected fields {sorted(unknown)}")
    if not by.is_company_admin or by.company_id != company_id:
        raise PermissionDenied
    with transaction.atomic():
        row, _created = PrivacySettings.objects.select_for_update().get_or_create(
            company_id=company_id
        )
        changed = {field for field, value in values.items() if getattr(row, field) != value}
        if not changed:
            return row
        for field in changed:
            setattr(row, field, values[field])
        row.save()
        hooks.announce(
            "privacy_settings_changed",
            company=row.company,
            changed=changed,
            include_past=include_past,
        )
    return row


def application_status_set(*, application: Application, by: User, status: str) -> Application:
    """Set the status; hired/rejected closes the application (the retention period starts)."""
    check_planner(by=by, company=application.company_id)
    if status not in Application.Status.values:
        raise ValueError(f"unknown application status {status!r}")
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status == status:
            return current
        current.status = status
        if status in CLOSED:
            current.closed_at = current.closed_at or timezone.now()
        else:
            current.closed_at = None
        current.save(update_fields=["status", "closed_at"])
    return current
