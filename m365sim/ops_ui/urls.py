"""Ops UI routes under /m365/ (no app_name: names are prefixed ops-...)."""

from django.urls import path

from . import event_edit, notify_views, views

urlpatterns = [
    path("kalender/<int:pk>/", views.calendar_week, name="ops-calendar"),
    path("termin/<int:pk>/antworten/", views.event_respond, name="ops-respond"),
    path("termine/<int:pk>/", event_edit.event_edit, name="ops-event-edit"),
    path("termine/<int:pk>/verschieben/", event_edit.event_move, name="ops-event-move"),
    path("termine/<int:pk>/loeschen/", event_edit.event_remove, name="ops-event-delete"),
    path("fehler/", views.fault_list, name="ops-faults"),
    path("fehler/<int:pk>/umschalten/", views.fault_toggle, name="ops-fault-toggle"),
    path("fehler/<int:pk>/loeschen/", views.fault_delete, name="ops-fault-delete"),
    path("fehler/alle-loeschen/", views.fault_clear, name="ops-faults-clear"),
    path("protokoll/", views.request_log, name="ops-log"),
    path("abonnements/", notify_views.subscription_list, name="ops-subscriptions"),
    path(
        "abonnements/<uuid:pk>/fehler/",
        notify_views.subscription_faults,
        name="ops-subscription-faults",
    ),
    path(
        "abonnements/<uuid:pk>/lebenszyklus/",
        notify_views.subscription_lifecycle,
        name="ops-subscription-lifecycle",
    ),
    path("abonnements/zustellen/", notify_views.deliver_now, name="ops-deliver-now"),
    path(
        "postfach/<int:pk>/delta-verwerfen/",
        notify_views.delta_invalidate,
        name="ops-delta-invalidate",
    ),
]
