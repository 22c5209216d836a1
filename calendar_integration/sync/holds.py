"""Proposal holds: tentative events for offered slots, written and removed with JSON batches
(<= 20 requests each, https://learn.microsoft.com/graph/json-batching).

Each sub-response is judged on its own (a batch answers 200 even when items failed); a
throttled item pauses the mailbox like a direct 429.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.db.models import F
from django.utils import timezone

from ebms.recruiting.models import Proposal

from ..microsoft import errors
from ..microsoft.graph import BATCH_MAX, BatchRequest, GraphClient, Recorder
from ..microsoft.mailbox import mailbox_paused_until
from .calls import failure_fields, lookup, paused_fields
from .lease import LeaseLost, claim, mark_synced, release, store
from .models import CalendarEvent, SyncLog, SyncStatus
from .payloads import create_body, hold_payload

Claimed = dict[int, str]
OPERATIONS = {"POST": "create hold", "PATCH": "update hold", "DELETE": "delete hold"}

__all__ = ["holds_sync"]


def holds_sync(proposal_id: int) -> str:
    """Create wanted holds and delete unwanted ones of one proposal, batched."""
    ids = list(
        CalendarEvent.objects.filter(
            proposal_id=proposal_id,
            kind=CalendarEvent.Kind.HOLD,
            synced_version__lt=F("wanted_version"),
            next_attempt_at__lte=timezone.now(),
        ).values_list("pk", flat=True)
    )
    claimed = {pk: token for pk in ids if (token := claim(pk))}
    if not claimed:
        return "nothing to do"
    try:
        records = list(
            CalendarEvent.objects.select_related("connection__company", "slot").filter(
                pk__in=claimed
            )
        )
        proposal = Proposal.objects.select_related("company", "application__candidate").get(
            pk=proposal_id
        )
        for connection_id in {r.connection_id for r in records}:
            _sync_mailbox(
                [r for r in records if r.connection_id == connection_id], claimed, proposal
            )
    finally:
        for pk, token in claimed.items():
            release(pk, token)
    return "done"


def _sync_mailbox(records: list[CalendarEvent], claimed: Claimed, proposal: Proposal) -> None:
    connection = records[0].connection
    parked = paused_fields(connection)
    until = mailbox_paused_until(connection.pk)
    if parked is None and until is not None:
        parked = {"status": SyncStatus.RETRYING, "next_attempt_at": until}
    if parked is not None:
        for record in records:
            _safe_store(record, claimed, **parked)
        return
    items: list[tuple[CalendarEvent, BatchRequest]] = []
    versions = {r.pk: r.wanted_version for r in records}
    with GraphClient(connection) as client:
        for record in records:
            try:
                item = _item_for(record, claimed[record.pk], proposal, client)
            except errors.GraphError as exc:
                _safe_store(record, claimed, **failure_fields(record, exc))
                continue
            if item is None:
                mark_synced(record.pk, claimed[record.pk], versions[record.pk])
            else:
                items.append((record, item))
        for start in range(0, len(items), BATCH_MAX):
            _send_batch(client, items[start : start + BATCH_MAX], claimed, versions)


def _item_for(
    record: CalendarEvent, token: str, proposal: Proposal, client: GraphClient
) -> BatchRequest | None:
    """The batch request this hold needs, or None when it is already as wanted."""
    if record.create_sent_at is not None and not record.graph_id:
        client.recorder.event_ids = [record.pk]
        found = lookup(client, record)
        if found is not None:
            store(record, token, graph_id=found["id"], snapshot=record.pending_snapshot,
                  create_sent_at=None)  # fmt: skip
        elif not record.wanted:
            store(record, token, create_sent_at=None, removed=True)
    if record.wanted and not record.graph_id and record.slot is not None:
        payload = hold_payload(proposal, record.slot)
        store(record, token, create_sent_at=timezone.now(), pending_snapshot=payload)
        return GraphClient.batch_create(str(record.pk), event=create_body(record, payload))
    if record.wanted and record.graph_id and not record.removed and record.slot is not None:
        # The company's candidate data setting changed (issue 15): subject and body follow.
        payload = hold_payload(proposal, record.slot)
        changes = {k: v for k, v in payload.items() if record.snapshot.get(k) != v}
        if changes:
            store(record, token, pending_snapshot=payload)
            return GraphClient.batch_patch(
                str(record.pk), event_id=record.graph_id, changes=changes
            )
    if not record.wanted and record.graph_id and not record.removed:
        return GraphClient.batch_delete(str(record.pk), event_id=record.graph_id)
    return None


def _send_batch(
    client: GraphClient,
    items: list[tuple[CalendarEvent, BatchRequest]],
    claimed: Claimed,
    versions: dict[int, int],
) -> None:
    started = timezone.now()
    client.recorder = Recorder()  # the batch's items are recorded one by one below
    try:
        answers = client.batch([item for _record, item in items])
    except Exception as exc:  # noqa: BLE001 - the whole batch failed: each record retries
        for record, _item in items:
            _safe_store(record, claimed, **failure_fields(record, exc))
        return
    duration = int((timezone.now() - started).total_seconds() * 1000)
    for record, item in items:
        answer = answers.get(item["id"])
        problem = answer.error if answer is not None else errors.from_batch_item({"status": 0})
        SyncLog.objects.create(
            event=record,
            operation=f"batch: {OPERATIONS[item['method']]}",
            method=item["method"],
            path=item["url"][:300],
            status=answer.status if answer is not None else 0,
            duration_ms=duration,
            request_id=(answer.request_id if answer is not None else "")[:64],
            error_code=problem.code[:100] if problem else "",
        )
        if item["method"] == "DELETE" and (problem is None or isinstance(problem, errors.NotFound)):
            _safe_store(record, claimed, removed=True)
        elif item["method"] == "PATCH" and problem is None:
            _safe_store(record, claimed, snapshot=record.pending_snapshot, pending_snapshot={})
        elif item["method"] == "POST" and problem is None and answer is not None:
            _safe_store(
                record,
                claimed,
                graph_id=answer.body.get("id", ""),
                ical_uid=answer.body.get("iCalUId") or "",
                snapshot=record.pending_snapshot,
                pending_snapshot={},
                create_sent_at=None,
            )
        else:
            failure = problem or errors.Permanent("no id in the answer", code="NoId")
            _safe_store(record, claimed, **failure_fields(record, failure))
            continue
        mark_synced(record.pk, claimed[record.pk], versions[record.pk])


def _safe_store(record: CalendarEvent, claimed: Claimed, **fields: Any) -> None:
    with contextlib.suppress(LeaseLost):
        store(record, claimed[record.pk], **fields)
