"""URLs of the calendar module: connection pages here, the features' pages nested."""

from __future__ import annotations

from django.urls import include, path

from .connection import views

app_name = "calendar_integration"
urlpatterns = [
    path("verbinden/", views.connect, name="connect"),
    path("verbinden/start/", views.connect_start, name="connect_start"),
    # Registered at Microsoft as the redirect URI (settings.M365_REDIRECT_URI).
    path("verbinden/callback/", views.callback, name="callback"),
    path("verbinden/trennen/", views.disconnect, name="disconnect"),
    path("verbinden/funktionstest/", views.check, name="check"),
    path("einrichtung/", views.admin_info, name="admin_info"),
    path("uebersicht/", views.overview, name="overview"),
    # Nested modules set no app_name: their names live in this namespace.
    path("sync/", include("calendar_integration.sync.urls")),
    path("verfuegbarkeit/", include("calendar_integration.availability.urls")),
]
