"""Free/busy through ONE getSchedule call (per 20 addresses), briefly cached, stripped.

Only time blocks and their status leave this module: subjects, locations and flags that
Microsoft may include for some calendars are dropped while parsing, before anything is
cached or rendered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from ..microsoft import errors
from ..microsoft.graph import GraphClient
from ..microsoft.time import graph_parse, graph_utc
from ..models import MicrosoftConnection
from . import cache
from .timegrid import WorkingHours, intervals_merge

__all__ = [
    "CHUNK",
    "INTERVAL_MINUTES",
    "STATUSES",
    "FreeBusy",
    "free_busy_get",
    "schedule_parse",
]

logger = logging.getLogger(__name__)

# Microsoft documents at most 20 entities per getSchedule request.
CHUNK = 20
INTERVAL_MINUTES = 15
STATUSES = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")
UTC_ZONE = ZoneInfo("UTC")
DIGITS = {"0": "free", "1": "tentative", "2": "busy", "3": "oof", "4": "workingElsewhere"}


def _error(code: str, message: str) -> dict:
    return {"blocks": [], "working": None, "error": {"code": code, "message": message[:300]}}


def schedule_parse(item: dict, *, start: datetime, interval: int = INTERVAL_MINUTES) -> dict:
    """One scheduleInformation -> {"blocks": [(start, end, status)], "working", "error"}.

    scheduleItems give exact times and the finer status (availabilityView reports working
    elsewhere as 0); view slots that no item covers still count, with the digit's status.
    """
    if item.get("error"):
        raw = item["error"] or {}
        return _error(str(raw.get("responseCode", "") or "error"), str(raw.get("message", "")))
    blocks: list[tuple[datetime, datetime, str]] = []
    for entry in item.get("scheduleItems") or []:
        status = entry.get("status") if entry.get("status") in STATUSES else "unknown"
        begin, end = (
            graph_parse(entry.get("start")),
            graph_parse(entry.get("end")),
        )
        if status != "free" and begin and end and begin < end:
            blocks.append((begin, end, status))
    covered = intervals_merge([(b, e) for b, e, _s in blocks])
    step = timedelta(minutes=interval)
    pending: tuple[datetime, datetime, str] | None = None
    for i, digit in enumerate(item.get("availabilityView") or ""):
        status = DIGITS.get(digit, "unknown")
        begin = start + i * step
        end = begin + step
        if status == "free" or any(b <= begin and end <= e for b, e in covered):
            continue
        if pending and pending[1] == begin and pending[2] == status:
            pending = (pending[0], end, status)
            continue
        if pending:
            blocks.append(pending)
        pending = (begin, end, status)
    if pending:
        blocks.append(pending)
    working = WorkingHours.from_graph(item.get("workingHours"), fallback_zone=UTC_ZONE)
    return {
        "blocks": sorted(blocks),
        "working": working.to_json() if working else None,
        "error": None,
    }


@dataclass
class FreeBusy:
    """Results by lower-case address; `problem` says why some are missing (German)."""

    results: dict[str, dict] = field(default_factory=dict)
    graph_calls: int = 0
    from_cache: int = 0
    problem: str = ""


def _problem(exc: errors.GraphError) -> str:
    if isinstance(exc, errors.ReconnectNeeded | errors.TokenExpired):
        return _("Ihre Microsoft-Anmeldung ist abgelaufen: bitte das Konto erneut verbinden.")
    if isinstance(exc, errors.Throttled) and exc.status == 429:
        return _(
            "Microsoft drosselt gerade die Anfragen; bitte in %(seconds)d Sekunden erneut "
            "versuchen."
        ) % {"seconds": max(1, round(exc.retry_after))}
    if isinstance(exc, errors.Throttled):  # 503/504 with Retry-After
        return _(
            "Microsoft ist gerade nicht erreichbar; bitte in %(seconds)d Sekunden erneut versuchen."
        ) % {"seconds": max(1, round(exc.retry_after))}
    if isinstance(exc, errors.Transient):
        return _("Microsoft ist gerade nicht erreichbar (%(code)s).") % {"code": exc.code}
    if isinstance(exc, errors.PermissionDenied):
        return _("Microsoft verweigert die Verfügbarkeitsabfrage (%(code)s).") % {"code": exc.code}
    return _("Microsoft-Fehler bei der Verfügbarkeitsabfrage (%(code)s).") % {"code": exc.code}


def free_busy_get(
    *,
    connection: MicrosoftConnection,
    addresses: list[str],
    start: datetime,
    end: datetime,
) -> FreeBusy:
    """Free/busy of `addresses` in [start, end) with the connection's own token.

    Cached per company, window and address; missing addresses are asked for in chunks
    of 20, i.e. one Graph call for up to 20 rows. Errors of a single address (no
    permission, unknown address) stay per address; a failed call leaves its addresses
    with an error (not cached) and the reason in `problem`.
    """
    wanted = list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))
    caller = (connection.upn or "").lower()
    answer = FreeBusy()
    try:
        gen, found = cache.entries_get(
            company_id=connection.company_id, start=start, end=end, addresses=wanted
        )
    except cache.CacheDown:
        # Redis is down: no Graph call either (its per-mailbox limit lives there too).
        answer.problem = _("Outlook-Verfügbarkeit ist gerade nicht verfügbar.")
        answer.results = {a: _error("unavailable", answer.problem) for a in wanted}
        return answer
    for address, result in found.items():
        # Another planner may lack (or have) the access this one has: errors are per caller.
        if result["error"] is None or result.get("caller") == caller:
            answer.results[address] = result
    answer.from_cache = len(answer.results)
    missing = [a for a in wanted if a not in answer.results]
    fresh: dict[str, dict] = {}
    # A closed session per picker load: no idle keep-alive sockets left behind.
    with GraphClient(connection) as client:
        for offset in range(0, len(missing), CHUNK):
            chunk = missing[offset : offset + CHUNK]
            try:
                answer.graph_calls += 1
                items = client.get_schedule(
                    schedules=chunk,
                    start=graph_utc(start),
                    end=graph_utc(end),
                    interval=INTERVAL_MINUTES,
                )
            except errors.GraphError as exc:
                if isinstance(exc, errors.Paused):
                    answer.graph_calls -= 1  # refused before calling: Retry-After runs
                logger.info("getSchedule failed for connection %s: %s", connection.pk, exc.code)
                answer.problem = _problem(exc)
                for address in missing[offset:]:
                    answer.results[address] = _error(exc.code or "error", answer.problem)
                break
            by_id = {str(i.get("scheduleId", "")).strip().lower(): i for i in items}
            for position, address in enumerate(chunk):
                item = by_id.get(address)
                if item is None and position < len(items) and not items[position].get("scheduleId"):
                    item = items[position]  # answers come in request order
                if item is None:
                    result = _error(
                        "missing", _("Microsoft hat für diese Adresse nichts geliefert.")
                    )
                else:
                    result = schedule_parse(item, start=start)
                if result["error"] is not None:
                    result["caller"] = caller
                fresh[address] = result
    answer.results.update(fresh)
    if fresh:
        cache.entries_put(
            company_id=connection.company_id, gen=gen, start=start, end=end, results=fresh
        )
    return answer
