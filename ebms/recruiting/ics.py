"""The candidate's calendar file (RFC 5545/5546) for an appointment: never the Outlook event.

Stable UID per appointment, SEQUENCE = appointment.sequence, times with the company's TZID
and a VTIMEZONE for it, METHOD:REQUEST (create/reschedule) or CANCEL. Only the candidate is
an attendee; the internal description and the observers never appear.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from .models import Appointment, AppointmentKind
from .services.join_info import candidate_text, join_parts

PRODID = "-//EBMS//Bewerbermanagement//DE"


def uid_for(appointment: Appointment) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "ebms.invalid"
    return f"{appointment.ical_uid}@{domain}"


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, year: int) -> Timezone:
    # Only the transitions around the appointment: small files, and building is fast.
    return Timezone.from_tzinfo(
        ZoneInfo(tzid),
        tzid=tzid,
        # Clamped: an appointment at the edge of the calendar must not overflow date().
        first_date=date(max(year - 1, 1), 1, 1),
        last_date=date(min(year + 2, 9999), 1, 1),
    )


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def ics_location(appointment: Appointment) -> str:
    if appointment.kind == AppointmentKind.ONLINE:
        parts = join_parts(appointment)
        return parts[0] if parts else ""
    if appointment.kind == AppointmentKind.PHONE:
        return "Telefon"
    return appointment.location


def appointment_ics(appointment: Appointment, *, cancel: bool | None = None) -> bytes:
    """The .ics bytes; `cancel` defaults to the appointment's status."""
    cancel = appointment.is_cancelled if cancel is None else cancel
    zone = appointment.company.zone
    tzid = appointment.company.time_zone
    candidate = appointment.application.candidate
    recruiter = appointment.recruiter

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    calendar.add_component(_vtimezone(tzid, appointment.starts_at.astimezone(zone).year))

    event = Event()
    event.add("uid", uid_for(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    event.add("summary", appointment.title)
    location = ics_location(appointment)
    if location:
        event.add("location", location)
    description = candidate_text(appointment)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(recruiter.email, recruiter.get_full_name()))
    if candidate.email:
        # RSVP=FALSE: replies would reach the recruiter's mailbox, where this event (not the
        # Outlook event, which has its own UID) is unknown.
        event.add(
            "attendee",
            _address(
                candidate.email,
                str(candidate),
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="FALSE",
            ),
        )
    calendar.add_component(event)
    return calendar.to_ical()
