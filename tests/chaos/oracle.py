"""The oracle of a chaos run: the simulator's calendars against EBMS's wanted state.

The wanted state is read from recruiting's own rows (appointments, proposals), never from the
sync's bookkeeping: an appointment not cancelled wants exactly one organizer event in its
recruiter's mailbox with its time, attendees and place; a cancelled one wants none; an open
proposal wants one tentative hold per slot; a picked or withdrawn proposal wants no holds
(the picked slot is the appointment's event). Remote events are tied to EBMS by our extended
property (the record key), which the simulator stores exactly as sent.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.apps import apps
from django.db import models, router

from calendar_integration.sync.models import CalendarEvent, SyncLog
from calendar_integration.sync.payloads import PROPERTY_ID, TEAMS_LOCATION
from ebms.mail.models import StoredMail
from ebms.recruiting.models import (
    Appointment,
    AppointmentKind,
    CandidateEmail,
    Erasure,
    Proposal,
)
from m365sim.models import Event, RequestLogEntry

Status = CandidateEmail.Status


def _key(event: Event) -> str | None:
    for prop in event.extended_properties or []:
        if prop.get("id") == PROPERTY_ID:
            return prop.get("value")
    return None


def _addresses(attendees: list[dict]) -> set[tuple[str, str]]:
    return {
        ((a.get("emailAddress") or {}).get("address", "").lower(), a.get("type", ""))
        for a in attendees or []
    }


def _wanted_appointment(appointment: Appointment) -> dict:
    attendees = {(u.email.lower(), "required") for u in appointment.observers.all()}
    if appointment.kind == AppointmentKind.ON_SITE:
        place = appointment.room_name or appointment.location
        if appointment.room_email:
            attendees.add((appointment.room_email.lower(), "resource"))
    elif appointment.kind == AppointmentKind.ONLINE:
        place = TEAMS_LOCATION
    else:
        place = str(AppointmentKind(appointment.kind).label)
    return {
        "mailbox": appointment.recruiter.email.lower(),
        "start": appointment.starts_at,
        "end": appointment.ends_at,
        "attendees": attendees,
        "place": place,
        "show_as": "busy",
        "online": appointment.kind == AppointmentKind.ONLINE,
    }


def _differences(event: Event, wanted: dict) -> list[str]:
    found = []
    if event.mailbox.email.lower() != wanted["mailbox"]:
        found.append("mailbox")
    if abs(event.start - wanted["start"]) > timedelta(seconds=1):
        found.append("start")
    if abs(event.end - wanted["end"]) > timedelta(seconds=1):
        found.append("end")
    if "attendees" in wanted and _addresses(event.attendees) != wanted["attendees"]:
        found.append("attendees")
    if "place" in wanted and (event.location or {}).get("displayName", "") != wanted["place"]:
        found.append("place")
    if event.show_as != wanted["show_as"]:
        found.append("showAs")
    if wanted.get("online") and not event.is_online_meeting:
        found.append("isOnlineMeeting")
    if event.is_cancelled:
        found.append("cancelled")
    return found


def calendars(*, company, outlook_changed: set[int] | None = None) -> dict:
    """lost / duplicated / stale / orphaned, with examples for the report.

    Appointments in `outlook_changed` were moved or deleted by their organizer in Outlook on
    purpose (a deliberate difference, not a sync failure): their events are left out here and
    judged by `drift` (did EBMS record the change?). Answers (a room's decline, an observer's
    answer) leave the event as EBMS wants it: judged here and by `drift`."""
    outlook_changed = outlook_changed or set()
    deliberate: set[str] = set()
    records = {str(r.key): r for r in CalendarEvent.objects.filter(company=company)}
    remote: dict[str, list[Event]] = defaultdict(list)
    foreign = 0
    for event in Event.objects.filter(is_organizer=True).select_related("mailbox"):
        key = _key(event)
        if key is None:
            foreign += 1  # not written by EBMS (none are seeded in a chaos run)
        elif not event.is_cancelled:
            remote[key].append(event)
    wanted: dict[str, dict] = {}
    lost, examples = 0, []
    appointments = Appointment.objects.filter(company=company).select_related(
        "recruiter", "calendar_event"
    )
    for appointment in appointments.prefetch_related("observers"):
        record = getattr(appointment, "calendar_event", None)
        if appointment.pk in outlook_changed:
            if record is not None:
                deliberate.add(str(record.key))
            continue
        if appointment.is_cancelled:
            continue
        if record is None:
            lost += 1
            examples.append(f"appointment {appointment.pk}: no sync record")
            continue
        wanted[str(record.key)] = _wanted_appointment(appointment)
    for proposal in Proposal.objects.filter(company=company, status=Proposal.Status.OPEN):
        for slot in proposal.slots.select_related("calendar_hold"):
            hold = getattr(slot, "calendar_hold", None)
            if hold is None:
                lost += 1
                examples.append(f"proposal {proposal.pk} slot {slot.pk}: no hold record")
                continue
            wanted[str(hold.key)] = {
                "mailbox": proposal.recruiter.email.lower(),
                "start": slot.starts_at,
                "end": slot.ends_at,
                "show_as": "tentative",
            }
    duplicated = stale = orphaned = 0
    for key, want in wanted.items():
        events = remote.get(key, [])
        if not events:
            lost += 1
            examples.append(f"record {records[key].pk}: no event in Outlook")
            continue
        if len(events) > 1:
            duplicated += len(events) - 1
            examples.append(f"record {records[key].pk}: {len(events)} events")
        if any(diff := _differences(event, want) for event in events):
            stale += 1
            examples.append(f"record {records[key].pk}: differs in {diff}")
    for key, events in remote.items():
        if key not in wanted and key not in deliberate:
            orphaned += len(events)
            record = records.get(key)
            examples.append(f"record {record.pk if record else key}: {len(events)} unwanted")
    return {
        "lost": lost,
        "duplicated": duplicated,
        "stale": stale,
        "orphaned": orphaned,
        "foreign_events": foreign,
        "examples": examples[:10],
    }


def drift_recorded(change, record: CalendarEvent | None) -> bool:
    """Does EBMS's record show the Outlook-side change? A move: drift "changed" at the new
    start; a delete: drift "deleted"; a room's decline: room_declined; an observer's answer:
    his response among attendee_responses."""
    if record is None:
        return False
    if change.kind == "deleted":
        return record.drift == CalendarEvent.Drift.DELETED
    if change.kind == "room_declined":
        return record.room_declined
    if change.kind == "answered":
        return any(
            a.get("address") == change.address and a.get("response") == change.response
            for a in record.attendee_responses or []
        )
    return (
        record.drift == CalendarEvent.Drift.CHANGED
        and record.outlook_start is not None
        and abs(record.outlook_start - change.start) <= timedelta(seconds=1)
    )


def drift(changes: list) -> dict:
    """drift_missed: Outlook-side changes EBMS never recorded; drift_seconds_p95: p95 of the
    time from the change to the first time the runner's watch saw it on the record."""
    records = {
        r.appointment_id: r
        for r in CalendarEvent.objects.filter(
            appointment_id__in=[c.appointment_id for c in changes]
        )
    }
    missed, examples, delays = 0, [], []
    for change in changes:
        if not drift_recorded(change, records.get(change.appointment_id)):
            missed += 1
            examples.append(f"appointment {change.appointment_id}: {change.kind} not recorded")
        elif change.recorded_at is not None:
            delays.append(max(change.recorded_at - change.at, 0.0))
    delays.sort()
    p95 = delays[math.ceil(0.95 * len(delays)) - 1] if delays else None
    return {
        "outlook_changes": len(changes),
        "outlook_changes_by_kind": dict(sorted(Counter(c.kind for c in changes).items())),
        "drift_missed": missed,
        "drift_seconds_p95": round(p95, 1) if p95 is not None else None,
        "drift_examples": examples[:10],
    }


def emails(*, company) -> dict:
    """Candidate e-mails: exactly one stored mail per outbox row that had to be sent."""
    stored = Counter(
        str((mail.headers or {}).get("X-EBMS-Candidate-Email", ""))
        for mail in StoredMail.objects.all()
    )
    duplicated = sum(count - 1 for count in stored.values() if count > 1)
    lost, examples = 0, []
    rows = CandidateEmail.objects.filter(company=company).order_by("version", "pk")
    latest: dict[tuple[str, int], CandidateEmail] = {}
    for row in rows:
        if not row.to:
            continue  # an erased candidate's row (issue 15): his stored mails are gone on purpose
        if row.status != Status.SUPERSEDED:
            owner = ("a", row.appointment_id) if row.appointment_id else ("p", row.proposal_id)
            latest[owner] = row  # the newest row that was not superseded must have gone out
        if row.status == Status.SENT and not stored[str(row.pk)]:
            lost += 1
            examples.append(f"e-mail {row.pk}: sent but not stored")
    for row in latest.values():
        closed = row.proposal_id and row.proposal.status != Proposal.Status.OPEN
        if closed and row.kind == CandidateEmail.Kind.PROPOSAL and not stored[str(row.pk)]:
            continue  # a proposal closed before its mail went out: nothing to send
        if row.status != Status.SENT and not stored[str(row.pk)]:
            lost += 1
            examples.append(f"e-mail {row.pk} ({row.kind} v{row.version}): {row.status}")
    return {"emails_duplicated": duplicated, "emails_lost": lost, "email_examples": examples[:10]}


OUTAGE_GRACE = timedelta(seconds=5)  # uncapped calls started in the outage end by then


def graph_traffic(
    *, since: datetime | None = None, outage: tuple[datetime, datetime] | None = None
) -> dict:
    """Calls, faults by kind and the most requests one mailbox had in flight at once.

    During a Redis outage (and OUTAGE_GRACE after it) the product's cap is not counted by
    design (docs/ARCHITECTURE.md, "Mailbox limits"): Microsoft's own 429 MailboxConcurrency
    limits it then. That window's peak is reported apart, with the moment and the calls of
    the overall peak.
    """
    entries = RequestLogEntry.objects.order_by("at")
    if since is not None:
        entries = entries.filter(at__gte=since)
    faults = Counter()
    applied_writes = 0
    intervals: dict[str, list[tuple[datetime, int, str]]] = defaultdict(list)
    calls = concurrency_429 = 0
    for entry in entries.iterator():
        if entry.fault:
            faults[entry.fault] += 1
            if entry.fault == "applied_then_failed" and entry.method in ("POST", "PATCH", "DELETE"):
                applied_writes += 1
        if entry.error_code == "ApplicationThrottled":
            concurrency_429 += 1
        if entry.batch_request_id:
            continue  # items of a $batch run inside their envelope
        calls += 1
        start = entry.at - timedelta(milliseconds=entry.duration_ms)
        label = f"{entry.method} {entry.path[:80]} {entry.status} {entry.duration_ms}ms"
        intervals[entry.mailbox.lower()] += [(start, 1, label), (entry.at, -1, label)]
    peak = outage_peak = 0
    peak_at: datetime | None = None
    peak_calls: list[str] = []
    for points in intervals.values():
        level = 0
        open_calls: list[str] = []
        for at, step, label in sorted(points, key=lambda p: (p[0], p[1])):  # ends first
            level += step
            if step < 0:
                open_calls.remove(label)
                continue
            open_calls.append(label)
            if outage is not None and outage[0] <= at <= outage[1] + OUTAGE_GRACE:
                outage_peak = max(outage_peak, level)
            elif level > peak:
                peak, peak_at, peak_calls = level, at, list(open_calls)
    return {
        "calls": calls,
        "faults": dict(sorted(faults.items())),
        "applied_then_failed_writes": applied_writes,
        "max_in_flight_per_mailbox": peak,
        "max_in_flight_at": peak_at.isoformat() if peak_at else "",
        "max_in_flight_calls": peak_calls if peak > 4 else [],
        "max_in_flight_during_redis_outage": outage_peak,
        "mailbox_concurrency_429": concurrency_429,
    }


def _ebms_texts():
    """Every text and JSON column of every model in EBMS's database, row by row."""
    for model in apps.get_models():
        if router.db_for_read(model) != "default" or model._meta.proxy:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            for row in model._default_manager.using("default").values_list(*fields).iterator():
                yield model._meta.label, " ".join(str(value) for value in row)


def _out_of_reach(event: Event, reported: dict[str, int]) -> bool:
    """An observer's cancelled copy of a meeting EBMS reported out of reach, whose
    cancellation was not the erasure's.

    "Unreachable" means the erasure's scrub found the organizer's event gone (or the record
    knew it gone): cancelled or deleted before the erasure, by a sync run's cancel in flight
    during it (a run claimed before the erasure committed sends what it read), or by the
    organizer in Outlook before the scrub came (both seen in CI runs). Its copies are in the
    observers' mailboxes, not EBMS's. A failure stays a failure: any applied cancel of the
    erasure's own ("erasure: cancel" not refused) means EBMS cancelled with the name."""
    if event.is_organizer or not event.is_cancelled:
        return False
    record = reported.get(event.ical_uid)
    if record is None:
        return False
    own_cancel = (
        SyncLog.objects.filter(event_id=record, operation="erasure: cancel", status__gte=200)
        .exclude(status__gte=400, status__lt=500)  # refused: not applied
        .exists()
    )
    return not own_cancel


def _left_example(event: Event, erased: datetime | None, company) -> str:
    """Where a name was left, with what tells an out-of-reach copy from a miss."""
    record = (
        CalendarEvent.objects.filter(company=company, ical_uid=event.ical_uid)
        .values("pk", "scrub_result", "removed", "status", "scrub_cancel")
        .first()
    )
    after = f"{(event.modified_at - erased).total_seconds():+.1f} s" if erased else "?"
    calls = (
        [
            f"{op} {status} {(at - erased).total_seconds():+.1f} s"
            for op, status, at in SyncLog.objects.filter(event_id=record["pk"])
            .order_by("at")
            .values_list("operation", "status", "at")
        ]
        if record and erased
        else []
    )
    return (
        f"{event.mailbox.email}: {event.subject} [organizer={event.is_organizer} "
        f"cancelled={event.is_cancelled} modified {after} from the erasure; record={record}; "
        f"calls={calls}]"
    )


def erasures(*, company, names: list[str], erased_at: dict[str, datetime] | None = None) -> dict:
    """GDPR erasures (issue 15): no Outlook copy (any mailbox, cancelled ones too) and no EBMS
    row keeps an erased candidate's unique name; no erasure still has Outlook work open; how
    often each erased event was PATCHed (1 = scrubbed once, more = a repeated PATCH).

    Out of reach (counted, not a failure; sync/scrub.py, `_out_of_reach`): an observer's
    cancelled copy of a meeting whose organizer's event was gone when the erasure's scrub
    came: the observer's mailbox is not EBMS's to change. EBMS must say so: the meeting's
    record is "unreachable" (else the name counts as left). `erased_at` (simulator clock,
    per name) dates the examples."""
    erased_at = erased_at or {}
    wanted = [name.lower() for name in names]
    # The meetings EBMS reported out of reach (its erasure record's "nicht erreichbar").
    reported = dict(
        CalendarEvent.objects.filter(company=company, scrub_result="unreachable")
        .exclude(ical_uid="")
        .values_list("ical_uid", "pk")
    )
    name_left, out_of_reach, examples = 0, 0, []
    for event in Event.objects.select_related("mailbox").iterator():
        text = f"{event.subject} {event.body_content}".lower()
        found = [name for name in names if name.lower() in text]
        if not found:
            continue
        if _out_of_reach(event, reported):
            out_of_reach += 1
        else:
            name_left += 1
            examples.append(_left_example(event, erased_at.get(found[0]), company))
    traces = 0
    for label, text in _ebms_texts():
        if any(name in text.lower() for name in wanted):
            traces += 1
            examples.append(f"EBMS {label}")
    records = (
        CalendarEvent.objects.filter(company=company, erasure__isnull=False)
        .exclude(graph_id="")
        .select_related("erasure")
    )
    scrubs = [
        RequestLogEntry.objects.filter(
            method="PATCH", status=200, at__gte=r.erasure.at, path__endswith=f"/{r.graph_id}"
        ).count()
        for r in records
        if r.scrub_result == "scrubbed"
    ]
    open_work = Erasure.objects.filter(company=company).filter(
        models.Q(outlook_pending__gt=0) | models.Q(outlook_failed__gt=0)
    )
    return {
        "erasures": Erasure.objects.filter(company=company).count(),
        "erased_events": len(records),
        "erasure_name_left": name_left,
        "erasure_out_of_reach": out_of_reach,
        "erasure_traces": traces,
        "erasure_open": open_work.count(),
        "erased_events_not_patched": sum(1 for n in scrubs if n == 0),
        "erased_events_patched_again": sum(1 for n in scrubs if n > 1),
        "erasure_examples": examples[:10],
    }
