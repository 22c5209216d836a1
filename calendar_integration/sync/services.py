"""Sync services for views, tasks and the wiring: the sweep, "Erneut versuchen", "Problem
melden", the Teams join-info provider, and the settings write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User
from ebms.recruiting.models import Appointment

from ..connection.selectors import connection_unusable
from ..microsoft.mailbox import mailbox_paused_until
from ..models import MicrosoftConnection
from .calls import paused_fields
from .followup import followups_sweep
from .models import CalendarEvent, CompanySyncSettings, ProblemReport, SyncStatus
from .outbox import enqueue_event, enqueue_holds, record_bump, send_event, send_holds
from .payloads import teams_wanted

HISTORY_IN_REPORT = 50

__all__ = [
    "parked_resume",
    "problem_report_create",
    "provides_join_info",
    "record_retry",
    "sync_settings_set",
    "sync_sweep",
]


def provides_join_info(appointment: Appointment) -> bool:
    """hooks.provide_join_info: the sync will deliver Teams join information (so the
    candidate's invitation waits for it)."""
    if not teams_wanted(appointment):
        return False  # not online, or the recruiter's typed link is the join information
    connection = (
        MicrosoftConnection.objects.select_related("company")
        .filter(user_id=appointment.recruiter_id)
        .first()
    )
    if connection_unusable(connection) is not None:
        return False
    if appointment.pk is None:
        return True  # recruiting's validation asks with an unsaved appointment
    # The organizer cannot create Teams meetings: the recruiter types a link instead.
    return not CalendarEvent.objects.filter(
        appointment_id=appointment.pk, teams_missing=True
    ).exists()


def sync_sweep(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Beat: wake what is due (lost messages, retries), resume parked work that may run."""
    now = now or timezone.now()
    dirty = CalendarEvent.objects.filter(synced_version__lt=F("wanted_version")).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    resumed = 0
    parked = dirty.filter(status__in=[SyncStatus.PAUSED, SyncStatus.RECONNECT])
    for connection_id in parked.values_list("connection_id", flat=True).distinct():
        connection = MicrosoftConnection.objects.select_related("company").get(pk=connection_id)
        if paused_fields(connection) is None:
            resumed += parked.filter(connection_id=connection_id).update(
                status=SyncStatus.PENDING, next_attempt_at=now, retry_reason=""
            )
    due = list(
        dirty.filter(next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "kind", "proposal_id", "connection_id", "erasure_id")[:limit]
    )
    events: list[int] = []
    proposals: set[int] = set()
    paused_mailboxes: dict[int, bool] = {}
    for pk, kind, proposal_id, connection_id, erasure_id in due:
        if connection_id not in paused_mailboxes:
            paused_mailboxes[connection_id] = bool(mailbox_paused_until(connection_id, now=now))
        if paused_mailboxes[connection_id]:
            continue  # Retry-After: leave this mailbox alone, the others go on
        if kind == CalendarEvent.Kind.HOLD and erasure_id is None:  # erased: event_sync scrubs
            proposals.add(proposal_id)
        else:
            events.append(pk)
    for pk in events:
        send_event(pk)
    for proposal_id in proposals:
        send_holds(proposal_id)
    # Answers Exchange gives later (rooms, observers, late Teams links): due follow-up reads.
    followups = followups_sweep(now=now)
    return {
        "events": len(events),
        "proposals": len(proposals),
        "resumed": resumed,
        "followups": followups,
    }


def parked_resume(*, connection: MicrosoftConnection) -> int:
    """After a reconnect (or a new booking): the mailbox's parked work is sent now, not at
    the next sweep. Returns the number of appointments that go to Outlook."""
    if paused_fields(connection) is not None:
        return 0
    now = timezone.now()
    with transaction.atomic():
        parked = CalendarEvent.objects.select_for_update().filter(
            connection=connection,
            status__in=[SyncStatus.PAUSED, SyncStatus.RECONNECT],
            synced_version__lt=F("wanted_version"),
        )
        rows = list(parked.values_list("pk", "kind", "proposal_id"))
        CalendarEvent.objects.filter(pk__in=[pk for pk, _kind, _p in rows]).update(
            status=SyncStatus.PENDING, next_attempt_at=now, retry_reason=""
        )
        appointments = [pk for pk, kind, _p in rows if kind == CalendarEvent.Kind.APPOINTMENT]
        for pk in appointments:
            enqueue_event(pk)
        for proposal_id in {p for _pk, kind, p in rows if kind == CalendarEvent.Kind.HOLD}:
            enqueue_holds(proposal_id)
    return len(appointments)


def record_retry(*, record: CalendarEvent) -> None:
    """ "Erneut versuchen": due now, attempts from zero (a failed record is retried too)."""
    if record.is_dirty:
        CalendarEvent.objects.filter(pk=record.pk).update(
            status=SyncStatus.PENDING, next_attempt_at=timezone.now(), attempts=0, retry_reason=""
        )
    else:
        record_bump(CalendarEvent.objects.filter(pk=record.pk))
    enqueue_event(record.pk)


def problem_report_create(
    *, record: CalendarEvent | None, appointment: Appointment, by: User, message: str
) -> ProblemReport:
    """ "Problem melden" (beta): status and Graph history, mailed to the community managers.

    Holds no tokens and no candidate data (only ids, codes, request-ids).
    """
    details: dict[str, Any] = {
        "appointment_id": appointment.pk,
        "company_id": appointment.company_id,
    }
    if record is not None:
        details["sync"] = {
            "record_id": record.pk,
            "status": record.status,
            "wanted_version": record.wanted_version,
            "synced_version": record.synced_version,
            "attempts": record.attempts,
            "retry_reason": record.retry_reason,
            "last_error_code": record.last_error_code,
            "last_error_message": record.last_error_message,
            "next_attempt_at": record.next_attempt_at.isoformat()
            if record.next_attempt_at
            else None,
            "drift": record.drift,
            "room_declined": record.room_declined,
            "teams_missing": record.teams_missing,
            "has_graph_id": bool(record.graph_id),
        }
        details["calls"] = [
            {
                "at": log.at.isoformat(),
                "operation": log.operation,
                "method": log.method,
                "status": log.status,
                "duration_ms": log.duration_ms,
                "request_id": log.request_id,
                "error_code": log.error_code,
            }
            for log in record.logs.all()[:HISTORY_IN_REPORT]
        ]
    report = ProblemReport.objects.create(
        company_id=appointment.company_id,
        appointment=appointment,
        reported_by=by,
        message=(message or "")[:5000],
        details=details,
    )
    lines = [f"{key}: {value}" for key, value in details.get("sync", {}).items()]
    lines += [
        f"{c['at']} {c['operation']} {c['method']} -> {c['status']} "
        f"({c['duration_ms']} ms, request-id {c['request_id']}) {c['error_code']}"
        for c in details.get("calls", [])
    ]
    send_mail(
        subject=_("EBMS Kalender-Sync (Beta): Problemmeldung #%(id)s von %(company)s")
        % {"id": report.pk, "company": appointment.company},
        message=_("Gemeldet von: %(user)s\nTermin-ID: %(appointment)s\n\n%(message)s\n\n")
        % {"user": by.email, "appointment": appointment.pk, "message": report.message}
        + "\n".join(lines),
        from_email=None,
        recipient_list=[settings.COMMUNITY_MANAGER_EMAIL],
    )
    ProblemReport.objects.filter(pk=report.pk).update(mailed_at=timezone.now())
    return report


def sync_settings_set(*, company: Company, sensitivity: str) -> CompanySyncSettings:
    """The company's sensitivity for new and changed Outlook events."""
    row, _created = CompanySyncSettings.objects.update_or_create(
        company=company, defaults={"sensitivity": sensitivity}
    )
    return row
