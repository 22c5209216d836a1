"""Throttling (https://learn.microsoft.com/graph/throttling, throttling-limits: 4 concurrent
requests per mailbox) and injected faults."""

import threading

import pytest
import requests

from m365sim.graph import faults, log
from m365sim.models import Event

from .conftest import event_payload, next_weekday
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def fire_concurrently(sim, who, count):
    token = sim.token(who)
    barrier = threading.Barrier(count)
    results = []
    lock = threading.Lock()

    def worker():
        session = requests.Session()
        barrier.wait()
        resp = session.get(
            f"{sim.base}/v1.0/me/calendar", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        with lock:
            results.append(resp)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_fifth_concurrent_request_to_one_mailbox_gets_429(sim):
    faults.inject(kind="slow", mailbox="anna@muster.example", delay_ms=1500)
    results = fire_concurrently(sim, sim.anna, 6)
    throttled = [r for r in results if r.status_code == 429]
    assert sorted(r.status_code for r in results) == [200] * 4 + [429] * 2
    for resp in throttled:
        assert resp.headers["Retry-After"]
        assert_graph_error(resp, 429, "ApplicationThrottled")
        assert "MailboxConcurrency" in resp.json()["error"]["message"]
    # Other mailboxes are not affected.
    assert sim.call("GET", "me/calendar", who=sim.ben).status_code == 200


def test_injected_503_has_retry_after_and_is_limited_to_its_mailbox(sim):
    faults.inject(kind="unavailable", mailbox="anna@muster.example", retry_after=3, remaining=1)
    resp = sim.call("GET", "me")
    assert_graph_error(resp, 503, "serviceNotAvailable")
    assert resp.headers["Retry-After"] == "3"
    assert sim.call("GET", "me").status_code == 200  # used up
    assert faults.rules()[0].hits == 1


def test_injected_429_and_504(sim):
    faults.inject(kind="throttle", method="GET", remaining=1, retry_after=2.5)
    resp = sim.call("GET", "me")
    assert_graph_error(resp, 429, "TooManyRequests")
    assert resp.headers["Retry-After"] == "2.500"
    faults.inject(kind="gateway_timeout", remaining=1)
    assert sim.call("GET", "me").status_code == 504


def test_dropped_connection_gives_no_answer(sim):
    faults.inject(kind="drop", remaining=1)
    with pytest.raises(requests.ConnectionError):
        sim.call("GET", "me")
    assert [c.status for c in log.calls(mailbox="anna@muster.example")][-1] == 0
    assert log.calls()[-1].fault == "drop"


def test_applied_then_failed_leaves_exactly_one_event_after_a_retry(sim):
    faults.inject(kind="applied_then_failed", method="POST", status=504, remaining=1)
    payload = event_payload(next_weekday(9), transactionId="a7c0e1f2-retry-test")
    first = sim.call("POST", "me/events", json=payload)
    assert first.status_code == 504
    assert Event.objects.filter(mailbox=sim.anna).count() == 1  # the write happened
    retry = sim.call("POST", "me/events", json=payload)
    assert retry.status_code == 201
    assert Event.objects.filter(mailbox=sim.anna).count() == 1


def test_probability_is_reproducible_with_a_seed(sim):
    def pattern():
        faults.clear()
        faults.inject(kind="unavailable", probability=0.5, seed=42)
        return [sim.call("GET", "me").status_code for _ in range(8)]

    first = pattern()
    assert first == pattern()
    assert set(first) == {200, 503}


def test_the_request_log_records_every_call(sim):
    sim.call("GET", "me", headers={"client-request-id": "my-id-1"})
    sim.call("GET", "me/events/AAMkAnothere=")
    sim.call("GET", "me", who=sim.ben)
    anna = log.calls(mailbox="anna@muster.example")
    assert [(c.method, c.path, c.status) for c in anna] == [
        ("GET", "/v1.0/me", 200),
        ("GET", "/v1.0/me/events/AAMkAnothere=", 404),
    ]
    assert anna[0].client_request_id == "my-id-1"
    assert anna[1].error_code == "ErrorItemNotFound"
    assert anna[0].request_id and anna[0].duration_ms >= 0
    assert len(log.calls()) == 3
