"""Django admin for support: sync records (read-only), their Graph calls, problem reports,
the mailboxes' subscriptions (read-only, without the clientState secret or the delta link)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ebms.admin_columns import CompanyFilter, columns

from .models import (
    CalendarEvent,
    CompanySyncSettings,
    MailboxSubscription,
    ProblemReport,
    SyncLog,
)


class SyncLogInline(admin.TabularInline):
    model = SyncLog
    fields = ("at", "operation", "method", "status", "duration_ms", "request_id", "error_code")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-at",)


@admin.register(CalendarEvent)
class CalendarEventAdmin(admin.ModelAdmin):
    list_display = columns("pk", "company", "kind", "appointment", "status", "last_error_code",
                           "wanted_version", "synced_version", "updated_at")  # fmt: skip
    list_filter = ("status", "kind", ("company", CompanyFilter))
    inlines = [SyncLogInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = columns("created_at", "company", "reported_by", "appointment", "mailed_at")
    list_filter = (("company", CompanyFilter),)
    readonly_fields = ("company", "appointment", "reported_by", "message", "details",
                       "created_at", "mailed_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CompanySyncSettings)
class CompanySyncSettingsAdmin(admin.ModelAdmin):
    list_display = columns("company", "sensitivity")


@admin.register(MailboxSubscription)
class MailboxSubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "connection", "status", "expires_at", "last_pull_at", "retry_at", "pulls", "last_error"
    )  # fmt: skip
    list_filter = ("status",)
    fields = ("connection", "subscription_id", "status", "expires_at", "last_error",
              "window_start", "resync", "pull_requested_at", "last_pull_at", "retry_at",
              "pulls")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
