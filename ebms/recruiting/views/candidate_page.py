"""The candidate's page behind the signed proposal link (public, no login).

The link's token is exchanged, when the candidate opens his proposals, for a nonce in this
browser's session, and the browser goes on to a token-free page (docs/security.md): a token
read from an access log picks nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from .. import delays, services
from ..models import JOIN_INFO_PLACEHOLDER, Appointment, Proposal
from ..services import ProposalLinkError

# A link that never was valid is "not found"; one that was valid and is no longer is "gone".
LINK_ERROR_STATUS = {
    "invalid": 404,
    "expired": 410,
    "used": 410,
    "withdrawn": 410,
    "elsewhere": 403,  # exchanged by another browser
}
SESSION_KEY = "ebms.candidate_proposals"  # {proposal id: nonce} of this browser


def _link_error(request, error: ProposalLinkError):
    reason = error.reason if error.reason in LINK_ERROR_STATUS else "invalid"
    proposal = error.proposal  # known for a link that was once valid: answer in his language
    language = proposal.application.candidate.language if proposal else translation.get_language()
    with translation.override(language):
        return render(
            request,
            "recruiting/candidate/link_error.html",
            {
                "reason": reason,
                "chosen": _chosen(proposal) if reason == "used" else None,
                "zone": proposal.company.time_zone if proposal else "",
            },
            status=LINK_ERROR_STATUS[reason],
        )


def _chosen(proposal: Proposal | None):
    """What a used link's page names as chosen: the appointment (it may have moved since),
    else the picked slot; None when neither is known or the appointment was cancelled."""
    if proposal is None:
        return None
    appointment = Appointment.objects.filter(proposal=proposal).first()
    if appointment is not None:
        return None if appointment.is_cancelled else appointment
    return proposal.picked_slot


@csrf_protect
@require_http_methods(["GET", "POST"])
def candidate_proposal(request, token: str):
    """The link from the e-mail. GET: a button (mail scanners only GET); POST: exchange the
    token for this browser's session and go on to the token-free page."""
    held = request.session.get(SESSION_KEY, {})
    try:
        if request.method == "POST":
            proposal, nonce = services.proposal_link_open(token=token, held=held)
        else:
            proposal, is_held = services.proposal_link_peek(token=token, held=held)
            if not is_held:
                return _open_page(request, proposal)
            nonce = held[str(proposal.pk)]
    except ProposalLinkError as error:
        return _link_error(request, error)
    request.session[SESSION_KEY] = {**held, str(proposal.pk): nonce}
    return redirect("recruiting:candidate_proposal_page", pk=proposal.pk)


def _open_page(request, proposal: Proposal):
    with translation.override(proposal.application.candidate.language):
        return render(request, "recruiting/candidate/open.html", {"proposal": proposal})


@csrf_protect
@require_http_methods(["GET", "POST"])
def candidate_proposal_page(request, pk: int):
    """The slots and the pick, for the browser whose session holds the proposal."""
    nonce = request.session.get(SESSION_KEY, {}).get(str(pk), "")
    try:
        proposal = services.proposal_from_session(pk=pk, nonce=nonce)
    except ProposalLinkError as error:
        return _link_error(request, error)
    # The candidate reads in his language and in the company's time zone.
    with (
        translation.override(proposal.application.candidate.language),
        timezone.override(proposal.company.zone),
    ):
        if request.method == "POST":
            return _pick(request, proposal)
        return _page(request, proposal)


def _page(request, proposal: Proposal, *, error: str = "", status: int = 200):
    slots = [s for s in proposal.slots.order_by("starts_at") if s.starts_at > timezone.now()]
    message = proposal.candidate_message.replace(
        JOIN_INFO_PLACEHOLDER, _("(Die Zugangsdaten erhalten Sie mit der Bestätigung.)")
    )
    return render(
        request,
        "recruiting/candidate/proposal.html",
        {
            "proposal": proposal,
            "slots": slots,
            "message": message,
            "error": error,
            "zone": proposal.company.time_zone,
        },
        status=status,
    )


def _pick(request, proposal: Proposal):
    slot_id = request.POST.get("slot", "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses; 18 digits fit any database.
    slot = (
        proposal.slots.filter(pk=int(slot_id), starts_at__gt=timezone.now()).first()
        if slot_id.isdecimal() and len(slot_id) <= 18
        else None
    )
    if slot is None:
        error = _("Dieser Termin ist nicht mehr verfügbar. Bitte wählen Sie einen anderen.")
        return _page(request, proposal, error=error, status=400)
    try:
        with delays.watching() as delayed:
            appointment = services.proposal_pick(proposal=proposal, slot=slot)
    except ProposalLinkError as error:
        return _link_error(request, error)
    except ValidationError as error:
        return _page(request, proposal, error=" ".join(error.messages), status=400)
    return render(
        request,
        "recruiting/candidate/confirmed.html",
        {
            "proposal": proposal,
            "appointment": appointment,
            "zone": proposal.company.time_zone,
            "delayed": bool(delayed),
        },
    )
