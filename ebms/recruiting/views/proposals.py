"""Terminvorschläge: create, detail, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import ProposalForm, add_service_errors
from ..forms.appointments import PROPOSAL_FIELD_MAP
from ..models import Proposal
from ._common import (
    company_page,
    notice_delays,
    planner_page,
    submitted_before,
    submitted_once,
)


@planner_page
def proposal_create(request, pk: int):
    company = request.user.company
    application = get_object_or_404(selectors.applications_for(company=company), pk=pk)
    if landed := submitted_before(
        request, action="proposal_create", target="recruiting:proposal_detail"
    ):
        return landed
    initial = {
        "title": _("Vorstellungsgespräch: %(position)s") % {"position": application.position}
    }
    form = ProposalForm(request.POST or None, company=company, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal, repeated = submitted_once(
                request,
                form,
                action="proposal_create",
                target="recruiting:proposal_detail",
                run=lambda: services.proposal_create(
                    by=request.user, application=application, **form.service_fields()
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map=PROPOSAL_FIELD_MAP)
        else:
            if repeated:
                return repeated
            messages.success(request, _("Die Terminvorschläge wurden an den Bewerber gesendet."))
            return redirect("recruiting:proposal_detail", pk=proposal.pk)
    return render(
        request, "recruiting/proposal_form.html", {"form": form, "application": application}
    )


def _proposal(request, pk: int) -> Proposal:
    return get_object_or_404(selectors.proposals_for(company=request.user.company), pk=pk)


@company_page
def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk)
    try:
        appointment = proposal.appointment
    except ObjectDoesNotExist:
        appointment = None
    else:
        appointment = selectors.with_states([appointment])[0]
    return render(
        request,
        "recruiting/proposal_detail.html",
        {
            "proposal": proposal,
            "appointment": appointment,
            "proposal_email": selectors.proposal_email_status(proposal),
        },
    )


@planner_page
def proposal_withdraw(request, pk: int):
    proposal = _proposal(request, pk)
    if proposal.status != Proposal.Status.OPEN:
        messages.info(request, _("Diese Terminvorschläge sind nicht mehr offen."))
        return redirect("recruiting:proposal_detail", pk=proposal.pk)
    error = None
    if request.method == "POST":
        try:
            with notice_delays(request):
                services.proposal_withdraw(proposal=proposal, by=request.user)
        except ValidationError as exc:
            error = exc
        else:
            messages.success(request, _("Die Terminvorschläge wurden zurückgezogen."))
            return redirect("recruiting:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "recruiting/proposal_withdraw.html",
        {"proposal": proposal, "errors": error.messages if error else []},
    )
