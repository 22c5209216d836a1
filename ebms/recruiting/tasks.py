"""Celery tasks: thin wrappers taking ids; retries live in the database (next_attempt_at)."""

from __future__ import annotations

from celery import shared_task

from . import emails
from .services import proposals_expire as expire


@shared_task(name="ebms.recruiting.tasks.candidate_email_send")
def candidate_email_send(email_id: int) -> str:
    """Send one candidate e-mail at most once (the row is claimed by a conditional UPDATE)."""
    return emails.candidate_email_send(email_id)


@shared_task(name="ebms.recruiting.tasks.candidate_mails_sweep")
def candidate_mails_sweep() -> int:
    """Beat: re-enqueue due candidate e-mails (lost messages, failed attempts)."""
    ids = emails.candidate_emails_due()
    for email_id in ids:
        candidate_email_send.delay(email_id)
    return len(ids)


@shared_task(name="ebms.recruiting.tasks.proposals_expire")
def proposals_expire() -> int:
    """Beat: close open proposals whose candidate link expired."""
    return expire()


@shared_task(name="ebms.recruiting.tasks.candidates_retention")
def candidates_retention() -> int:
    """Beat (daily): anonymise candidates whose applications are closed beyond retention."""
    from .services.retention import candidates_retention_run

    return candidates_retention_run()
