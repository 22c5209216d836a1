"""Read the event again after a write, for what Exchange answers later: the room's booking
assistant, the observers, a Teams join URL missing from the create's answer.

Until change notifications exist, every write whose answer leaves something open schedules
a follow-up read (`followup_at`, a bounded number `followups_left`); the minute sweep picks
due ones. A follow-up is one GET; its outcome is stored only when EBMS did not change the
appointment meanwhile (the next write schedules its own follow-ups).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from ebms.recruiting.models import Appointment

from ..microsoft import errors
from ..microsoft.graph import GraphClient, Recorder
from ..microsoft.mailbox import MailboxBusy, mailbox_paused_until
from .calls import paused_fields
from .join_url import join_fields, promised_without_url
from .models import CalendarEvent
from .payloads import teams_wanted
from .responses import answer_fields, answers_open

logger = logging.getLogger(__name__)

# After a write: read again after 1, 5, 15 and 60 minutes while something is open.
DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=60),
)
SELECT = "attendees,isOnlineMeeting,onlineMeeting,body"

__all__ = ["DELAYS", "after_write_fields", "followup_check", "followups_sweep", "teams_retry"]


def _schedule(left: int, now: datetime) -> dict:
    if left <= 0:
        return {"followup_at": None, "followups_left": 0}
    return {"followup_at": now + DELAYS[len(DELAYS) - left], "followups_left": left}


def after_write_fields(appointment: Appointment, event: dict) -> dict:
    """Fields after a create/PATCH answer: the answers it shows, and follow-ups if open."""
    fields = answer_fields(event, appointment)
    waiting = teams_wanted(appointment) and promised_without_url(event)
    if waiting:
        fields["teams_pending"] = True
    if waiting or ("attendees" in event and answers_open(event, appointment)):
        fields.update(_schedule(len(DELAYS), timezone.now()))
    else:
        fields.update(followup_at=None, followups_left=0)
    return fields


def followup_check(record: CalendarEvent, *, now: datetime | None = None) -> bool:
    """One follow-up read if due (claimed by a conditional UPDATE); True if Graph was asked."""
    now = now or timezone.now()
    claimed = CalendarEvent.objects.filter(
        pk=record.pk,
        followup_at__lte=now,
        followups_left__gt=0,
        removed=False,
        synced_version=F("wanted_version"),
    ).update(followup_at=None, followups_left=F("followups_left") - 1)
    if not claimed or not record.graph_id:
        return False
    record.refresh_from_db()
    version = record.wanted_version
    if record.appointment_id is None:
        return False
    appointment = Appointment.objects.select_related("company").get(pk=record.appointment_id)
    if appointment.is_cancelled:
        return False
    if paused_fields(record.connection) or mailbox_paused_until(record.connection_id, now=now):
        CalendarEvent.objects.filter(pk=record.pk).update(**_schedule(record.followups_left, now))
        return False
    recorder = Recorder(record.pk, operation="follow-up")
    try:
        with GraphClient(record.connection, recorder=recorder) as client:
            event = client.get_event(event_id=record.graph_id, select=SELECT)
    except (errors.GraphError, MailboxBusy) as exc:
        logger.info("follow-up of record %s failed: %s", record.pk, exc)
        CalendarEvent.objects.filter(pk=record.pk).update(**_schedule(record.followups_left, now))
        return True
    # Facts about the meeting (join URL, next read) hold whatever EBMS changed meanwhile ...
    fields = join_fields(record, appointment, event) if record.teams_pending else {}
    still_waiting = record.teams_pending and not fields.get("join_url")
    if still_waiting or answers_open(event, appointment):
        fields.update(_schedule(record.followups_left, now))
    if still_waiting and not fields.get("followups_left"):
        # Out of retries: the recruiter decides ("erneut versuchen" or a link of his own).
        fields.update(teams_pending=False, teams_missing=True)
    if fields:
        CalendarEvent.objects.filter(pk=record.pk).update(**fields)
    # ... the answers only for the version that was read (a new write asks again).
    answers = answer_fields(event, appointment)
    if answers:
        CalendarEvent.objects.filter(pk=record.pk, wanted_version=version).update(**answers)
    return True


def followups_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Beat (with the sync sweep): run the follow-ups that are due."""
    now = now or timezone.now()
    due = (
        CalendarEvent.objects.select_related("connection__company")
        .filter(followup_at__lte=now, followups_left__gt=0, removed=False)
        .exclude(graph_id="")
        .order_by("followup_at")[:limit]
    )
    return sum(followup_check(record, now=now) for record in due)


def teams_retry(*, record: CalendarEvent) -> bool:
    """ "Teams-Besprechung fehlt: erneut versuchen": read the event again, with new retries."""
    now = timezone.now()
    CalendarEvent.objects.filter(pk=record.pk).update(
        teams_missing=False, teams_pending=True, **_schedule(len(DELAYS), now - DELAYS[0])
    )
    return followup_check(record, now=now)
