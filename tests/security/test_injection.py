"""HTML and header injection: hostile text in every field that reaches pages, candidate
e-mails (HTML part, headers, .ics) and Outlook event bodies comes out escaped or refused."""

from __future__ import annotations

from email import message_from_bytes
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ebms.recruiting.links import proposal_link_for
from ebms.recruiting.models import Candidate
from ebms.recruiting.services import appointment_cancel, proposal_create
from ebms.recruiting.tests import factories as f

from .conftest import client_for

RAW = ("<script>alert(", "<img src=x")


def hostile(n: int) -> str:
    """Both classic payloads, numbered so each field can be traced to the page it reaches."""
    return f'F{n} <script>alert({n})</script> "><img src=x onerror=alert({n})>'


def escaped(n: int) -> str:
    return f"&lt;script&gt;alert({n})&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert({n})&gt;"


FIELDS = {
    "first_name": 1,
    "last_name": 2,
    "title": 3,
    "internal_description": 4,
    "candidate_message": 5,
    "location": 6,
    "cancel_reason": 7,
    "position": 8,
    "proposal_title": 9,
}


@pytest.fixture
def hostile_world(db, django_capture_on_commit_callbacks, mailoutbox):
    acme = f.company(name="Muster GmbH")
    alice = f.alice(company=acme)
    position = f.position(company=acme, title=hostile(FIELDS["position"]))
    application = f.application(
        company=acme,
        position=position,
        first_name=hostile(FIELDS["first_name"]),
        last_name=hostile(FIELDS["last_name"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        appointment = f.appointment(
            application=application,
            by=alice,
            title=hostile(FIELDS["title"]),
            internal_description=hostile(FIELDS["internal_description"]),
            candidate_message=hostile(FIELDS["candidate_message"]),
            location=hostile(FIELDS["location"]),
        )
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(
            appointment=appointment, by=alice, reason=hostile(FIELDS["cancel_reason"])
        )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(
            by=alice,
            application=application,
            recruiter=alice,
            observers=[],
            kind="phone",
            title=hostile(FIELDS["proposal_title"]),
            candidate_message=hostile(FIELDS["candidate_message"]),
            slots=[
                (f.future(days=3), f.future(days=3, hour=11)),
                (f.future(days=4), f.future(days=4, hour=11)),
            ],
        )
    appointment.refresh_from_db()
    return {"alice": alice, "appointment": appointment, "proposal": proposal,
            "application": application, "mails": list(mailoutbox)}  # fmt: skip


def _pages(world) -> dict[str, str]:
    client = client_for(world["alice"])
    appointment, proposal = world["appointment"], world["proposal"]
    urls = [
        reverse("dashboard"),
        reverse("recruiting:candidate_list"),
        reverse("recruiting:candidate_detail", args=[world["application"].candidate_id]),
        reverse("recruiting:application_detail", args=[world["application"].pk]),
        reverse("recruiting:appointment_list") + "?zeitraum=vergangen",
        reverse("recruiting:appointment_list"),
        reverse("recruiting:appointment_detail", args=[appointment.pk]),
        reverse("recruiting:appointment_email_preview", args=[appointment.pk]),
        reverse("recruiting:proposal_detail", args=[proposal.pk]),
        reverse("recruiting:proposal_withdraw", args=[proposal.pk]),
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    public = Client().post(urlsplit(proposal_link_for(proposal)).path, follow=True)
    assert public.status_code == 200
    pages["candidate page"] = public.content.decode()
    return pages


def test_hostile_text_is_escaped_on_every_page(hostile_world):
    pages = _pages(hostile_world)

    for url, html in pages.items():
        for raw in RAW:
            assert raw not in html, (url, raw)
    everything = "\n".join(pages.values())
    for field, n in FIELDS.items():
        assert escaped(n) in everything, f"{field} did not reach any page"


def test_hostile_text_is_escaped_in_the_candidate_emails(hostile_world):
    mails = hostile_world["mails"]
    subjects = [m.subject for m in mails]
    assert len(mails) == 3, subjects  # invitation, cancellation, proposal

    for mail in mails:
        html = mail.alternatives[0][0]
        for raw in RAW:
            assert raw not in html, (mail.subject, raw)
    html = "\n".join(m.alternatives[0][0] for m in mails)
    for field in ("first_name", "last_name", "title", "candidate_message", "cancel_reason"):
        assert escaped(FIELDS[field]) in html, f"{field} missing from the e-mails"
    assert "F4 " not in html  # the internal description never goes to the candidate


CRLF = "Titel\r\nBcc: evil@example.com"


def _sent_with_title(title: str, *, capture, mailoutbox, **fields):
    acme = f.company(name="Muster GmbH")
    alice = f.alice(company=acme)
    application = f.application(company=acme, last_name=fields.pop("last_name", "Bewerber"))
    try:
        with capture(execute=True):
            f.appointment(application=application, by=alice, title=title, **fields)
    except ValidationError:
        return None  # refused: also fine
    assert len(mailoutbox) == 1
    return mailoutbox[0]


def test_a_line_break_in_the_title_creates_no_mail_header(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    mail = _sent_with_title(CRLF, capture=django_capture_on_commit_callbacks, mailoutbox=mailoutbox)
    if mail is None:
        assert not mailoutbox
        return
    parsed = message_from_bytes(mail.message().as_bytes())
    assert parsed["Bcc"] is None and mail.bcc == []
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    assert parsed["Subject"] == "Einladung: Titel Bcc: evil@example.com"
    assert mail.recipients() == [mail.to[0]]


def test_line_breaks_in_user_text_create_no_ics_property(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    injected = "\r\nATTENDEE:mailto:evil@example.com\r\nBCC:evil@example.com"
    mail = _sent_with_title(
        "Gespräch" + injected,
        capture=django_capture_on_commit_callbacks,
        mailoutbox=mailoutbox,
        location="Hauptstraße 1" + injected,
        candidate_message="Hallo" + injected,
        last_name="Bewerber" + injected,
    )
    assert mail is not None
    (ics,) = [a for a in mail.message().walk() if a.get_content_type() == "text/calendar"]
    # Unfold (RFC 5545 3.1): a continuation line starts with a space.
    lines = ics.get_payload(decode=True).decode().replace("\r\n ", "").split("\r\n")
    assert any("evil@example.com" in line for line in lines)  # kept as text, escaped
    assert not [line for line in lines if line.startswith(("ATTENDEE:mailto:evil", "BCC"))]
    assert sum(line.startswith("BEGIN:VEVENT") for line in lines) == 1


def test_a_hostile_candidate_email_address_is_refused_and_echoed_escaped(db):
    acme = f.company(name="Muster GmbH")
    client = client_for(f.alice(company=acme))
    response = client.post(
        reverse("recruiting:candidate_create"),
        {
            "first_name": "Dana",
            "last_name": "Bewerber",
            "email": '"><img src=x onerror=alert(1)>@x.example',
            "language": "de",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "<img src=x" not in response.content.decode()
    assert not Candidate.objects.filter(company=acme).exists()


def test_outlook_event_bodies_escape_user_text(hostile_world):
    """The HTML body EBMS writes into the recruiter's Outlook event (and the tentative holds
    of a proposal) carries candidate, position and description escaped."""
    from calendar_integration.sync.payloads import appointment_payload, hold_payload

    proposal = hostile_world["proposal"]
    bodies = [appointment_payload(hostile_world["appointment"])["body"]]
    bodies += [hold_payload(proposal, slot)["body"] for slot in proposal.slots.all()]

    for body in bodies:
        assert body["contentType"] == "html"
        for raw in RAW:
            assert raw not in body["content"], raw
    event = bodies[0]["content"]
    for field in ("first_name", "last_name", "position", "internal_description"):
        assert escaped(FIELDS[field]) in event, f"{field} missing from the Outlook body"
    assert escaped(FIELDS["last_name"]) in bodies[1]["content"]
