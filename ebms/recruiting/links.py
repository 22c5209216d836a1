"""Signed, expiring, single-use candidate links for proposals (Terminvorschläge).

The token carries the proposal id and its random `token_nonce`; the nonce is cleared when
the proposal is picked or withdrawn, so an old link answers "used" / "withdrawn".

The token is exchanged when the candidate first opens his proposals (a button on the link's
page, so a mail scanner's GET exchanges nothing; docs/security.md): the nonce is replaced by
a new one kept only in that browser's session, and the browser goes to a token-free page. The
token in an access log (or a forwarded mail) then opens nothing: it answers "opened in
another browser". The new nonce ends with a fingerprint of the old one, which tells that
answer apart from a forged token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Proposal

SALT = "ebms.recruiting.proposal-link"


class ProposalLinkError(Exception):
    """A candidate link that cannot be used; `reason` is one of REASONS."""

    REASONS = ("invalid", "expired", "used", "withdrawn", "elsewhere")

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


def _token_data(token: str) -> dict:
    max_age = timedelta(days=settings.PROPOSAL_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ProposalLinkError("expired")
    except signing.BadSignature:
        raise ProposalLinkError("invalid")
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise ProposalLinkError("invalid")
    return data


def _open_proposal(pk: int) -> Proposal:
    """The proposal if it is still open, else ProposalLinkError with the reason."""
    proposal = (
        Proposal.objects.select_related("application__candidate", "company", "recruiter")
        .filter(pk=pk)
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
    if not proposal.token_nonce:
        raise ProposalLinkError("invalid")
    if proposal.expires_at <= timezone.now():
        raise ProposalLinkError("expired", proposal)
    return proposal


def _fingerprint(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()[:20]


def proposal_from_token(token: str) -> Proposal:
    """The open proposal of a candidate link (not exchanged yet), or ProposalLinkError."""
    data = _token_data(token)
    proposal = _open_proposal(data["p"])
    if data.get("n") != proposal.token_nonce:
        raise ProposalLinkError("invalid")
    return proposal


def _refuse(proposal: Proposal, data: dict) -> ProposalLinkError:
    """A valid signature whose nonce is no longer the proposal's: exchanged, or forged."""
    if proposal.token_nonce.endswith("." + _fingerprint(str(data.get("n")))):
        return ProposalLinkError("elsewhere", proposal)
    return ProposalLinkError("invalid")


def proposal_link_peek(*, token: str, held: dict[str, str]) -> tuple[Proposal, bool]:
    """(proposal, whether this browser's session holds it already), exchanging nothing.

    `held` maps proposal ids to the nonces this browser's session holds.
    """
    data = _token_data(token)
    proposal = _open_proposal(data["p"])
    if held.get(str(proposal.pk)) == proposal.token_nonce:
        return proposal, True
    if data.get("n") == proposal.token_nonce:
        return proposal, False
    raise _refuse(proposal, data)


def proposal_link_open(*, token: str, held: dict[str, str]) -> tuple[Proposal, str]:
    """Exchange a link's token for a session nonce: (proposal, nonce for the session).

    The same browser may open the link again (its session holds the current nonce); any
    other browser gets "elsewhere" once the token is exchanged.
    """
    data = _token_data(token)
    proposal = _open_proposal(data["p"])
    current = proposal.token_nonce
    if held.get(str(proposal.pk)) == current:
        return proposal, current
    if data.get("n") == current:
        fresh = f"{secrets.token_urlsafe(16)}.{_fingerprint(current)}"
        claimed = Proposal.objects.filter(
            pk=proposal.pk, status=Proposal.Status.OPEN, token_nonce=current
        ).update(token_nonce=fresh)
        if claimed:
            proposal.token_nonce = fresh
            return proposal, fresh
        proposal = _open_proposal(proposal.pk)  # another browser was faster, or a pick
    raise _refuse(proposal, data)


def proposal_from_session(*, pk: int, nonce: str) -> Proposal:
    """The open proposal of the token-free page, for the browser whose session holds it."""
    if not nonce:
        raise ProposalLinkError("invalid")
    proposal = _open_proposal(pk)
    if not secrets.compare_digest(nonce, proposal.token_nonce):
        raise ProposalLinkError("elsewhere", proposal)
    return proposal
