"""Sync pages: the status fragment of the appointment panel (with the rate-limited drift
check), its actions, "Problem melden" and the company admin's problem list. Thin: scope to
the user's company, call one service, render or redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ebms.accounts.access import company_admin_required, company_member_required, planner_required
from ebms.recruiting.models import Appointment
from ebms.recruiting.selectors import candidate_email_status

from ..connection.access import UserRequest, company_of
from . import followup
from .drift import drift_check, drift_move, drift_reapply
from .models import CalendarEvent, CompanySyncSettings, ProblemReport, SyncStatus
from .services import problem_report_create, record_retry, sync_settings_set

HISTORY_ROWS = 50


def _appointment(request: UserRequest, pk: int) -> Appointment:
    return get_object_or_404(Appointment, company=company_of(request.user), pk=pk)


def _record(request: UserRequest, pk: int) -> CalendarEvent:
    return get_object_or_404(
        CalendarEvent.objects.select_related("connection__company"),
        appointment__company=company_of(request.user),
        appointment_id=pk,
    )


def _back(pk: int) -> HttpResponseRedirect:
    return redirect("recruiting:appointment_detail", pk=pk)


def status_context(appointment: Appointment, record: CalendarEvent | None) -> dict[str, Any]:
    return {
        "appointment": appointment,
        "record": record,
        "logs": list(record.logs.all()[:HISTORY_ROWS]) if record else [],
        "email": candidate_email_status(appointment),
    }


@require_GET
@company_member_required
def status(request: UserRequest, pk: int) -> HttpResponse:
    """The panel's content, fetched after the page loaded (the drift check may call Graph)."""
    appointment = _appointment(request, pk)
    record = CalendarEvent.objects.filter(appointment=appointment).first()
    if record is not None and drift_check(record):
        record.refresh_from_db()
    return render(
        request, "calendar_integration/sync/_status.html", status_context(appointment, record)
    )


@require_POST
@planner_required
def retry(request: UserRequest, pk: int) -> HttpResponse:
    record_retry(record=_record(request, pk))
    messages.success(request, _("Die Synchronisierung wird erneut versucht."))
    return _back(pk)


@require_POST
@planner_required
def teams_retry(request: UserRequest, pk: int) -> HttpResponse:
    """ "Teams-Besprechung fehlt: erneut versuchen": read the event again for its join URL."""
    followup.teams_retry(record=_record(request, pk))
    messages.success(request, _("EBMS fragt Microsoft erneut nach dem Teams-Link."))
    return _back(pk)


@require_POST
@planner_required
def reapply(request: UserRequest, pk: int) -> HttpResponse:
    drift_reapply(record=_record(request, pk))
    messages.success(request, _("Die EBMS-Zeit wird wieder in Outlook eingetragen."))
    return _back(pk)


@require_POST
@planner_required
def move(request: UserRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    if record.drift != CalendarEvent.Drift.CHANGED or record.outlook_start is None:
        messages.error(request, _("Es gibt keine abweichende Outlook-Zeit."))
        return _back(pk)
    try:
        drift_move(record=record, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _back(pk)
    messages.success(request, _("Der Termin wurde auf die Outlook-Zeit verschoben."))
    return _back(pk)


@require_POST
@company_member_required
def report(request: UserRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    message = request.POST.get("message", "").strip()
    if not message:
        messages.error(
            request,
            _(
                "Bitte beschreiben Sie kurz, was passiert ist; eine leere Meldung wird nicht gesendet."
            ),
        )
        return _back(pk)
    record = CalendarEvent.objects.filter(appointment=appointment).first()
    problem_report_create(record=record, appointment=appointment, by=request.user, message=message)
    messages.success(request, _("Danke! Ihre Meldung wurde an das EBMS-Team gesendet."))
    return _back(pk)


@company_admin_required
def problems(request: UserRequest) -> HttpResponse:
    """Company admin: appointments whose sync needs attention, reports, the setting."""
    company = company_of(request.user)
    settings_row = CompanySyncSettings.objects.filter(company=company).first()
    if request.method == "POST":
        choice = request.POST.get("sensitivity", "")
        if choice in CompanySyncSettings.Sensitivity.values:
            sync_settings_set(company=company, sensitivity=choice)
            messages.success(request, _("Gespeichert."))
        return redirect("calendar_integration:sync_problems")
    records = (
        CalendarEvent.objects.filter(company=company, kind=CalendarEvent.Kind.APPOINTMENT)
        .filter(erasure__isnull=True)  # an erasure's records are counted on the privacy page
        .exclude(status=SyncStatus.SYNCED, drift="", room_declined=False, teams_missing=False)
        .select_related("appointment", "connection__user")
        .order_by("-updated_at")[:200]
    )
    return render(
        request,
        "calendar_integration/sync/problems.html",
        {
            "records": records,
            "reports": ProblemReport.objects.filter(company=company).select_related(
                "reported_by", "appointment"
            )[:100],
            "sensitivity": settings_row.sensitivity
            if settings_row
            else CompanySyncSettings.Sensitivity.PRIVATE,
            "sensitivities": CompanySyncSettings.Sensitivity.choices,
        },
    )
