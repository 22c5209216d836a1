"""(a) Graph calls per operation, counted from the simulator's request log.

    .venv/bin/python benchmarks/graph_calls.py [--port 8771]

Not a test. PostgreSQL databases ebms_bench / ebms_bench_m365sim (recreated), gunicorn serving
EBMS + the simulator, Celery eager in this process (so each operation's sync has finished when
the service returns). Every operation goes through recruiting's services (or the picker view
through Django's test client); the calls are read from `m365sim.graph.log` afterwards:
top-level HTTP requests, and the requests inside `$batch` envelopes.
"""

from __future__ import annotations

import argparse
import re
from datetime import timedelta

import _bench

CANDIDATE_MESSAGE = "Hallo,\n\n[[Online-Meeting-Teilnahme]]\n\nBis bald"
_EVENT_ID = re.compile(r"/events/[^/]+")


def _short(path: str) -> str:
    return _EVENT_ID.sub("/events/{id}", path.removeprefix("/v1.0"))


def run(port: int) -> dict:
    values = _bench.env(port)
    _bench.databases_reset(values)
    with _bench.gunicorn(values, port):
        _bench.django_setup(values)
        return _measure(port)


def _measure(port: int) -> dict:
    from django.core.cache import cache
    from django.urls import reverse

    from ebms.recruiting.services import (
        appointment_cancel,
        appointment_create,
        appointment_update,
        proposal_create,
        proposal_pick,
        proposal_withdraw,
        validation,
    )
    from ebms.recruiting.tests import factories
    from m365sim import clock
    from m365sim.graph import log

    m365, company, recruiter, people, journey = _bench.tenant_connected(port, observers=1)
    room = m365.rooms[1]
    rows: list[dict] = []

    def counted(name: str, action):
        since = clock.now()
        result = action()
        entries = log.calls(since=since)
        top = [e for e in entries if not e.batch_request_id]
        items = [e for e in entries if e.batch_request_id]
        rows.append({
            "operation": name,
            "calls": len(top),
            "batch_items": len(items),
            "requests": " + ".join(f"{e.method} {_short(e.path)}" for e in top),
        })  # fmt: skip
        return result

    def plan(kind: str, days: int, **fields):
        start = factories.future(days=days, hour=10)
        if kind == "onsite":
            fields.setdefault("location", "Hauptstraße 1, Berlin")
        else:
            fields.setdefault("candidate_message", CANDIDATE_MESSAGE)
        return appointment_create(
            by=recruiter, application=factories.application(company=company),
            recruiter=recruiter, observers=people, kind=kind, starts_at=start,
            ends_at=start + timedelta(hours=1), title="Vorstellungsgespräch", **fields,
        )  # fmt: skip

    onsite = counted(
        "create, on-site with room and observer",
        lambda: plan("onsite", 8, room_email=room.email, room_name=room.display_name),
    )
    counted("create, online with Teams", lambda: plan("online", 9))
    start = onsite.starts_at + timedelta(hours=2)
    counted("time change", lambda: appointment_update(
        appointment=onsite, by=recruiter, starts_at=start, ends_at=start + timedelta(hours=1)))  # fmt: skip
    counted("change of the candidate message only", lambda: appointment_update(
        appointment=onsite, by=recruiter, candidate_message="Bitte Ausweis mitbringen."))  # fmt: skip
    counted("cancel", lambda: appointment_cancel(appointment=onsite, by=recruiter, reason="Bench"))

    # The product offers 2-5 slots; k = 20 (the $batch maximum) needs the limit raised in
    # this process only, to show that 20 holds still cost one call.
    validation.MAX_SLOTS = 20
    proposals = {}
    for k in (2, 5, 20):
        slots = []
        for i in range(k):
            begin = factories.future(days=20 + k + i // 8, hour=8 + i % 8)
            slots.append((begin, begin + timedelta(minutes=45)))
        proposals[k] = counted(f"proposal with k={k} slots", lambda s=slots: proposal_create(
            by=recruiter, application=factories.application(company=company),
            recruiter=recruiter, observers=people, kind="onsite", slots=s,
            location="Hauptstraße 1", title="Vorstellungsgespräch",
        ))  # fmt: skip
    five = proposals[5]
    counted("pick (of 5 slots)", lambda: proposal_pick(proposal=five, slot=five.slots.all()[2]))
    counted("withdraw (20 holds)", lambda: proposal_withdraw(proposal=proposals[20], by=recruiter))

    client = journey.client
    url = reverse("calendar_integration:availability_picker")
    day = factories.future(days=14).date()
    params = {"start": day.isoformat(), "days": 7, "observers": [p.pk for p in people],
              "room": room.email}  # fmt: skip

    def picker():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return response

    cache.clear()
    counted("picker week view, cache miss", picker)
    counted("picker week view, cache hit", picker)
    m365.close()
    return {"rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8771)
    args = parser.parse_args()
    data = run(args.port)
    _bench.save("graph_calls", data)
    print("(a) Graph calls per operation (simulator request log)")
    print(_bench.table(
        ["Operation", "HTTP calls", "items in $batch", "requests"],
        [[r["operation"], r["calls"], r["batch_items"], r["requests"] or "–"] for r in data["rows"]],
    ))  # fmt: skip


if __name__ == "__main__":
    main()
