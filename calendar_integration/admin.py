"""Django admin: connections and checks for support. Token material is never shown."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ebms.admin_columns import CompanyFilter, columns

from .models import FunctionCheck, MicrosoftConnection


@admin.register(MicrosoftConnection)
class MicrosoftConnectionAdmin(admin.ModelAdmin):
    list_display = columns("user", "company", "upn", "state", "last_refresh_at", "last_error_code")
    list_filter = ("state", ("company", CompanyFilter))
    search_fields = ("user__email", "upn")
    # Explicit field list: token_cache_encrypted is not editable and never listed.
    fields = (
        "user",
        "company",
        "tenant_id",
        "oid",
        "upn",
        "display_name",
        "state",
        "with_rooms",
        "granted_scopes",
        "connected_at",
        "last_refresh_at",
        "last_used_at",
        "last_error",
        "last_error_code",
        "last_error_at",
        "reconnect_mail_sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FunctionCheck)
class FunctionCheckAdmin(admin.ModelAdmin):
    list_display = columns("connection", "checked_at")
    readonly_fields = ("connection", "checked_at", "items")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


from .sync import admin as sync_admin  # noqa: E402, F401  (registers the sync models)
