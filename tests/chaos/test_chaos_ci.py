"""The CI subset of the chaos run (docs/chaos.md): 200 operations over 10 recruiters with 20 %
faults, one worker SIGKILLed mid-call and a short Redis outage, for three seeds. Any lost,
duplicated, stale or orphaned event, any lost or duplicated candidate e-mail, any Outlook-side change (a move or
delete by the organizer, a room's decline, an observer's answer; under notification faults)
that EBMS never recorded, or more than 4
requests in flight for one mailbox fails the build (outside the Redis outage: without Redis the
product's cap is not counted by design, and the simulator's 429 MailboxConcurrency then limits it).

The run is the same program as `make chaos` (tests.chaos.run), on pytest's test databases.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.chaos.procs import ROOT

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and DATABASE_URL (PostgreSQL): run via .ci/run",
    ),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

COUNTS = ("lost", "duplicated", "stale", "orphaned", "emails_duplicated", "emails_lost",
          "erasure_name_left", "erasure_traces", "erasure_open", "drift_missed")  # fmt: skip


def _url(alias: str) -> str:
    db = connections[alias].settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def chaos_run(*, seed: int) -> dict:
    cmd = [sys.executable, "-m", "tests.chaos.run", "--ops", "200", "--recruiters", "10",
           "--appointments", "60", "--kills", "1", "--redis-outage", "5", "--fault-rate", "0.2",
           "--workers", "2", "--beat", "2", "--converge-timeout", "120", "--seed", str(seed),
           "--database-url", _url("default"), "--m365sim-database-url", _url("m365sim")]  # fmt: skip
    done = subprocess.run(  # noqa: S603
        cmd, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=600
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON line (exit {done.returncode}):\n{done.stderr[-3000:]}"
    result = json.loads(lines[-1])
    result["exit"] = done.returncode
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_calendars_converge_to_what_ebms_wants_under_faults_kills_and_a_redis_outage(seed):
    result = chaos_run(seed=seed)
    print(json.dumps(result))  # the figures, for the CI log (-s or on failure)

    assert result["ops"] == 200
    assert result["kills"] == 1
    assert result["redis_outage_s"] >= 5
    assert result["failed_ops"] == 0, result  # an exception in an EBMS request is a failure
    assert result["converged"], result
    assert {name: result[name] for name in COUNTS} == dict.fromkeys(COUNTS, 0), result
    assert result["max_in_flight_per_mailbox"] <= 4, result
    assert result["exit"] == 0, result
