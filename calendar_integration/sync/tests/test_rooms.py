"""F10: the room is booked as a resource attendee; a room that declines is flagged."""

from __future__ import annotations

from django.urls import reverse

from calendar_integration.sync.models import CalendarEvent
from m365sim.models import AutoAcceptPolicy, Event

from .conftest import client_for, events_of, plan, record_of


def test_the_room_is_booked_as_resource_attendee(m365, rita, alice, application):
    room = m365.rooms[0]

    appointment = plan(
        application=application, by=alice, room_email=room.email, room_name=room.display_name
    )

    (event,) = events_of(m365.recruiter)
    (attendee,) = event.attendees
    assert attendee["type"] == "resource"
    assert attendee["status"]["response"] == "accepted"
    assert event.location["locationEmailAddress"] == room.email
    assert Event.objects.filter(mailbox=room, ical_uid=event.ical_uid).exists()
    assert record_of(appointment).room_declined is False


def test_a_declining_room_is_flagged(m365, rita, alice, application):
    room = m365.add_room("raum.gamma", "Raum Gamma", auto_accept=AutoAcceptPolicy.DECLINE_ALL)

    appointment = plan(
        application=application, by=alice, room_email=room.email, room_name="Raum Gamma"
    )

    record = record_of(appointment)
    assert record.room_declined is True
    assert not Event.objects.filter(mailbox=room).exists()
    page = client_for(alice).get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
    assert "Raum hat abgelehnt" in page.content.decode()
    assert CalendarEvent.objects.filter(room_declined=True).count() == 1
