"""Moving or deleting the event in the simulator's week view (as the recruiter would in
Outlook) is a drift EBMS sees, exactly like a Graph PATCH/DELETE by the owner (issue 14, 20)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from calendar_integration.sync.models import CalendarEvent

from .conftest import client_for, events_of, plan, record_of


def _panel(user, appointment) -> str:
    url = reverse("calendar_integration:sync_status", args=[appointment.pk])
    return client_for(user).get(url).content.decode()


def test_a_move_in_the_week_view_is_flagged_as_changed_in_outlook(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    (event,) = events_of(m365.recruiter)
    url = reverse("m365sim:ops-event-move", kwargs={"pk": event.pk})
    later = (event.start + timedelta(hours=3)).astimezone(appointment.company.zone)

    Client().post(url, {"date": later.date().isoformat(), "start": later.strftime("%H:%M")})

    assert "In Outlook geändert" in _panel(alice, appointment)
    record = record_of(appointment)
    assert record.drift == CalendarEvent.Drift.CHANGED
    assert record.outlook_start == appointment.starts_at + timedelta(hours=3)


def test_a_delete_in_the_week_view_is_flagged_as_deleted(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    (event,) = events_of(m365.recruiter)

    Client().post(reverse("m365sim:ops-event-delete", kwargs={"pk": event.pk}))

    _panel(alice, appointment)
    assert record_of(appointment).drift == CalendarEvent.Drift.DELETED
