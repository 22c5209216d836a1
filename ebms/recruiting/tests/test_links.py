"""Signed candidate links: invalid, expired, used and withdrawn links are told apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.test import override_settings

from ebms.recruiting.links import SALT, proposal_token
from ebms.recruiting.models import Proposal
from ebms.recruiting.services import (
    ProposalLinkError,
    proposal_create,
    proposal_from_token,
    proposal_link_for,
    proposal_pick,
    proposal_withdraw,
    proposals_expire,
)
from ebms.recruiting.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def propose(w, days=5):
    day = f.future(days=days)
    return proposal_create(
        by=w.alice,
        application=w.application,
        recruiter=w.alice,
        observers=[],
        kind="phone",
        slots=[(day, day + timedelta(hours=1)), (day.replace(hour=14), day.replace(hour=15))],
        title="Telefoninterview",
    )


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def reason(token: str) -> str:
    with pytest.raises(ProposalLinkError) as caught:
        proposal_from_token(token)
    return caught.value.reason


def test_a_fresh_link_opens_its_proposal(w, settings):
    proposal = propose(w)
    link = proposal_link_for(proposal)
    assert link.startswith(f"{settings.SITE_URL}/")
    assert proposal_from_token(token_of(link)) == proposal


def test_a_tampered_link_is_invalid(w):
    token = proposal_token(propose(w))
    assert reason(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) == "invalid"
    assert reason("garbage") == "invalid"
    assert reason("") == "invalid"


def test_a_link_for_another_proposal_id_cannot_be_forged(w):
    proposal = propose(w)
    other = propose(w, days=8)
    forged = signing.dumps({"p": other.pk, "n": proposal.token_nonce}, salt=SALT)
    assert reason(forged) == "invalid"  # the nonce belongs to the other proposal
    unsalted = signing.dumps({"p": proposal.pk, "n": proposal.token_nonce})
    assert reason(unsalted) == "invalid"


def test_a_link_of_a_deleted_proposal_is_invalid(w):
    proposal = propose(w)
    token = proposal_token(proposal)
    proposal.delete()
    assert reason(token) == "invalid"


def test_a_used_link_answers_used(w):
    proposal = propose(w)
    token = proposal_token(proposal)
    proposal_pick(proposal=proposal, slot=proposal.slots.first())
    assert reason(token) == "used"


def test_a_withdrawn_link_answers_withdrawn(w):
    proposal = propose(w)
    token = proposal_token(proposal)
    proposal_withdraw(proposal=proposal, by=w.alice)
    with pytest.raises(ProposalLinkError) as caught:
        proposal_from_token(token)
    assert caught.value.reason == "withdrawn" and caught.value.proposal == proposal


def test_a_link_older_than_the_maximum_age_is_expired(w):
    proposal = propose(w)
    token = proposal_token(proposal)
    with override_settings(PROPOSAL_LINK_MAX_AGE_DAYS=0):
        assert reason(token) == "expired"


def test_a_link_expires_with_its_last_slot(w):
    proposal = propose(w, days=2)
    assert proposal.expires_at == proposal.slots.last().starts_at
    token = proposal_token(proposal)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=proposal.created_at)
    assert reason(token) == "expired"
    assert proposals_expire() == 1
    assert reason(token) == "expired"
