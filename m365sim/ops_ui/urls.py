"""Ops UI routes under /m365/ (no app_name: names are prefixed ops-...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("kalender/<int:pk>/", views.calendar_week, name="ops-calendar"),
    path("termin/<int:pk>/antworten/", views.event_respond, name="ops-respond"),
    path("fehler/", views.fault_list, name="ops-faults"),
    path("fehler/<int:pk>/umschalten/", views.fault_toggle, name="ops-fault-toggle"),
    path("fehler/<int:pk>/loeschen/", views.fault_delete, name="ops-fault-delete"),
    path("fehler/alle-loeschen/", views.fault_clear, name="ops-faults-clear"),
    path("protokoll/", views.request_log, name="ops-log"),
]
