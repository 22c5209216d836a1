"""Celery tasks of the accounts app (thin: the work is in plain functions)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="ebms.accounts.tasks.submissions_forget")
def submissions_forget() -> int:
    """Beat (daily): forget one-time form submission keys older than a week."""
    from .submissions import submissions_forget as forget

    return forget()
