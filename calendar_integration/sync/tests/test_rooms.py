"""F10: the room is booked as a resource attendee; Exchange's booking assistant answers after
the create (the 201 shows "none"), so EBMS reads the event again and flags a decline."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from calendar_integration.availability.models import Room
from calendar_integration.sync.models import CalendarEvent
from ebms.recruiting.services import appointment_update
from m365sim.models import AutoAcceptPolicy, Event

from .conftest import answers_arrive, calls, client_for, events_of, plan, record_of


def test_the_room_is_booked_as_resource_attendee(m365, rita, alice, application):
    room = m365.rooms[0]
    # From the company's stored room list: no Graph lookup for the address (issue 11.5).
    Room.objects.create(
        company=application.company, email=room.email, name=room.display_name,
        last_seen_at=timezone.now(),
    )  # fmt: skip

    appointment = plan(
        application=application, by=alice, room_email=room.email, room_name=room.display_name
    )

    (event,) = events_of(m365.recruiter)
    (attendee,) = event.attendees
    assert attendee["type"] == "resource"
    assert attendee["status"]["response"] == "none"  # the booking assistant answers later
    assert event.location["locationEmailAddress"] == room.email
    assert record_of(appointment).followup_at is not None

    answers_arrive(m365)

    event.refresh_from_db()
    assert event.attendees[0]["status"]["response"] == "accepted"
    assert Event.objects.filter(mailbox=room, ical_uid=event.ical_uid).exists()
    record = record_of(appointment)
    assert record.room_declined is False and record.followup_at is None
    assert [c.method for c in calls(m365.recruiter)] == ["POST", "GET"]


def test_a_declining_room_is_flagged_when_its_answer_arrives(m365, rita, alice, application):
    room = m365.add_room("raum.gamma", "Raum Gamma", auto_accept=AutoAcceptPolicy.DECLINE_ALL)

    appointment = plan(
        application=application, by=alice, room_email=room.email, room_name="Raum Gamma"
    )
    assert record_of(appointment).room_declined is False  # nobody answered yet

    answers_arrive(m365)

    record = record_of(appointment)
    assert record.room_declined is True
    assert not Event.objects.filter(mailbox=room).exists()
    page = client_for(alice).get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
    html = page.content.decode()
    assert "Raum hat abgelehnt" in html and "anderen Raum wählen" in html
    assert reverse("recruiting:appointment_edit", args=[appointment.pk]) in html
    listing = client_for(alice).get(reverse("recruiting:appointment_list")).content.decode()
    assert "Raum hat abgelehnt" in listing
    assert CalendarEvent.objects.filter(room_declined=True).count() == 1


def test_a_room_busy_at_the_new_time_declines_after_the_move(m365, rita, alice, application):
    room = m365.rooms[0]
    appointment = plan(
        application=application, by=alice, room_email=room.email, room_name=room.display_name
    )
    answers_arrive(m365)
    new_start = appointment.starts_at + timedelta(hours=3)
    blocker = m365.add_user("bea", "Bea Blocker")
    Event.objects.create(
        mailbox=room, graph_id="AAMkAblocker", ical_uid="blocker", change_key="x",
        created_at=m365.now(), modified_at=m365.now(), subject="Bea Blocker",
        start=new_start, end=new_start + timedelta(hours=1), organizer_address=blocker.email,
        is_organizer=False, response="accepted",
    )  # fmt: skip

    appointment_update(
        appointment=appointment,
        by=alice,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=1),
    )
    assert record_of(appointment).room_declined is False

    answers_arrive(m365)

    assert record_of(appointment).room_declined is True
