"""GDPR pages (issue 15): the company's privacy page (settings, erasure records, who is due
next), erasing a candidate, and closing an application (starts the retention period)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.access import company_admin_required

from .. import selectors, services
from ..forms import (
    ApplicationStatusForm,
    CandidateEraseForm,
    PrivacySettingsForm,
    add_service_errors,
)
from ..models import Appointment, Erasure
from ..services.retention import candidates_retention_due
from ._common import _in_company_zone, planner_page

DUE_HORIZON_DAYS = 60


@company_admin_required
@_in_company_zone
def privacy(request):
    company = request.user.company
    current = services.privacy_settings_get(company_id=company.pk)
    form = PrivacySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.privacy_settings_set(
            company_id=company.pk,
            by=request.user,
            include_past=form.cleaned_data["include_past"],
            **{field: form.cleaned_data[field] for field in form.Meta.fields},
        )
        messages.success(request, _("Die Datenschutz-Einstellungen wurden gespeichert."))
        return redirect("recruiting:privacy")
    return render(
        request,
        "recruiting/privacy.html",
        {
            "form": form,
            "erasures": Erasure.objects.filter(company=company).select_related("by")[:100],
            "due": candidates_retention_due(company=company, horizon_days=DUE_HORIZON_DAYS),
            "horizon_days": DUE_HORIZON_DAYS,
        },
    )


@planner_page
def candidate_erase(request, pk: int):
    if not services.erasure_permitted(user=request.user, company_id=request.user.company_id):
        raise PermissionDenied
    candidate = get_object_or_404(selectors.candidates_for(company=request.user.company), pk=pk)
    upcoming = Appointment.objects.filter(
        application__candidate=candidate,
        status=Appointment.Status.PLANNED,
        ends_at__gt=timezone.now(),
    ).select_related("application__position")
    form = CandidateEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = services.candidate_erase(
                candidate=candidate,
                by=request.user,
                mode=form.cleaned_data["mode"],
                cancel_upcoming=form.cleaned_data["cancel_upcoming"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            erasure.refresh_from_db()
            messages.success(
                request,
                _(
                    "Bewerber Nr. %(ref)s wurde %(mode)s. Outlook: %(scrubbed)s bereinigt, "
                    "%(pending)s ausstehend."
                )
                % {
                    "ref": erasure.candidate_ref,
                    "mode": erasure.get_mode_display(),
                    "scrubbed": erasure.outlook_scrubbed,
                    "pending": erasure.outlook_pending,
                },
            )
            if request.user.is_company_admin:
                return redirect("recruiting:privacy")
            return redirect("recruiting:candidate_list")
    return render(
        request,
        "recruiting/candidate_erase.html",
        {"candidate": candidate, "form": form, "upcoming": upcoming},
    )


@planner_page
def application_status(request, pk: int):
    """Hired/rejected closes the application (the retention period starts)."""
    application = get_object_or_404(selectors.applications_for(company=request.user.company), pk=pk)
    form = ApplicationStatusForm(request.POST or None, initial={"status": application.status})
    if request.method == "POST" and form.is_valid():
        services.application_status_set(
            application=application, by=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("Der Status wurde gespeichert."))
        return redirect("recruiting:application_detail", pk=application.pk)
    return render(
        request, "recruiting/application_status.html", {"form": form, "application": application}
    )
