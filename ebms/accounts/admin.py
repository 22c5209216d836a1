"""Django admin for community managers: companies, their bookings and users.

Community managers are staff with the permission `accounts.manage_feature_bookings`
(group "Community Manager"); the booking actions need exactly that permission.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebms.admin_columns import CompanyFilter, columns

from .models import BookingChange, Company, Feature, FeatureBooking, User
from .services import booking_activate, booking_end, booking_start_trial, feature_status

MANAGE = "manage_feature_bookings"


class BookingPermissionMixin:
    def has_manage_feature_bookings_permission(self, request) -> bool:
        return request.user.has_perm(f"accounts.{MANAGE}")


class FeatureBookingInline(admin.TabularInline):
    model = FeatureBooking
    fields = columns(
        "feature", "kind", "starts_at", "ends_at", "ended_at", "created_by", "ended_by"
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ActivateForm(forms.Form):
    starts_at = forms.DateTimeField(label=gettext_lazy("Beginn"), required=False)
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ende"),
        required=False,
        help_text=gettext_lazy("Leer lassen für eine unbefristete Buchung."),
    )


@admin.register(Company)
class CompanyAdmin(BookingPermissionMixin, admin.ModelAdmin):
    list_display = ["name", "time_zone", "feature_state", "microsoft_tenant_id"]
    search_fields = ["name"]
    readonly_fields = ["microsoft_tenant_id", "created_at"]
    inlines = [FeatureBookingInline]
    actions = ["start_trial", "activate_booking", "end_booking"]

    @admin.display(description=gettext_lazy("Kalender Integration (Office 365)"))
    def feature_state(self, company: Company) -> str:
        status = feature_status(company=company)
        if status is None:
            return _("nicht gebucht")
        if status.active and status.trial:
            return _("7-Tage-Demo (noch %(days)s Tage)") % {"days": status.days_left}
        if status.active:
            return _("gebucht")
        if status.was_trial:
            return _("7-Tage-Demo abgelaufen (nur Buchung möglich)")
        return _("beendet")

    @admin.action(description=gettext_lazy("7-Tage-Demo starten"), permissions=[MANAGE])
    def start_trial(self, request, queryset) -> None:
        for company in queryset:
            try:
                booking_start_trial(company=company, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("7-Tage-Demo für %(c)s gestartet.") % {"c": company},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Buchung aktivieren"), permissions=[MANAGE])
    def activate_booking(self, request, queryset):
        form = ActivateForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            for company in queryset:
                try:
                    booking_activate(
                        company=company,
                        by=request.user,
                        starts_at=form.cleaned_data["starts_at"] or timezone.now(),
                        ends_at=form.cleaned_data["ends_at"],
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return None
                self.message_user(
                    request, _("Buchung für %(c)s aktiviert.") % {"c": company}, messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Buchung aktivieren"),
            "companies": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/activate_booking.html", context)

    @admin.action(description=gettext_lazy("Buchung beenden"), permissions=[MANAGE])
    def end_booking(self, request, queryset) -> None:
        now = timezone.now()
        for company in queryset:
            active = [
                b
                for b in company.bookings.filter(feature=Feature.CALENDAR_O365)
                if b.is_active_at(now)
            ]
            if not active:
                self.message_user(
                    request, _("%(c)s hat keine aktive Buchung.") % {"c": company}, messages.WARNING
                )
            for booking in active:
                booking_end(booking=booking, by=request.user)
            if active:
                self.message_user(
                    request, _("Buchung für %(c)s beendet.") % {"c": company}, messages.SUCCESS
                )


class BookingChangeInline(admin.TabularInline):
    model = BookingChange
    fields = columns("at", "action", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeatureBooking)
class FeatureBookingAdmin(BookingPermissionMixin, admin.ModelAdmin):
    list_display = columns(
        "company", "feature", "kind", "starts_at", "ends_at", "ended_at", "created_by"
    )
    list_filter = ["feature", "kind"]
    search_fields = ["company__name"]
    # Everything read-only (bookings change through the actions); German labels.
    fields = columns(
        "company",
        "feature",
        "kind",
        "starts_at",
        "ends_at",
        "ended_at",
        "created_at",
        "created_by",
        "ended_by",
    )
    readonly_fields = fields
    inlines = [BookingChangeInline]
    actions = ["end_selected"]

    def has_add_permission(self, request) -> bool:
        # Bookings are made through the company actions so every change is recorded.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Buchung beenden"), permissions=[MANAGE])
    def end_selected(self, request, queryset) -> None:
        now = timezone.now()
        for booking in queryset.select_related("company"):
            if booking.is_active_at(now):
                booking_end(booking=booking, by=request.user)
        self.message_user(request, _("Ausgewählte Buchungen beendet."), messages.SUCCESS)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = columns(
        "email", "first_name", "last_name", "company", "role", "is_active", "is_staff"
    )
    list_filter = ["role", "is_active", "is_staff", ("company", CompanyFilter)]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Person"), {"fields": ["first_name", "last_name"]}),
        (gettext_lazy("Firma"), {"fields": ["company", "role"]}),
        (
            gettext_lazy("Berechtigungen"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
