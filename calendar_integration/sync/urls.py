"""Included at /kalender/sync/ inside the calendar_integration namespace (names "sync_...")."""

from django.urls import path

from . import views, webhooks

urlpatterns = [
    path("termin/<int:pk>/status/", views.status, name="sync_status"),
    path("termin/<int:pk>/erneut/", views.retry, name="sync_retry"),
    path("termin/<int:pk>/teams-erneut/", views.teams_retry, name="sync_teams_retry"),
    path("termin/<int:pk>/ebms-zeit/", views.reapply, name="sync_reapply"),
    path("termin/<int:pk>/outlook-zeit/", views.move, name="sync_move"),
    path("termin/<int:pk>/problem/", views.report, name="sync_report"),
    path("probleme/", views.problems, name="sync_problems"),
    # Microsoft Graph's callbacks (public; push.py registers them at the subscription).
    path("benachrichtigung/", webhooks.notifications, name="sync_notifications"),
    path("benachrichtigung/lebenszyklus/", webhooks.lifecycle, name="sync_lifecycle"),
]
