"""What EBMS writes into Outlook: the event properties it owns, the diff against what was last
sent (so Outlook edits of other properties survive), and Microsoft's Teams join block.

Property shapes: https://learn.microsoft.com/graph/api/resources/event (dateTimeTimeZone,
location, attendee with type "resource" for rooms), https://learn.microsoft.com/graph/outlook-calendar-online-meetings.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from ebms.accounts.models import Company, User
from ebms.recruiting.models import Appointment, AppointmentKind, Proposal, ProposalSlot

from ..microsoft.time import graph_when
from .models import CalendarEvent, CompanySyncSettings
from .privacy import candidate_label

# Our tag on every event (singleValueExtendedProperty, a named string property in our own
# property set): finds an event again after an ambiguous create or a lost id.
PROPERTY_ID = "String {6f0e4b9a-2c1d-4f57-9a3e-5e1b7c0d8a21} Name EbmsRecordKey"
TEAMS_LOCATION = "Microsoft Teams-Besprechung"
RULE = "_" * 80

__all__ = [
    "PROPERTY_ID",
    "appointment_payload",
    "create_body",
    "hold_payload",
    "join_block_extract",
    "join_text",
    "patch_for",
    "room_declined",
]


def _sensitivity(company: Company) -> str:
    row = CompanySyncSettings.objects.filter(company=company).first()
    return row.sensitivity if row else CompanySyncSettings.Sensitivity.PRIVATE


def _address(user: User) -> str:
    """The observer's Microsoft address when he connected one, else his EBMS e-mail."""
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default.
    connection = getattr(user, "microsoft_connection", None)
    return (connection.upn if connection is not None else "") or user.email


def _site_link(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def appointment_payload(appointment: Appointment) -> dict:
    """The event properties EBMS owns for an appointment (never the candidate as attendee)."""
    company = appointment.company
    attendees = [
        {
            "emailAddress": {"address": _address(user), "name": user.get_full_name() or user.email},
            "type": "required",
        }
        for user in appointment.observers.select_related("microsoft_connection").order_by("pk")
        if user.email
    ]
    if appointment.kind == AppointmentKind.ON_SITE:
        location = {"displayName": appointment.room_name or appointment.location}
        if appointment.room_email:
            location["locationEmailAddress"] = appointment.room_email
            attendees.append(
                {
                    "emailAddress": {
                        "address": appointment.room_email,
                        "name": appointment.room_name or appointment.room_email,
                    },
                    "type": "resource",
                }
            )
    elif appointment.kind == AppointmentKind.ONLINE:
        # A link typed by the recruiter wins over a Teams meeting (see teams_wanted).
        location = {"displayName": appointment.meeting_link or TEAMS_LOCATION}
    else:
        location = {"displayName": str(AppointmentKind(appointment.kind).label)}
    candidate = candidate_label(appointment.application.candidate, company_id=company.pk)
    position = appointment.application.position
    body = render_to_string(
        "calendar_integration/sync/event_body.html",
        {
            "appointment": appointment,
            "candidate_name": candidate,
            "position": appointment.application.position,
            "link": _site_link("recruiting:appointment_detail", appointment.pk),
        },
    ).strip()
    return {
        "subject": f"{appointment.title} – {candidate or position}",
        "body": {"contentType": "html", "content": body},
        "start": graph_when(appointment.starts_at, company.time_zone),
        "end": graph_when(appointment.ends_at, company.time_zone),
        "location": location,
        "attendees": attendees,
        "isOnlineMeeting": teams_wanted(appointment),
        "showAs": "busy",
        "sensitivity": _sensitivity(company),
        "allowNewTimeProposals": False,
    }


def room_declined(event: dict[str, Any], appointment: Appointment) -> bool:
    """The room (resource attendee) answered "declined" in Outlook's answer `event`."""
    room = (appointment.room_email or "").lower()
    for attendee in event.get("attendees") or []:
        address = (attendee.get("emailAddress") or {}).get("address", "").lower()
        if room and address == room:
            return (attendee.get("status") or {}).get("response") == "declined"
    return False


def teams_wanted(appointment: Appointment) -> bool:
    """Online without a typed meeting link: Microsoft creates a Teams meeting.

    A typed link is the recruiter's choice (no Teams licence, another meeting tool, or an
    appointment planned before connecting whose candidate already has that link).
    """
    return appointment.kind == AppointmentKind.ONLINE and not appointment.meeting_link


def hold_payload(proposal: Proposal, slot: ProposalSlot) -> dict:
    """A tentative hold: no attendees, so nobody gets an invitation."""
    candidate = candidate_label(proposal.application.candidate, company_id=proposal.company_id)
    body = render_to_string(
        "calendar_integration/sync/hold_body.html",
        {
            "proposal": proposal,
            "candidate_name": candidate,
            "link": _site_link("recruiting:proposal_detail", proposal.pk),
        },
    ).strip()
    return {
        "subject": f"Vorschlag: {proposal.title} – {candidate or proposal.application.position}",
        "body": {"contentType": "html", "content": body},
        "start": graph_when(slot.starts_at, proposal.company.time_zone),
        "end": graph_when(slot.ends_at, proposal.company.time_zone),
        "showAs": "tentative",
        "sensitivity": _sensitivity(proposal.company),
        "allowNewTimeProposals": False,
        "isReminderOn": False,
    }


def create_body(record: CalendarEvent, payload: dict) -> dict:
    """POST body: the payload plus the fixed transactionId and our extended property."""
    body = dict(payload)
    if body.get("isOnlineMeeting"):
        body["onlineMeetingProvider"] = "teamsForBusiness"
    body["transactionId"] = record.transaction_id
    body["singleValueExtendedProperties"] = [{"id": PROPERTY_ID, "value": str(record.key)}]
    return body


def patch_for(record: CalendarEvent, payload: dict) -> dict:
    """Only the properties whose wanted value differs from what was last sent."""
    changes = {name: value for name, value in payload.items() if record.snapshot.get(name) != value}
    if changes.get("isOnlineMeeting") is False and record.snapshot.get("isOnlineMeeting"):
        # Graph cannot switch a Teams meeting off; leave the meeting in place.
        changes.pop("isOnlineMeeting")
    if changes.get("isOnlineMeeting"):
        changes["onlineMeetingProvider"] = "teamsForBusiness"
    if "body" in changes and record.join_block:
        # A body without the join block would end the Teams meeting (event-update docs).
        content = changes["body"]["content"] + record.join_block
        changes["body"] = {"contentType": "html", "content": content}
    return changes


def join_block_extract(body_html: str) -> str:
    """Microsoft's Teams join block: the part of the body framed by lines of 80 underscores.

    Never parsed by wording (it changes); '' when there is none.
    """
    first = body_html.find(RULE)
    last = body_html.rfind(RULE)
    if first == -1:
        return ""
    start = body_html.rfind("<div", 0, first)
    start = first if start == -1 else start
    close = body_html.find("</div>", last)
    end = len(body_html) if close == -1 else close + len("</div>")
    return body_html[start:end]


class _Text(HTMLParser):
    BLOCKS = {"div", "p", "br", "tr", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            self.href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            self.parts.append(f": {self.href}")
            self.href = ""
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def join_text(block_html: str, join_url: str) -> str:
    """Plain-text version of the join block (links spelled out), without the rule lines."""
    parser = _Text()
    parser.feed(block_html or "")
    parser.close()
    lines = [" ".join(line.split()) for line in unescape("".join(parser.parts)).splitlines()]
    lines = [line for line in lines if line and not re.fullmatch(r"_+", line)]
    if join_url and not any(join_url in line for line in lines):
        lines.append(join_url)
    return "\n".join(lines)
