"""Picker URLs, included at /kalender/verfuegbarkeit/ in the calendar_integration namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.picker, name="availability_picker"),
    path("naechster-termin/", views.next_slot, name="availability_next_slot"),
    path("raeume/", views.rooms, name="availability_rooms"),
    path("raeume/aktualisieren/", views.rooms_refresh, name="availability_rooms_refresh"),
]
