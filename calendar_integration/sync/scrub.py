"""GDPR erasure in Outlook (issue 15): every event EBMS wrote for an erased candidate loses
his data, through the outbox with the sync's guarantees (claim + lease, retries, Retry-After,
reconnect-wait, the sweep).

Choice: an appointment's event is **scrubbed** (one PATCH of subject and body to neutral text),
not deleted. A PATCH of the organizer's meeting updates every attendee's copy in place (each
observer receives one update message, with the neutral subject); a DELETE or cancel would send
each observer a cancellation carrying the old subject with the name and leave his cancelled
copy, name included, in his calendar. An upcoming appointment the erasure cancels is scrubbed
first, then cancelled (the cancellation carries the neutral subject). Proposal holds have no
attendees: they are deleted (nobody is notified). An event cancelled before the erasure is
gone from the organizer's mailbox; its observers' cancelled copies cannot be reached with the
organizer's delegated token and are counted "nicht erreichbar". So are those of an event
cancelled before the scrub reached it: a sync run's cancel in flight during the erasure, or
the organizer's delete in Outlook while the scrub waited (the PATCH answers 404).

At erasure time the listener detaches the records from the candidate's appointments and
proposals (so a deletion cannot cascade them away) and stores the neutral subject; the record
then only knows what to scrub, never the candidate.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.recruiting.models import Candidate, Erasure
from ebms.recruiting.services import erasure_outlook_report
from ebms.recruiting.services.erasure import redact

from ..availability.cache import generation_bump
from ..microsoft import errors
from ..microsoft.graph import GraphClient, Recorder
from .calls import event_remove, failure_fields, lookup, run_blocked
from .lease import CHANGED_MEANWHILE, LeaseLost, mark_synced, store
from .models import CalendarEvent, ProblemReport, SyncStatus
from .outbox import enqueue_event, record_bump
from .privacy import upcoming_records_refresh

logger = logging.getLogger(__name__)

__all__ = ["erasure_counts", "on_candidate_erased", "on_privacy_event", "scrub_run"]

SCRUBBED, DELETED, UNREACHABLE, NOTHING = "scrubbed", "deleted", "unreachable", "nothing"


def erased_body() -> str:
    return render_to_string("calendar_integration/sync/erased_body.html").strip()


def _had_observers(record: CalendarEvent) -> bool:
    attendees = (record.snapshot or {}).get("attendees") or []
    return any(a.get("type") != "resource" for a in attendees)


def _neutral_subject(record: CalendarEvent, needles: list[str]) -> str:
    target = record.appointment or record.proposal
    if target is None or record.kind == CalendarEvent.Kind.HOLD:
        return ""
    title = " ".join(redact(target.title, needles).split())
    return f"{title} – {target.application.position}"[:255]


def on_privacy_event(event: str, **payload: Any) -> None:
    """The hooks listener for the GDPR announcements (inside the change's transaction)."""
    if event == "candidate_erased":
        on_candidate_erased(
            candidate=payload["candidate"],
            erasure=payload["erasure"],
            needles=payload["needles"],
            identifiers=payload["identifiers"],
        )
    elif event == "privacy_settings_changed" and "outlook_candidate_data" in payload["changed"]:
        upcoming_records_refresh(
            company_id=payload["company"].pk, include_past=payload.get("include_past", False)
        )


def _attendees_only(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The observers and the room of what was sent (never the candidate, who is no attendee)."""
    return {"attendees": snapshot["attendees"]} if snapshot.get("attendees") else {}


def on_candidate_erased(
    *, candidate: Candidate, erasure: Erasure, needles: list[str], identifiers: list[str]
) -> None:
    """Listener (inside the erasure's transaction): take over the candidate's records; his
    `identifiers` leave the company's problem reports (free text)."""
    # Locked: a run's claim (a conditional UPDATE) either came before, and is seen here, or
    # waits for this commit and then finds the record erased.
    records = (
        CalendarEvent.objects.filter(
            Q(appointment__application__candidate=candidate)
            | Q(proposal__application__candidate=candidate)
        )
        .select_related("appointment__application__position", "proposal__application__position")
        .select_for_update(of=("self",))
    )
    now = timezone.now()
    for record in records:
        # A run in flight (leased) may still send its create with the old subject, or adopt
        # one: the scrub runs after it (its mark_synced misses the bumped version) and looks.
        in_flight = record.lease_until is not None and record.lease_until > now
        out_there = (
            bool(record.graph_id or record.create_sent_at or in_flight) and not record.removed
        )
        cancel = bool(record.appointment and record.appointment.is_cancelled)
        fields: dict[str, Any] = {
            "erasure": erasure,
            "appointment": None,
            "proposal": None,
            "slot": None,
            "scrub_subject": _neutral_subject(record, needles),
            "scrub_cancel": cancel and record.kind == CalendarEvent.Kind.APPOINTMENT,
            # Only who was invited stays: cancel for a meeting, DELETE for a lone event.
            "snapshot": _attendees_only(record.snapshot or record.pending_snapshot),
            "pending_snapshot": {},
            "drift": "",
        }
        one = CalendarEvent.objects.filter(pk=record.pk)
        if out_there:
            record_bump(one, scrub_result="", **fields)
            enqueue_event(record.pk)
            continue
        result = NOTHING
        if record.removed and record.kind == CalendarEvent.Kind.APPOINTMENT:
            result = UNREACHABLE if _had_observers(record) else NOTHING
        one.update(
            scrub_result=result,
            synced_version=F("wanted_version"),
            status=SyncStatus.SYNCED,
            next_attempt_at=None,
            **fields,
        )
    for report in ProblemReport.objects.filter(company_id=candidate.company_id):
        cleaned = redact(report.message, identifiers)
        if cleaned != report.message:
            ProblemReport.objects.filter(pk=report.pk).update(message=cleaned)
    company_id = candidate.company_id
    generation_bump(company_id)
    transaction.on_commit(lambda: generation_bump(company_id))
    erasure_report(erasure.pk)


def erasure_counts(erasure_id: int) -> dict:
    """{"scrubbed", "pending", "failed", "unreachable"} over the erasure's records."""
    records = CalendarEvent.objects.filter(erasure_id=erasure_id)
    dirty = records.filter(synced_version__lt=F("wanted_version"))
    return {
        "scrubbed": records.filter(synced_version=F("wanted_version"))
        .filter(scrub_result__in=[SCRUBBED, DELETED])
        .count(),
        "pending": dirty.exclude(status=SyncStatus.FAILED).count(),
        "failed": dirty.filter(status=SyncStatus.FAILED).count(),
        "unreachable": records.filter(scrub_result=UNREACHABLE).count(),
    }


def erasure_report(erasure_id: int) -> None:
    """Write the counts into recruiting's erasure record."""
    erasure_outlook_report(erasure_id=erasure_id, **erasure_counts(erasure_id))


def scrub_run(record: CalendarEvent, token: str) -> str:
    """One claimed run for an erased candidate's record (called by engine.event_sync)."""
    try:
        return _run(record, token)
    finally:
        if record.erasure_id is not None:
            erasure_report(record.erasure_id)


def _run(record: CalendarEvent, token: str) -> str:
    now = timezone.now()
    blocked = run_blocked(record, token, now=now)
    if blocked is not None:
        return blocked
    version = record.wanted_version
    recorder = Recorder(record.pk)
    client = GraphClient(record.connection, recorder=recorder)
    try:
        _scrub(record, token, client, recorder)
    except LeaseLost:
        raise
    except Exception as exc:  # noqa: BLE001 - every outcome is stored on the record
        fields = failure_fields(record, exc)
        store(record, token, **fields)
        if fields["status"] == SyncStatus.RECONNECT:
            CalendarEvent.objects.filter(
                connection_id=record.connection_id, synced_version__lt=F("wanted_version")
            ).exclude(status=SyncStatus.FAILED).update(
                status=SyncStatus.RECONNECT, next_attempt_at=None
            )
        return fields["status"]
    finally:
        client.close()
    # A run that was in flight during the erasure may have stored a snapshot again.
    store(record, token, snapshot={}, pending_snapshot={})
    return "scrubbed" if mark_synced(record.pk, token, version) else CHANGED_MEANWHILE


def _scrub(record: CalendarEvent, token: str, client: GraphClient, recorder: Recorder) -> None:
    if not record.graph_id and record.create_sent_at is not None:
        found = lookup(client, record)
        store(record, token, graph_id=found["id"] if found else "", create_sent_at=None)
    if not record.graph_id or record.removed:
        if not record.scrub_result:
            store(record, token, scrub_result=NOTHING)
        return
    if record.kind == CalendarEvent.Kind.HOLD:
        recorder.operation = "erasure: delete hold"
        with contextlib.suppress(errors.NotFound):
            client.delete_event(event_id=record.graph_id)
        store(record, token, removed=True, scrub_result=DELETED)
        return
    if record.scrub_result != SCRUBBED:
        recorder.operation = "erasure: scrub"
        body = erased_body() + (record.join_block or "")
        try:
            client.update_event(
                event_id=record.graph_id,
                changes={
                    "subject": record.scrub_subject,
                    "body": {"contentType": "html", "content": body},
                },
            )
        except errors.NotFound:
            # Deleted in Outlook: the attendees' copies were cancelled there, out of reach.
            store(record, token, removed=True, scrub_result=UNREACHABLE)
            return
        store(record, token, scrub_result=SCRUBBED)
    if record.scrub_cancel:
        recorder.operation = "erasure: cancel"
        with contextlib.suppress(errors.NotFound):
            event_remove(client, record, comment=_("Der Termin findet nicht statt."))
        store(record, token, removed=True)
