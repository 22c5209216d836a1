"""F5 proposals: offered slots are held (tentative, no attendees) with ONE $batch; the pick
turns its hold into the real event and deletes the others; withdrawal or expiry deletes all."""

from __future__ import annotations

from datetime import timedelta

from calendar_integration.sync.models import CalendarEvent, SyncStatus
from ebms.recruiting.services import (
    proposal_create,
    proposal_pick,
    proposal_withdraw,
    proposals_expire,
)
from ebms.recruiting.tests import factories
from m365sim.graph import log

from .conftest import calls, events_of


def _propose(application, alice, olaf, *, count=3, kind="onsite", room=None):
    slots = []
    for day in range(count):
        start = factories.future(days=3 + day, hour=9)
        slots.append((start, start + timedelta(hours=1)))
    extra = (
        {"location": "Hauptstraße 1"}
        if kind == "onsite"
        else {"candidate_message": "Hallo\n[[Online-Meeting-Teilnahme]]"}
    )
    if room is not None:
        extra.update(room_email=room.email, room_name=room.display_name)
    return proposal_create(
        by=alice,
        application=application,
        recruiter=alice,
        observers=[olaf],
        kind=kind,
        slots=slots,
        title="Vorstellungsgespräch",
        **extra,
    )


def test_sending_proposals_holds_every_slot_with_one_batch(m365, rita, alice, olaf, application):
    proposal = _propose(application, alice, olaf, count=5)

    top = calls(m365.recruiter)
    assert [(c.method, c.path) for c in top] == [("POST", "/v1.0/$batch")]
    items = [c for c in log.calls(mailbox=m365.recruiter.email) if c.batch_request_id]
    assert len(items) == 5 and {c.status for c in items} == {201}
    holds = events_of(m365.recruiter)
    assert len(holds) == 5
    assert {e.show_as for e in holds} == {"tentative"}
    assert all(e.attendees == [] for e in holds)
    assert all(e.subject.startswith("Vorschlag: ") for e in holds)
    records = CalendarEvent.objects.filter(proposal=proposal)
    assert {r.status for r in records} == {SyncStatus.SYNCED}


def test_the_pick_turns_its_hold_into_the_event_and_frees_the_others(
    m365, rita, alice, olaf, application
):
    proposal = _propose(application, alice, olaf, count=3, room=m365.rooms[1])
    chosen = proposal.slots.all()[1]
    hold_id = CalendarEvent.objects.get(slot=chosen).graph_id
    log.clear()

    appointment = proposal_pick(proposal=proposal, slot=chosen)

    (event,) = events_of(m365.recruiter)
    assert event.immutable_id == hold_id  # the hold itself became the appointment
    assert event.show_as == "busy"
    assert not event.subject.startswith("Vorschlag")
    addresses = {a["emailAddress"]["address"]: a["type"] for a in event.attendees}
    assert addresses == {"olaf@contoso.example": "required", m365.rooms[1].email: "resource"}
    record = CalendarEvent.objects.get(appointment=appointment)
    assert record.kind == CalendarEvent.Kind.APPOINTMENT and record.status == SyncStatus.SYNCED
    # One PATCH for the pick, one batch deleting the two other holds.
    assert sorted(c.method for c in calls(m365.recruiter)) == ["PATCH", "POST"]


def test_an_online_pick_gets_its_teams_meeting_by_patch(
    m365, rita, alice, olaf, application, mailoutbox
):
    proposal = _propose(application, alice, olaf, count=2, kind="online")

    appointment = proposal_pick(proposal=proposal, slot=proposal.slots.first())

    (event,) = events_of(m365.recruiter)
    assert event.is_online_meeting
    appointment.refresh_from_db()
    assert appointment.join_url == event.online_meeting["joinUrl"]
    # After a pick the invitation is a confirmation (issue 14.15).
    invitation = [m for m in mailoutbox if m.subject.startswith("Terminbestätigung")]
    assert len(invitation) == 1 and appointment.join_url in invitation[0].body


def test_withdrawal_deletes_all_holds_with_one_batch(m365, rita, alice, olaf, application):
    proposal = _propose(application, alice, olaf, count=4)
    log.clear()

    proposal_withdraw(proposal=proposal, by=alice)

    assert [c.path for c in calls(m365.recruiter)] == ["/v1.0/$batch"]
    assert events_of(m365.recruiter) == []
    assert all(r.removed for r in CalendarEvent.objects.filter(proposal=proposal))


def test_expiry_deletes_all_holds(m365, rita, alice, olaf, application):
    proposal = _propose(application, alice, olaf, count=2)
    type(proposal).objects.filter(pk=proposal.pk).update(expires_at=proposal.created_at)

    assert proposals_expire() == 1

    assert events_of(m365.recruiter) == []
