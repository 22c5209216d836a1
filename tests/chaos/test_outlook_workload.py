"""The chaos workload's Outlook-side changes and the oracle's drift check, on the test database
without faults or workers (the full run is `make chaos`): each kind of change (the organizer
moves or deletes, the room declines, an observer answers) happens in the simulator, the beat's
delta pull per mailbox (the polling path; notifications are off in tests) brings it to EBMS, and the
oracle finds every change recorded and the calendars of the answered events as EBMS wants."""

from __future__ import annotations

import random
from datetime import timedelta

from calendar_integration.sync.models import CalendarEvent
from calendar_integration.sync.push import subscriptions_maintain
from m365sim import clock
from m365sim.graph import later
from tests.chaos import oracle
from tests.chaos.workload import ROOM_ANSWER_SECONDS, Workload, world_build

KINDS = {"moved", "deleted", "room_declined", "answered"}


def _outlook_changes_of_every_kind(workload: Workload) -> None:
    for _ in range(80):
        if {c.kind for c in workload.outlook_changes} >= KINDS or not workload.live:
            return
        if workload._outlook_candidates():
            workload._outlook()


def test_every_kind_of_outlook_change_reaches_ebms_and_the_oracle_sees_it(m365, settings):
    settings.EMAIL_BACKEND = "ebms.mail.backends.DatabaseEmailBackend"
    world = world_build(recruiters=2)
    workload = Workload(rng=random.Random(5), world=world, max_appointments=40)
    for _ in range(40):
        workload._create()
    # The rooms' booking assistants answer ROOM_ANSWER_SECONDS after each write.
    clock.advance(delta=timedelta(seconds=ROOM_ANSWER_SECONDS + 1))
    later.apply_due()

    _outlook_changes_of_every_kind(workload)
    changes = workload.outlook_changes
    before = oracle.drift(changes)
    pulled = subscriptions_maintain()  # the beat: one delta pull per mailbox
    after = oracle.drift(changes)

    assert {c.kind for c in changes} == KINDS, [c.kind for c in changes]
    assert before["drift_missed"] == len(changes)  # nothing known before the pull
    assert pulled["pulls"] == len(world.recruiters)
    assert after["drift_missed"] == 0, after
    calendars = oracle.calendars(company=world.company, outlook_changed=workload.outlook_diverged)
    assert [calendars[n] for n in ("lost", "duplicated", "stale", "orphaned")] == [0, 0, 0, 0]
    declined = [c.appointment_id for c in changes if c.kind == "room_declined"]
    assert CalendarEvent.objects.filter(
        appointment_id__in=declined, room_declined=True
    ).count() == len(declined)
