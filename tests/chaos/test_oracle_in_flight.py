"""The oracle's in-flight figure: the most requests one mailbox had open at once, from the
simulator's request log, with a Redis outage's window (where the product's cap is not counted
by design) reported apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from m365sim.models import RequestLogEntry
from tests.chaos import oracle

pytestmark = pytest.mark.django_db(databases="__all__")

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _call(start_s: float, end_s: float, mailbox: str = "anna@muster.example", **extra) -> None:
    RequestLogEntry.objects.create(
        at=T0 + timedelta(seconds=end_s),
        duration_ms=round((end_s - start_s) * 1000),
        method="GET",
        path="/v1.0/me/events",
        mailbox=mailbox,
        status=200,
        **extra,
    )


def test_overlapping_calls_of_one_mailbox_are_counted_and_named_above_four():
    for i in range(5):
        _call(10 + i * 0.1, 12)
    _call(12, 13)  # starts as the others end: not on top of them
    _call(10, 12, mailbox="ben@muster.example")  # another mailbox
    traffic = oracle.graph_traffic(since=T0)
    assert traffic["calls"] == 7
    assert traffic["max_in_flight_per_mailbox"] == 5
    assert traffic["max_in_flight_at"] == (T0 + timedelta(seconds=10.4)).isoformat()
    assert len(traffic["max_in_flight_calls"]) == 5


def test_a_redis_outage_window_is_reported_apart():
    for i in range(5):
        _call(30 + i * 0.1, 31)  # during the outage: the cap is not counted
    for _ in range(3):
        _call(60, 61)  # afterwards
    outage = (T0 + timedelta(seconds=29), T0 + timedelta(seconds=32))
    traffic = oracle.graph_traffic(since=T0, outage=outage)
    assert traffic["max_in_flight_during_redis_outage"] == 5
    assert traffic["max_in_flight_per_mailbox"] == 3
    assert traffic["max_in_flight_calls"] == []


def test_batch_items_run_inside_their_envelope():
    _call(0, 2)
    for _ in range(4):
        _call(0.5, 1, batch_request_id="1")
    traffic = oracle.graph_traffic(since=T0)
    assert traffic["calls"] == 1
    assert traffic["max_in_flight_per_mailbox"] == 1
