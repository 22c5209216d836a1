"""Proposals: sending, the candidate's pick (once), withdrawal and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from ebms.recruiting import hooks
from ebms.recruiting.models import (
    JOIN_INFO_PLACEHOLDER,
    Appointment,
    CandidateEmail,
    Proposal,
    ProposalSlot,
)
from ebms.recruiting.services import (
    ProposalLinkError,
    appointment_join_info_set,
    proposal_create,
    proposal_from_token,
    proposal_pick,
    proposal_withdraw,
    proposals_expire,
)
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests import hooks_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def propose(w, **overrides):
    day = f.future(days=5)
    values = {
        "by": w.alice,
        "application": w.application,
        "recruiter": w.alice,
        "observers": [w.bob],
        "kind": "onsite",
        "location": "Hauptstraße 1",
        "slots": [
            (day.replace(hour=14), day.replace(hour=15)),
            (day, day + timedelta(hours=1)),
            (day + timedelta(days=1), day + timedelta(days=1, hours=1)),
        ],
        "title": "Vorstellungsgespräch",
        "internal_description": "Nur intern: Gehaltsband B",
        "candidate_message": "Bitte bringen Sie Zeugnisse mit.",
    }
    values.update(overrides)
    return proposal_create(**values)


def test_create_stores_sorted_slots_and_mails_the_link(w, send, mailoutbox):
    with f.Announcements() as seen:
        proposal = send(lambda: propose(w))
    assert proposal.status == "open" and len(proposal.token_nonce) >= 32
    starts = list(proposal.slots.values_list("starts_at", flat=True))
    assert starts == sorted(starts) and len(starts) == 3
    assert seen.events() == ["proposal_sent"] and seen.calls[0][2] is True
    assert seen.calls[0][1] == {"proposal": proposal}
    email = CandidateEmail.objects.get()
    assert (email.kind, email.status, email.proposal) == ("proposal", "sent", proposal)
    mail = mailoutbox[0]
    assert mail.subject == "Terminvorschläge: Vorstellungsgespräch"
    link = next(line for line in mail.body.splitlines() if "/vorschlag/" in line).split()[-1]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert proposal_from_token(token) == proposal
    assert "Zeugnisse" in mail.body and "Gehaltsband" not in mail.body
    assert "Gehaltsband" not in mail.alternatives[0][0]
    assert mail.attachments == []  # nothing fixed yet: no calendar file


def test_picking_creates_the_appointment_and_releases_the_rest(w, send, mailoutbox):
    proposal = send(lambda: propose(w))
    slot = proposal.slots.all()[1]
    with f.Announcements() as seen:
        appointment = send(lambda: proposal_pick(proposal=proposal, slot=slot))
    proposal.refresh_from_db()
    assert proposal.status == "picked" and proposal.picked_slot == slot
    assert proposal.token_nonce == "" and proposal.closed_at
    assert (appointment.starts_at, appointment.ends_at) == (slot.starts_at, slot.ends_at)
    assert appointment.proposal == proposal and appointment.version == 1
    assert appointment.internal_description == "Nur intern: Gehaltsband B"
    assert list(appointment.observers.all()) == [w.bob]
    assert appointment.changes.get().action == "picked" and appointment.changes.get().by is None
    assert seen.events() == ["proposal_picked"] and seen.calls[0][2] is True
    assert seen.calls[0][1] == {"proposal": proposal, "appointment": appointment}
    invitation = CandidateEmail.objects.get(appointment=appointment)
    assert (invitation.kind, invitation.status) == ("invitation", "sent")
    # Issue 14.15: the invitation after a pick confirms the chosen slot.
    assert mailoutbox[-1].subject == "Terminbestätigung: Vorstellungsgespräch"


def test_a_second_pick_creates_no_second_appointment(w):
    proposal = propose(w)
    stale = Proposal.objects.get(pk=proposal.pk)  # loaded before the first pick
    first, second = proposal.slots.all()[:2]
    proposal_pick(proposal=proposal, slot=first)
    with pytest.raises(ProposalLinkError) as caught:
        proposal_pick(proposal=stale, slot=second)
    assert caught.value.reason == "used"
    assert Appointment.objects.count() == 1


def test_a_slot_of_another_proposal_is_refused(w):
    proposal = propose(w)
    other = propose(w)
    with pytest.raises(ValidationError) as caught:
        proposal_pick(proposal=proposal, slot=other.slots.first())
    assert "slot" in caught.value.message_dict
    assert not Appointment.objects.exists()
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_a_slot_in_the_past_cannot_be_picked(w):
    proposal = propose(w)
    slot = proposal.slots.first()
    past = timezone.now() - timedelta(hours=1)
    ProposalSlot.objects.filter(pk=slot.pk).update(
        starts_at=past, ends_at=past + timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as caught:
        proposal_pick(proposal=proposal, slot=slot)
    assert "slot" in caught.value.message_dict
    assert not Appointment.objects.exists()


def test_a_withdrawn_or_expired_proposal_cannot_be_picked(w):
    proposal = propose(w)
    proposal_withdraw(proposal=proposal, by=w.alice)
    with pytest.raises(ProposalLinkError) as caught:
        proposal_pick(proposal=proposal, slot=proposal.slots.first())
    assert caught.value.reason == "withdrawn"
    expired = propose(w)
    Proposal.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    with pytest.raises(ProposalLinkError) as caught:
        proposal_pick(proposal=expired, slot=expired.slots.first())
    assert caught.value.reason == "expired"
    assert not Appointment.objects.exists()


def test_picking_an_online_proposal_waits_for_join_info(w, send, mailoutbox):
    provider = hooks.provide_join_info(lambda appointment: appointment.is_online)
    try:
        proposal = send(lambda: propose(
            w, kind="online", location="", candidate_message=f"Link: {JOIN_INFO_PLACEHOLDER}"
        ))  # fmt: skip
        assert JOIN_INFO_PLACEHOLDER not in mailoutbox[0].body
        appointment = send(lambda: proposal_pick(proposal=proposal, slot=proposal.slots.first()))
        assert CandidateEmail.objects.get(appointment=appointment).status == "waiting"
        send(lambda: appointment_join_info_set(
            appointment=appointment,
            join_url="https://teams.microsoft.com/l/x",
            join_info_html="",
            join_info_text="",
        ))  # fmt: skip
    finally:
        hooks_registry.stop_providing_join_info(provider)
    # The confirmation carries the join information, not the proposal's text (issue 14.15).
    assert "https://teams.microsoft.com/l/x" in mailoutbox[-1].body
    assert "Link: https://teams" not in mailoutbox[-1].body


def test_withdrawing_tells_the_candidate_and_announces(w, send, mailoutbox):
    proposal = send(lambda: propose(w))
    with f.Announcements() as seen:
        withdrawn = send(lambda: proposal_withdraw(proposal=proposal, by=w.alice))
    assert withdrawn.status == "withdrawn" and withdrawn.token_nonce == ""
    assert seen.events() == ["proposal_withdrawn"] and seen.calls[0][2] is True
    assert seen.calls[0][1] == {"proposal": withdrawn}
    assert mailoutbox[-1].subject == "Terminvorschläge zurückgezogen: Vorstellungsgespräch"
    kinds = set(CandidateEmail.objects.values_list("kind", "status"))
    assert kinds == {("proposal", "sent"), ("proposal_withdrawn", "sent")}


def test_withdrawing_before_the_mail_left_sends_nothing(
    w, send, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        proposal = propose(w)
    send(lambda: proposal_withdraw(proposal=proposal, by=w.alice))
    assert mailoutbox == []
    assert list(CandidateEmail.objects.values_list("status", flat=True)) == ["superseded"]


def test_only_open_proposals_can_be_withdrawn(w):
    proposal = propose(w)
    proposal_pick(proposal=proposal, slot=proposal.slots.first())
    with pytest.raises(ValidationError) as caught:
        proposal_withdraw(proposal=proposal, by=w.alice)
    assert NON_FIELD_ERRORS in caught.value.message_dict


def test_others_may_not_withdraw(w):
    proposal = propose(w)
    other = f.world(name="Andere AG")
    for user in (w.bob, other.alice):
        with pytest.raises(PermissionDenied):
            proposal_withdraw(proposal=proposal, by=user)
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_expiry_closes_due_proposals_and_announces_withdrawal(w):
    due, fresh = propose(w), propose(w)
    Proposal.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with f.Announcements() as seen:
        assert proposals_expire() == 1
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.status, due.token_nonce) == ("expired", "")
    assert fresh.status == "open"
    assert seen.events() == ["proposal_withdrawn"] and seen.calls[0][1]["proposal"] == due
    assert proposals_expire() == 0
