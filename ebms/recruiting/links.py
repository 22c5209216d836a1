"""Signed, expiring, single-use candidate links for proposals (Terminvorschläge).

The token carries the proposal id and its random `token_nonce`; the nonce is cleared when
the proposal is picked or withdrawn, so an old link answers "used" / "withdrawn".
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Proposal

SALT = "ebms.recruiting.proposal-link"


class ProposalLinkError(Exception):
    """A candidate link that cannot be used; `reason` is one of REASONS."""

    REASONS = ("invalid", "expired", "used", "withdrawn")

    def __init__(self, reason: str, proposal: Proposal | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # Known for expired/used/withdrawn links (the page may use its language); never for
        # "invalid", so a tampered token reveals nothing.
        self.proposal = proposal


def proposal_token(proposal: Proposal) -> str:
    return signing.dumps({"p": proposal.pk, "n": proposal.token_nonce}, salt=SALT)


def proposal_link_for(proposal: Proposal) -> str:
    """Absolute URL of the candidate page for this proposal (settings.SITE_URL)."""
    token = proposal_token(proposal)
    try:
        path = reverse("recruiting:candidate_proposal", kwargs={"token": token})
    except NoReverseMatch:  # the UI's URL is not wired yet; same documented path
        path = f"/vorschlag/{token}/"
    return f"{settings.SITE_URL}{path}"


def proposal_from_token(token: str) -> Proposal:
    """The open proposal of a candidate link, or ProposalLinkError with the reason."""
    max_age = timedelta(days=settings.PROPOSAL_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ProposalLinkError("expired")
    except signing.BadSignature:
        raise ProposalLinkError("invalid")
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise ProposalLinkError("invalid")
    proposal = (
        Proposal.objects.select_related("application__candidate", "company", "recruiter")
        .filter(pk=data["p"])
        .first()
    )
    if proposal is None:
        raise ProposalLinkError("invalid")
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise ProposalLinkError("withdrawn", proposal)
    if proposal.status == Proposal.Status.PICKED:
        raise ProposalLinkError("used", proposal)
    if proposal.status == Proposal.Status.EXPIRED:
        raise ProposalLinkError("expired", proposal)
    if not proposal.token_nonce or data.get("n") != proposal.token_nonce:
        raise ProposalLinkError("invalid")
    if proposal.expires_at <= timezone.now():
        raise ProposalLinkError("expired", proposal)
    return proposal
