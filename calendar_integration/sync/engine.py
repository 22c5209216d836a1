"""Reconcile one appointment's Outlook event with what EBMS wants (never replaying a log).

No Graph call happens inside a database transaction. Each step's outcome is stored at once
(guarded by the lease token), so a worker killed between two steps leaves a record the next
run continues from: an ambiguous create is looked up by our extended property before any
retry, and a retried create carries the same transactionId.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.recruiting.models import Appointment
from ebms.recruiting.services import appointment_join_info_set

from ..microsoft import errors
from ..microsoft.graph import GraphClient, Recorder
from .calls import event_remove, failure_fields, lookup, run_blocked
from .followup import after_write_fields
from .lease import CHANGED_MEANWHILE, LeaseLost, claim, mark_synced, release, store
from .models import CalendarEvent, SyncStatus
from .outbox import connection_for, send_event
from .payloads import (
    appointment_payload,
    create_body,
    join_block_extract,
    join_text,
    patch_for,
    teams_wanted,
)
from .scrub import scrub_run

logger = logging.getLogger(__name__)

__all__ = ["event_sync"]


def event_sync(record_id: int) -> str:
    """Bring one appointment's Outlook event in line with EBMS; returns what happened."""
    token = claim(record_id)
    if token is None:
        return "claimed elsewhere"
    record = (
        CalendarEvent.objects.select_related("connection__company", "connection__user")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        return "gone"
    try:
        # A record of an erased candidate is only scrubbed (GDPR erasure).
        run = scrub_run if record.erasure_id is not None else _run
        outcome = run(record, token)
    except LeaseLost:
        return "lease lost"
    finally:
        release(record_id, token)
    if outcome == CHANGED_MEANWHILE:
        send_event(record_id)  # after the release, so the next run can claim it
    return outcome


def _run(record: CalendarEvent, token: str) -> str:
    now = timezone.now()
    if record.kind != CalendarEvent.Kind.APPOINTMENT or record.appointment_id is None:
        return "not an appointment"
    blocked = run_blocked(record, token, now=now)
    if blocked is not None:
        return blocked
    version = record.wanted_version
    appointment = Appointment.objects.select_related(
        "company", "recruiter", "application__candidate", "application__position"
    ).get(pk=record.appointment_id)
    recorder = Recorder(record.pk)
    try:
        _reconcile(record, token, appointment, recorder)
    except LeaseLost:
        raise
    except Exception as exc:  # noqa: BLE001 - every outcome is stored on the record
        fields = failure_fields(record, exc)
        store(record, token, **fields)
        if fields["status"] == SyncStatus.RECONNECT:
            _park_mailbox(record)
        return fields["status"]
    return _finish(record, token, version)


def _finish(record: CalendarEvent, token: str, version: int) -> str:
    # Not done: EBMS changed the appointment while we talked to Microsoft; go again.
    return "synced" if mark_synced(record.pk, token, version) else CHANGED_MEANWHILE


def _park_mailbox(record: CalendarEvent) -> None:
    """All dirty work of this mailbox waits for the reconnect (the sweep resumes it)."""
    CalendarEvent.objects.filter(
        connection_id=record.connection_id, synced_version__lt=F("wanted_version")
    ).exclude(status=SyncStatus.FAILED).update(status=SyncStatus.RECONNECT, next_attempt_at=None)


def _reconcile(
    record: CalendarEvent, token: str, appointment: Appointment, recorder: Recorder
) -> None:
    if appointment.recruiter_id != record.connection.user_id and not appointment.is_cancelled:
        _move(record, token, appointment, recorder)
    with GraphClient(record.connection, recorder=recorder) as client:
        if appointment.is_cancelled:
            _cancel(record, token, appointment, client)
        elif not record.graph_id:
            _create(record, token, appointment, client)
        else:
            _update(record, token, appointment, client, appointment_payload(appointment))


def _move(record: CalendarEvent, token: str, appointment: Appointment, recorder: Recorder) -> None:
    """Another organizer: cancel in the old mailbox, create anew in the new one."""
    new = connection_for(appointment.recruiter)
    if record.graph_id and not record.removed and record.connection.is_usable:
        recorder.operation = "cancel (organizer changed)"
        with (
            GraphClient(record.connection, recorder=recorder) as old_client,
            contextlib.suppress(errors.NotFound),
        ):
            event_remove(old_client, record, comment=_("Der Termin hat einen neuen Organisator."))
    fields: dict[str, Any] = {
        "graph_id": "",
        "ical_uid": "",
        "snapshot": {},
        "pending_snapshot": {},
        "create_sent_at": None,
        "join_url": "",
        "join_block": "",
        "removed": False,
        "generation": record.generation + 1,
    }
    if new is not None:
        fields["connection"] = new
    store(record, token, **fields)
    if new is None:
        raise errors.Permanent(
            _("Der neue Organisator hat kein Microsoft-Konto verbunden."), code="NoConnection"
        )


def _adopt(
    record: CalendarEvent, token: str, event: dict[str, Any], snapshot: dict[str, Any]
) -> None:
    store(
        record,
        token,
        graph_id=event["id"],
        ical_uid=event.get("iCalUId") or "",
        snapshot=snapshot,
        pending_snapshot={},
        create_sent_at=None,
    )


def _create(
    record: CalendarEvent, token: str, appointment: Appointment, client: GraphClient
) -> None:
    payload = appointment_payload(appointment)
    if record.create_sent_at is not None:
        found = lookup(client, record)
        if found is not None:
            _adopt(record, token, found, record.pending_snapshot or {})
            _update(record, token, appointment, client, payload, known=found)
            return
    store(record, token, create_sent_at=timezone.now(), pending_snapshot=payload)
    client.recorder.operation = "create"
    try:
        event = client.create_event(event=create_body(record, payload))
    except errors.Throttled:
        # A throttled request was not processed (Graph throttling docs): nothing to look up.
        store(record, token, create_sent_at=None)
        raise
    _adopt(record, token, event, payload)
    _after_write(record, token, appointment, event)


def _update(
    record: CalendarEvent,
    token: str,
    appointment: Appointment,
    client: GraphClient,
    payload: dict[str, Any],
    known: dict[str, Any] | None = None,
) -> None:
    changes = patch_for(record, payload)
    if not changes:
        if known is not None:
            _after_write(record, token, appointment, known)
        return
    # The call history names a time change as such ("Zeit geändert").
    client.recorder.operation = "update time" if {"start", "end"} & set(changes) else "update"
    try:
        event = client.update_event(event_id=record.graph_id, changes=changes)
    except errors.NotFound:
        # Deleted in Outlook: never silently recreate (that re-invites everybody).
        store(record, token, drift=CalendarEvent.Drift.DELETED, drift_checked_at=timezone.now())
        raise
    snapshot = {**record.snapshot, **{name: payload[name] for name in payload if name in changes}}
    fields: dict[str, Any] = {"snapshot": snapshot}
    if "start" in changes or "end" in changes:
        fields.update(drift="", outlook_start=None, outlook_end=None)
    _after_write(record, token, appointment, event, fields=fields)


def _after_write(
    record: CalendarEvent,
    token: str,
    appointment: Appointment,
    event: dict[str, Any],
    *,
    fields: dict[str, Any] | None = None,
) -> None:
    """Store a write's outcome once: `fields`, the answers shown so far (rooms and observers
    answer later: follow-ups are scheduled), and Teams join information (handed to
    recruiting, which releases the candidate e-mail)."""
    fields = {**(fields or {}), **after_write_fields(appointment, event)}
    if fields.get("teams_pending"):
        store(record, token, teams_missing=False, **fields)  # "Teams-Link ausstehend"
        return
    if not teams_wanted(appointment):
        if record.teams_missing or record.teams_pending:
            # The recruiter typed a link instead.
            fields.update(teams_missing=False, teams_pending=False)
        if fields:
            store(record, token, **fields)
        return
    url = (event.get("onlineMeeting") or {}).get("joinUrl") or ""
    if not url:
        store(record, token, teams_missing=True, **fields)
        return
    block = join_block_extract((event.get("body") or {}).get("content", "")) or record.join_block
    if record.join_url and record.join_url != url:
        fields["join_url_changed_at"] = timezone.now()
    store(record, token, join_url=url, join_block=block, teams_missing=False, **fields)
    if appointment.join_url != url:
        appointment_join_info_set(
            appointment=appointment,
            join_url=url,
            join_info_html=block,
            join_info_text=join_text(block, url),
        )


def _cancel(
    record: CalendarEvent, token: str, appointment: Appointment, client: GraphClient
) -> None:
    if record.removed:
        return
    if not record.graph_id and record.create_sent_at is not None:
        found = lookup(client, record)
        if found is not None:
            _adopt(record, token, found, record.pending_snapshot or {})
    if record.graph_id:
        client.recorder.operation = "cancel"
        # 404: already gone in Outlook, the wanted state holds.
        with contextlib.suppress(errors.NotFound):
            event_remove(client, record, comment=appointment.cancel_reason)
    store(record, token, removed=True, create_sent_at=None, drift="", followup_at=None)
