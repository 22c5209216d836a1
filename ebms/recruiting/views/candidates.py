"""Candidates and their applications."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import ApplicationForm, CandidateForm, CandidateSearchForm
from ._common import company_page, planner_page, submitted_before, submitted_once


@company_page
def candidate_list(request):
    form = CandidateSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    candidates = selectors.candidates_for(company=request.user.company, query=query)
    return render(
        request,
        "recruiting/candidate_list.html",
        {"form": form, "candidates": candidates[:200], "query": query},
    )


@planner_page
def candidate_create(request):
    if landed := submitted_before(
        request, action="candidate_create", target="recruiting:candidate_detail"
    ):
        return landed
    form = CandidateForm(request.POST or None, company=request.user.company)
    if request.method == "POST" and form.is_valid():
        candidate, repeated = submitted_once(
            request,
            form,
            action="candidate_create",
            target="recruiting:candidate_detail",
            run=form.save,
        )
        if repeated:
            return repeated
        messages.success(request, _("Bewerber %(name)s wurde angelegt.") % {"name": candidate})
        return redirect("recruiting:candidate_detail", pk=candidate.pk)
    return render(request, "recruiting/candidate_form.html", {"form": form})


@company_page
def candidate_detail(request, pk: int):
    candidate = get_object_or_404(selectors.candidates_for(company=request.user.company), pk=pk)
    applications = selectors.applications_for(company=request.user.company).filter(
        candidate=candidate
    )
    may_erase = services.erasure_permitted(user=request.user, company_id=candidate.company_id)
    return render(
        request,
        "recruiting/candidate_detail.html",
        {"candidate": candidate, "applications": applications, "may_erase": may_erase},
    )


@planner_page
def application_create(request, pk: int):
    candidate = get_object_or_404(selectors.candidates_for(company=request.user.company), pk=pk)
    if landed := submitted_before(
        request, action="application_create", target="recruiting:application_detail"
    ):
        return landed
    form = ApplicationForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        application, repeated = submitted_once(
            request,
            form,
            action="application_create",
            target="recruiting:application_detail",
            run=form.save,
        )
        if repeated:
            return repeated
        messages.success(request, _("Die Bewerbung wurde angelegt."))
        return redirect("recruiting:application_detail", pk=application.pk)
    return render(
        request, "recruiting/application_form.html", {"form": form, "candidate": candidate}
    )


@company_page
def application_detail(request, pk: int):
    application = get_object_or_404(selectors.applications_for(company=request.user.company), pk=pk)
    return render(
        request,
        "recruiting/application_detail.html",
        {"application": application, **selectors.application_page(application=application)},
    )
