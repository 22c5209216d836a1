"""Reading the answers on the organizer's event: the room's booking assistant and the
observers (attendee.status, https://learn.microsoft.com/graph/api/resources/attendee and
resources/responsestatus). Exchange answers for rooms after the create (the 201 shows
"none"), observers whenever they like, so these are read again later (followup.py).
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from ebms.recruiting.models import Appointment

# responseStatus.response -> what the recruiter reads
CTX = "attendee response"
LABELS = {
    "accepted": pgettext_lazy(CTX, "zugesagt"),
    "tentativelyAccepted": pgettext_lazy(CTX, "mit Vorbehalt"),
    "declined": pgettext_lazy(CTX, "abgesagt"),
    "none": pgettext_lazy(CTX, "keine Antwort"),
    "notResponded": pgettext_lazy(CTX, "keine Antwort"),
}
OPEN = {"none", "notResponded", ""}

__all__ = ["LABELS", "answers_open", "observer_answers", "room_answer"]


def _address(attendee: dict) -> str:
    return ((attendee.get("emailAddress") or {}).get("address") or "").lower()


def _response(attendee: dict) -> str:
    return (attendee.get("status") or {}).get("response") or "none"


def room_answer(event: dict, appointment: Appointment) -> str | None:
    """The booked room's response, or None when the appointment books no room."""
    room = (appointment.room_email or "").lower()
    if not room:
        return None
    for attendee in event.get("attendees") or []:
        if _address(attendee) == room:
            return _response(attendee)
    return None


def observer_answers(event: dict, appointment: Appointment) -> list[dict]:
    """[{"address", "name", "response"}] of every attendee but the room."""
    room = (appointment.room_email or "").lower()
    return [
        {
            "address": _address(a),
            "name": (a.get("emailAddress") or {}).get("name") or _address(a),
            "response": _response(a),
        }
        for a in event.get("attendees") or []
        if _address(a) != room and a.get("type") != "resource"
    ]


def answers_open(event: dict, appointment: Appointment) -> bool:
    """Whether the room or an observer has not answered yet."""
    if room_answer(event, appointment) in OPEN:
        return True
    return any(a["response"] in OPEN for a in observer_answers(event, appointment))


def answer_fields(event: dict, appointment: Appointment) -> dict:
    """CalendarEvent fields for what the event shows (only when it carries attendees)."""
    if "attendees" not in event:
        return {}
    return {
        "room_declined": room_answer(event, appointment) == "declined",
        "attendee_responses": observer_answers(event, appointment),
    }
