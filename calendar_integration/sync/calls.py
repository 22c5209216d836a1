"""Graph calls of the sync: the client with the mailbox cap and the call history, and what a
failure means for a record (retry when, park, or stop with Microsoft's code)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.services import feature_active

from ..graph import errors
from ..graph.client import GraphClient
from ..models import MicrosoftConnection
from .limits import MailboxBusy, mailbox_pause, mailbox_slots
from .models import CalendarEvent, SyncLog, SyncStatus

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = (30, 60, 120, 300, 600, 1800, 3600)
BUSY_DELAY = timedelta(seconds=5)

__all__ = [
    "Recorder",
    "backoff",
    "client_for",
    "failure_fields",
    "paused_fields",
    "throttle_reason",
]


class Recorder:
    """`on_call` of the Graph client: one SyncLog row per HTTP attempt for `event_ids`."""

    def __init__(self) -> None:
        self.event_ids: list[int] = []
        self.operation = ""

    def __call__(self, *, method, path, response, error, duration_ms) -> None:
        if not self.event_ids:
            return
        status = response.status_code if response is not None else (error.status or 0)
        request_id = response.headers.get("request-id", "") if response is not None else ""
        code = ""
        if error is not None:
            code = error.code
        elif response is not None and response.status_code >= 400:
            code = errors.from_response(response).code
        SyncLog.objects.bulk_create(
            SyncLog(
                event_id=event_id,
                operation=self.operation or method.lower(),
                method=method,
                path=_short(path),
                status=status,
                duration_ms=duration_ms,
                request_id=request_id[:64],
                error_code=code[:100],
            )
            for event_id in self.event_ids
        )


def _short(path: str) -> str:
    marker = "/v1.0"
    if marker in path:
        path = path.split(marker, 1)[1]
    return path[:300]


def client_for(
    connection: MicrosoftConnection, recorder: Recorder, *, slots: int = 1
) -> GraphClient:
    """The Graph client for a mailbox: every request holds `slots` of its 4 slots."""
    return GraphClient(
        connection, on_call=recorder, limiter=lambda: mailbox_slots(connection.pk, slots)
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def paused_fields(connection: MicrosoftConnection) -> dict | None:
    """Status fields when the mailbox may not be synced now (feature ended, reconnect)."""
    if not feature_active(company=connection.company):
        return {
            "status": SyncStatus.PAUSED,
            "retry_reason": _("Die Kalender Integration ist nicht (mehr) gebucht."),
            "next_attempt_at": None,
        }
    if not connection.is_usable:
        return {
            "status": SyncStatus.RECONNECT,
            "retry_reason": _("Die Microsoft-Anmeldung muss erneuert werden."),
            "next_attempt_at": None,
        }
    return None


def throttle_reason(exc: errors.Throttled, code: str) -> str:
    """429 is throttling; a 503/504 with Retry-After is an outage, not a brake."""
    values = {"code": code, "seconds": f"{exc.retry_after:g}"}
    if exc.status == 429:
        return (
            _(
                "Microsoft drosselt die Anfragen an dieses Postfach (%(code)s); nächster Versuch in %(seconds)s s"
            )
            % values
        )
    return (
        _("Microsoft ist gerade nicht erreichbar (%(code)s); nächster Versuch in %(seconds)s s")
        % values
    )


def failure_fields(record: CalendarEvent, exc: Exception, *, now: datetime | None = None) -> dict:
    """What to store after a failed run: when and why the next attempt happens."""
    now = now or timezone.now()
    attempts = record.attempts + 1
    code = getattr(exc, "code", "") or type(exc).__name__
    message = (getattr(exc, "message", "") or str(exc))[:500]
    base = {"attempts": attempts, "last_error_code": code[:100], "last_error_message": message}
    if isinstance(exc, MailboxBusy):
        return {
            "status": SyncStatus.RETRYING,
            "retry_reason": _("Postfach ausgelastet (4 gleichzeitige Anfragen)"),
            "next_attempt_at": now + BUSY_DELAY,
        }
    if isinstance(exc, errors.Throttled):
        until = mailbox_pause(record.connection_id, seconds=exc.retry_after, code=code)
        return {
            **base,
            "status": SyncStatus.RETRYING,
            "retry_reason": throttle_reason(exc, code),
            "next_attempt_at": until,
        }
    if isinstance(exc, errors.ReconnectNeeded):
        return {
            **base,
            "status": SyncStatus.RECONNECT,
            "retry_reason": _("Die Microsoft-Anmeldung muss erneuert werden."),
            "next_attempt_at": None,
        }
    if isinstance(exc, (errors.Transient, errors.TokenExpired)):
        return {
            **base,
            "status": SyncStatus.RETRYING,
            "retry_reason": _("Microsoft ist gerade nicht erreichbar (%(code)s)") % {"code": code},
            "next_attempt_at": now + backoff(attempts),
        }
    if isinstance(exc, errors.GraphError):
        # 400/403/404 and friends: the same request will fail again; show Microsoft's code.
        return {
            **base,
            "status": SyncStatus.FAILED,
            "retry_reason": "",
            "next_attempt_at": None,
        }
    logger.exception("calendar sync of record %s failed", record.pk)
    return {
        **base,
        "status": SyncStatus.RETRYING,
        "retry_reason": _("Interner Fehler"),
        "next_attempt_at": now + backoff(attempts),
    }
