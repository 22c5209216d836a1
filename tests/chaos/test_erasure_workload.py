"""The chaos workload's erasures and the oracle's erasure checks, on the test database without
faults or workers (the full run is `make chaos`): a few seeded operations, then erasures; the
oracle finds no erased name in any mailbox or EBMS row and nothing lost or left over."""

from __future__ import annotations

import random

from tests.chaos import oracle
from tests.chaos.workload import Workload, world_build


def test_erasures_in_the_workload_leave_the_oracle_clean(m365, settings):
    settings.EMAIL_BACKEND = "ebms.mail.backends.DatabaseEmailBackend"  # the oracle reads it
    world = world_build(recruiters=2)
    workload = Workload(rng=random.Random(3), world=world, max_appointments=8)
    for _ in range(6):
        workload._create()
    for _ in range(8):
        workload.step(budget=1)
    while workload.candidates and len(workload.erased_names) < 4:
        workload._erase()

    erased = oracle.erasures(company=world.company, names=workload.erased_names)
    calendars = oracle.calendars(company=world.company, outlook_changed=workload.outlook_diverged)
    mails = oracle.emails(company=world.company)

    assert len(workload.erased_names) == 4 and erased["erasures"] == 4
    assert erased["erased_events"] > 0, erased
    assert (erased["erasure_name_left"], erased["erasure_traces"], erased["erasure_open"]) == (
        0, 0, 0,
    ), erased  # fmt: skip
    counts = [calendars[name] for name in ("lost", "duplicated", "stale", "orphaned")]
    assert counts == [0, 0, 0, 0], calendars
    assert (mails["emails_lost"], mails["emails_duplicated"]) == (0, 0), mails
