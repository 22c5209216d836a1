"""Appointments: list, detail, create, edit, cancel, candidate e-mail preview."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import AppointmentForm, CancelForm, add_service_errors
from ..forms.appointments import APPOINTMENT_FIELD_MAP
from ._common import (
    company_page,
    notice_delays,
    planner_page,
    submitted_before,
    submitted_once,
)

APPOINTMENTS_PER_PAGE = 50


@company_page
def appointment_list(request):
    past = request.GET.get("zeitraum") == "vergangen"
    mine = request.GET.get("filter") == "meine"
    appointments = selectors.appointment_list(
        company=request.user.company, user=request.user, past=past, mine=mine
    )
    page = Paginator(appointments, APPOINTMENTS_PER_PAGE).get_page(request.GET.get("seite"))
    page.object_list = selectors.with_states(page.object_list)
    filters = urlencode({k: v for k, v in request.GET.items() if k != "seite"})
    return render(
        request,
        "recruiting/appointment_list.html",
        {"appointments": page, "page": page, "filters": filters, "past": past, "mine": mine},
    )


@company_page
def appointment_detail(request, pk: int):
    appointment = get_object_or_404(
        selectors.appointment_detail(company=request.user.company, pk=pk)
    )
    return render(
        request,
        "recruiting/appointment_detail.html",
        {
            "appointment": appointment,
            "email": selectors.candidate_email_status(appointment),
        },
    )


@planner_page
def appointment_create(request, pk: int):
    company = request.user.company
    application = get_object_or_404(selectors.applications_for(company=company), pk=pk)
    if landed := submitted_before(
        request, action="appointment_create", target="recruiting:appointment_detail"
    ):
        return landed
    initial = {
        "title": _("Vorstellungsgespräch: %(position)s") % {"position": application.position}
    }
    if request.GET.get("art") in {"onsite", "online", "phone"}:
        initial["kind"] = request.GET["art"]
    form = AppointmentForm(
        request.POST or None, company=company, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment, repeated = submitted_once(
                request,
                form,
                action="appointment_create",
                target="recruiting:appointment_detail",
                run=lambda: services.appointment_create(
                    by=request.user, application=application, **form.service_fields()
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map=APPOINTMENT_FIELD_MAP)
        else:
            if repeated:
                return repeated
            messages.success(request, _("Der Termin wurde geplant."))
            return redirect("recruiting:appointment_detail", pk=appointment.pk)
    return render(
        request,
        "recruiting/appointment_form.html",
        {"form": form, "application": application, "creating": True},
    )


@planner_page
def appointment_edit(request, pk: int):
    appointment = get_object_or_404(
        selectors.appointment_detail(company=request.user.company, pk=pk)
    )
    if appointment.is_cancelled:
        messages.error(request, _("Ein abgesagter Termin kann nicht mehr geändert werden."))
        return redirect("recruiting:appointment_detail", pk=appointment.pk)
    if landed := submitted_before(
        request, action="appointment_edit", target="recruiting:appointment_detail"
    ):
        return landed
    form = AppointmentForm(
        request.POST or None,
        company=request.user.company,
        user=request.user,
        initial=AppointmentForm.initial_for(appointment),
        keep_observers=appointment.observers.all(),
        appointment=appointment,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _saved, repeated = submitted_once(
                request,
                form,
                action="appointment_edit",
                target="recruiting:appointment_detail",
                run=lambda: services.appointment_update(
                    appointment=appointment,
                    by=request.user,
                    read_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                ),
            )
        except services.ChangedMeanwhile as error:
            add_service_errors(form, error)
            # Saving again now is a decision taken after reading what changed.
            form.data = form.data.copy()
            form.data["version"] = str(error.version)
        except ValidationError as error:
            add_service_errors(form, error, field_map=APPOINTMENT_FIELD_MAP)
        else:
            if repeated:
                return repeated
            messages.success(request, _("Der Termin wurde gespeichert."))
            return redirect("recruiting:appointment_detail", pk=appointment.pk)
    return render(
        request,
        "recruiting/appointment_form.html",
        {"form": form, "application": appointment.application, "appointment": appointment},
    )


@planner_page
def appointment_cancel(request, pk: int):
    appointment = get_object_or_404(
        selectors.appointment_detail(company=request.user.company, pk=pk)
    )
    if appointment.is_cancelled:
        messages.info(request, _("Der Termin ist bereits abgesagt."))
        return redirect("recruiting:appointment_detail", pk=appointment.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with notice_delays(request):
                services.appointment_cancel(
                    appointment=appointment, by=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"cancel_reason": "reason"})
        else:
            messages.success(request, _("Der Termin wurde abgesagt."))
            return redirect("recruiting:appointment_detail", pk=appointment.pk)
    return render(
        request, "recruiting/appointment_cancel.html", {"form": form, "appointment": appointment}
    )


@company_page
def appointment_email_preview(request, pk: int):
    appointment = get_object_or_404(
        selectors.appointment_detail(company=request.user.company, pk=pk)
    )
    return render(
        request,
        "recruiting/appointment_email_preview.html",
        {"appointment": appointment, "preview": services.candidate_email_preview(appointment)},
    )
