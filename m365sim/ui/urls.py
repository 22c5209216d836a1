"""Admin pages of the simulator under /m365/ (names prefixed ui-)."""

from __future__ import annotations

from django.urls import path

from m365sim.ui import views

urlpatterns = [
    path("", views.home, name="ui-home"),
    path("uhr/", views.clock_set, name="ui-clock"),
    path("mandanten/neu/", views.tenant_add, name="ui-tenant-add"),
    path("mandanten/<uuid:tenant_id>/", views.tenant_detail, name="ui-tenant"),
    path("mandanten/<uuid:tenant_id>/benutzer/neu/", views.user_add, name="ui-user-add"),
    path("mandanten/<uuid:tenant_id>/raeume/neu/", views.room_add, name="ui-room-add"),
    path("postfaecher/<int:pk>/", views.mailbox_edit, name="ui-mailbox-edit"),
    path(
        "postfaecher/<int:pk>/sitzungen-widerrufen/",
        views.sessions_revoke,
        name="ui-sessions-revoke",
    ),
    path("mandanten/<uuid:tenant_id>/app/", views.app_settings, name="ui-app"),
    path(
        "mandanten/<uuid:tenant_id>/app/zustimmung/",
        views.admin_consent_grant,
        name="ui-admin-consent",
    ),
    path("zustimmungen/<int:pk>/widerrufen/", views.grant_revoke, name="ui-grant-revoke"),
    path("anforderungen/<int:pk>/", views.consent_request_decide, name="ui-consent-request"),
]
