"""Online appointments: the join-info placeholder, waiting invitations, the sanitizer."""

from __future__ import annotations

import pytest

from ebms.recruiting import hooks
from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER, CandidateEmail
from ebms.recruiting.services import (
    appointment_cancel,
    appointment_join_info_set,
    appointment_update,
    candidate_email_preview,
)
from ebms.recruiting.services.join_info import safe_href, sanitize_html
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests import hooks_registry

MESSAGE = f"Hallo Dana,\n\nso nehmen Sie teil:\n\n{JOIN_INFO_PLACEHOLDER}\n\nBis bald!"
TEAMS_HTML = (
    '<div style="width:100%"><span style="font-size:24px">Microsoft Teams</span>'
    '<div><a href="https://teams.microsoft.com/l/meetup-join/19%3ameeting_x" '
    'class="me-email-headline" onclick="steal()">Jetzt an der Besprechung teilnehmen</a></div>'
    "<div>Besprechungs-ID: 123 456</div><script>alert(1)</script></div>"
)
TEAMS_TEXT = (
    "Microsoft Teams\nJetzt teilnehmen: https://teams.microsoft.com/l/meetup-join/19%3ameeting_x"
)
TEAMS_URL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x"


@pytest.fixture
def w(db):
    return f.world()


@pytest.fixture
def integration():
    """A calendar module that promises join information."""
    provider = hooks.provide_join_info(lambda appointment: appointment.is_online)
    yield
    hooks_registry.stop_providing_join_info(provider)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def online(w, **fields):
    fields.setdefault("candidate_message", MESSAGE)
    return f.appointment(application=w.application, by=w.alice, kind="online", **fields)


# --- sanitizer -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert(1)</script>ok", "alert"),
        ("<style>body{display:none}</style>ok", "display"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', "alert"),
        ('<a href=" javascript:alert(1)">x</a>', "alert"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<a href="//evil.example/x">x</a>', "evil"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<div onclick="alert(1)" style="background:url(x)">x</div>', "onclick"),
        ('<div style="background:url(javascript:alert(1))">x</div>', "style"),
        ("<iframe src='https://evil.example'></iframe>", "iframe"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ("<!-- <script>alert(1)</script> -->", "alert"),
        ("<scr<script>ipt>alert(1)</script>", "<script"),
        ('<form action="https://evil.example"><input name="pw"></form>', "form"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script"),
        ('<a href="https://ok.example" target="_blank" onmouseover="x()">x</a>', "onmouseover"),
    ],
)
def test_the_sanitizer_removes_hostile_input(hostile, forbidden):
    clean = sanitize_html(hostile)
    assert forbidden.lower() not in clean.lower()
    assert "<script" not in clean.lower()


def test_the_sanitizer_keeps_the_safe_subset():
    clean = sanitize_html(
        "<p>Hallo <b>fett</b> <strong>stark</strong> <i>k</i> <em>e</em> <u>u</u><br>"
        '<a href="https://teams.example/j?a=1&amp;b=2" title="t">Link</a></p><hr>'
        '<table><tr><td colspan="2">Zelle</td></tr></table><span>s</span>'
    )
    assert "<b>fett</b>" in clean and "<strong>stark</strong>" in clean and "<br>" in clean
    assert (
        '<a href="https://teams.example/j?a=1&amp;b=2" rel="noopener noreferrer">Link</a>' in clean
    )
    assert '<td colspan="2">Zelle</td>' in clean and "<hr>" in clean and "<span>s</span>" in clean
    assert "title=" not in clean


def test_the_sanitizer_escapes_text_and_closes_open_tags():
    clean = sanitize_html('<div><b>1 < 2 & "3"</div></span><p>offen')
    assert clean == '<div><b>1 &lt; 2 &amp; "3"</b></div><p>offen</p>'


def test_safe_href_only_accepts_absolute_http_links():
    assert safe_href("https://teams.microsoft.com/x") == "https://teams.microsoft.com/x"
    assert safe_href("http://meet.example") == "http://meet.example"
    for bad in ("", None, "mailto:a@b.c", "javascript:x", "/relativ", "https:///nohost"):
        assert safe_href(bad) is None


# --- typed link (no calendar integration) ---------------------------------------------------


def test_a_typed_link_fills_the_placeholder_in_text_and_html(w, send, mailoutbox):
    send(lambda: online(w, meeting_link="https://meet.example/abc?x=1&y=2"))
    mail = mailoutbox[0]
    assert JOIN_INFO_PLACEHOLDER not in mail.body
    assert "so nehmen Sie teil:\n\nhttps://meet.example/abc?x=1&y=2\n\nBis bald!" in mail.body
    html = mail.alternatives[0][0]
    assert JOIN_INFO_PLACEHOLDER not in html
    assert (
        '<a href="https://meet.example/abc?x=1&amp;y=2" rel="noopener noreferrer">'
        "https://meet.example/abc?x=1&amp;y=2</a>"
    ) in html
    assert CandidateEmail.objects.get().status == "sent"


# --- join information from the calendar module ---------------------------------------------


def test_an_online_invitation_waits_for_join_info_and_is_released(w, send, mailoutbox, integration):
    appointment = send(lambda: online(w))
    email = CandidateEmail.objects.get()
    assert email.status == "waiting" and mailoutbox == []
    preview = candidate_email_preview(appointment)
    assert preview["status"] == "waiting" and JOIN_INFO_PLACEHOLDER in preview["text"]

    send(
        lambda: appointment_join_info_set(
            appointment=appointment,
            join_url=TEAMS_URL,
            join_info_html=TEAMS_HTML,
            join_info_text=TEAMS_TEXT,
        )
    )
    email.refresh_from_db()
    assert email.status == "sent" and email.version == 1 and len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert TEAMS_TEXT in mail.body and JOIN_INFO_PLACEHOLDER not in mail.body
    html = mail.alternatives[0][0]
    assert "Jetzt an der Besprechung teilnehmen</a>" in html
    assert f'href="{TEAMS_URL}"' in html
    assert "<script" not in html and "onclick" not in html and 'style="width' not in html
    ics = mail.attachments[0].get_payload(decode=True).decode()
    assert "LOCATION:https://teams.microsoft.com/l/meetup-join/19%3ameeting_x" in ics


def test_join_info_delivered_twice_sends_once(w, send, mailoutbox, integration):
    appointment = send(lambda: online(w))
    for _ in range(2):
        send(
            lambda: appointment_join_info_set(
                appointment=appointment,
                join_url=TEAMS_URL,
                join_info_html=TEAMS_HTML,
                join_info_text=TEAMS_TEXT,
            )
        )
    assert len(mailoutbox) == 1 and CandidateEmail.objects.count() == 1


def test_new_join_info_after_the_invitation_mails_an_update(w, send, mailoutbox, integration):
    appointment = send(lambda: online(w))
    send(lambda: appointment_join_info_set(
        appointment=appointment, join_url=TEAMS_URL, join_info_html="", join_info_text=""
    ))  # fmt: skip
    new_url = "https://teams.microsoft.com/l/meetup-join/neu"
    send(lambda: appointment_join_info_set(
        appointment=appointment, join_url=new_url, join_info_html="", join_info_text=""
    ))  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.version == 2
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        "Einladung",
        "Änderung zu Ihrem Vorstellungsgespräch",
    ]
    assert new_url in mailoutbox[1].body
    assert appointment.changes.first().action == "join_info"


def test_an_update_while_waiting_stays_an_invitation_and_waits(w, send, mailoutbox, integration):
    appointment = send(lambda: online(w))
    later = appointment.starts_at.replace(hour=14)
    send(lambda: appointment_update(
        appointment=appointment, by=w.alice, starts_at=later, ends_at=later.replace(hour=15)
    ))  # fmt: skip
    rows = list(CandidateEmail.objects.order_by("version").values_list("kind", "version", "status"))
    assert rows == [("invitation", 1, "superseded"), ("invitation", 2, "waiting")]
    send(lambda: appointment_join_info_set(
        appointment=appointment, join_url=TEAMS_URL, join_info_html="", join_info_text=""
    ))  # fmt: skip
    assert len(mailoutbox) == 1 and mailoutbox[0].subject.startswith("Einladung")
    assert "14:00" in mailoutbox[0].body


def test_late_join_info_for_a_cancelled_appointment_is_ignored(w, send, mailoutbox, integration):
    appointment = send(lambda: online(w))
    send(lambda: appointment_cancel(appointment=appointment, by=w.alice, reason="abgesagt"))
    send(lambda: appointment_join_info_set(
        appointment=appointment, join_url=TEAMS_URL, join_info_html="", join_info_text=""
    ))  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.join_url == "" and mailoutbox == []
    assert set(CandidateEmail.objects.values_list("status", flat=True)) == {"superseded"}


def test_changing_away_from_online_clears_join_info(w, send, mailoutbox, integration):
    appointment = send(lambda: online(w))
    send(lambda: appointment_join_info_set(
        appointment=appointment, join_url=TEAMS_URL, join_info_html="", join_info_text=""
    ))  # fmt: skip
    updated = send(lambda: appointment_update(
        appointment=appointment, by=w.alice, kind="onsite", location="Hauptstraße 1"
    ))  # fmt: skip
    assert updated.join_url == ""
    assert TEAMS_URL not in mailoutbox[-1].body and JOIN_INFO_PLACEHOLDER not in mailoutbox[-1].body
    assert "Hauptstraße 1" in mailoutbox[-1].body


def test_join_info_inside_a_paragraph_does_not_nest_a_div_in_a_p(alice, application):
    import re

    from ebms.recruiting.services.join_info import candidate_html

    appointment = f.appointment(
        application=application,
        by=alice,
        kind="online",
        candidate_message=f"Hallo,\\nhier die Daten: {JOIN_INFO_PLACEHOLDER}\\nBis bald",
        meeting_link="https://meet.example.org/x",
    )
    html = candidate_html(appointment)
    assert "https://meet.example.org/x" in html
    assert not re.search(r"<p>(?:(?!</p>).)*<div", html, re.S)
    assert "Hallo," in html and "Bis bald" in html
