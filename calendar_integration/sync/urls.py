"""Included at /kalender/sync/ inside the calendar_integration namespace (names "sync_...")."""

from django.urls import path

from . import views

urlpatterns = [
    path("termin/<int:pk>/status/", views.status, name="sync_status"),
    path("termin/<int:pk>/erneut/", views.retry, name="sync_retry"),
    path("termin/<int:pk>/teams-erneut/", views.teams_retry, name="sync_teams_retry"),
    path("termin/<int:pk>/ebms-zeit/", views.reapply, name="sync_reapply"),
    path("termin/<int:pk>/outlook-zeit/", views.move, name="sync_move"),
    path("termin/<int:pk>/problem/", views.report, name="sync_report"),
    path("probleme/", views.problems, name="sync_problems"),
]
