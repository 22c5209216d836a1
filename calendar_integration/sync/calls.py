"""Graph calls of the sync: the lookup of our own event, and what a failure means for a
record (retry when, park, or stop with Microsoft's code)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ..connection.selectors import Unusable, connection_unusable
from ..microsoft import errors
from ..microsoft.graph import GraphClient
from ..microsoft.mailbox import MailboxBusy, mailbox_pause, mailbox_paused_until
from ..models import MicrosoftConnection
from .lease import store
from .models import CalendarEvent, SyncStatus
from .payloads import PROPERTY_ID

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = (30, 60, 120, 300, 600, 1800, 3600)
BUSY_DELAY = timedelta(seconds=5)

__all__ = [
    "backoff",
    "event_remove",
    "failure_fields",
    "lookup",
    "paused_fields",
    "run_blocked",
    "throttle_reason",
]


def lookup(client: GraphClient, record: CalendarEvent) -> dict[str, Any] | None:
    """Our event in the mailbox, found by the extended property (after an unknown outcome)."""
    client.recorder.operation = "lookup"
    found = client.find_events_by_property(property_id=PROPERTY_ID, value=str(record.key))
    alive = [event for event in found if not event.get("isCancelled")]
    return alive[0] if alive else None


def event_remove(client: GraphClient, record: CalendarEvent, *, comment: str) -> None:
    """Cancel a meeting (attendees get the reason, event-cancel); an event without attendees
    is deleted: Microsoft documents cancel only as the organizer's action on a meeting."""
    if record.snapshot.get("attendees") or record.pending_snapshot.get("attendees"):
        client.cancel_event(event_id=record.graph_id, comment=comment)
    else:
        client.delete_event(event_id=record.graph_id)


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1` (30 s ... 1 h)."""
    return timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def run_blocked(record: CalendarEvent, token: str, *, now: datetime) -> str | None:
    """Why a claimed run must not call Graph now (what it means is stored on the record), or
    None when it may: nothing to do, not due, the connection parked, Microsoft's Retry-After."""
    if not record.is_dirty:
        return "clean"
    if record.next_attempt_at is None or record.next_attempt_at > now:
        return "not due"
    parked = paused_fields(record.connection)
    if parked is not None:
        store(record, token, **parked)
        return str(parked["status"])
    until = mailbox_paused_until(record.connection_id, now=now)
    if until is not None:
        reason = _("Pause für dieses Postfach auf Wunsch von Microsoft bis %(time)s") % {
            "time": timezone.localtime(until).strftime("%H:%M:%S")
        }
        store(record, token, status=SyncStatus.RETRYING, next_attempt_at=until, retry_reason=reason)
        return "mailbox paused"
    return None


def paused_fields(connection: MicrosoftConnection) -> dict[str, Any] | None:
    """Status fields when the mailbox may not be synced now (feature ended, reconnect)."""
    unusable = connection_unusable(connection)
    if unusable is None:
        return None
    if unusable == Unusable.NOT_BOOKED:
        return {
            "status": SyncStatus.PAUSED,
            "retry_reason": _("Die Kalender Integration ist nicht (mehr) gebucht."),
            "next_attempt_at": None,
        }
    return {
        "status": SyncStatus.RECONNECT,
        "retry_reason": _("Die Microsoft-Anmeldung muss erneuert werden."),
        "next_attempt_at": None,
    }


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


def failure_fields(
    record: CalendarEvent, exc: Exception, *, now: datetime | None = None
) -> dict[str, Any]:
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
