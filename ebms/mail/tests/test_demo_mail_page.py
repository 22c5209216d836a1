"""The database e-mail backend stores messages; the demo page shows them only in DEBUG."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

from ebms.mail.models import StoredMail

pytestmark = pytest.mark.django_db


def _send() -> StoredMail:
    message = EmailMultiAlternatives(
        "Einladung <b>",
        "Hallo",
        "ebms@example.org",
        ["cand@example.org"],
        connection=get_connection("ebms.mail.backends.DatabaseEmailBackend"),
    )
    message.attach_alternative("<p>Hallo</p><script>alert(1)</script>", "text/html")
    message.attach("termin.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.send()
    return StoredMail.objects.get()


def test_the_backend_stores_text_html_and_attachments():
    mail = _send()
    assert mail.to == "cand@example.org"
    assert mail.html_body.startswith("<p>Hallo</p>")
    assert mail.attachments == [
        {
            "filename": "termin.ics",
            "mimetype": "text/calendar",
            "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        }
    ]


def test_the_demo_page_lists_mails_escaped(client, settings):
    settings.DEBUG = True
    mail = _send()
    page = client.get(reverse("mail:list")).content.decode()
    assert "Einladung &lt;b&gt;" in page
    detail = client.get(reverse("mail:detail", args=[mail.pk])).content.decode()
    assert "termin.ics" in detail


def test_the_html_part_is_served_sandboxed(client, settings):
    settings.DEBUG = True
    mail = _send()
    response = client.get(reverse("mail:html", args=[mail.pk]))
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_demo_pages_do_not_exist_in_production(client, settings):
    settings.DEBUG = False
    mail = _send()
    assert client.get(reverse("mail:list")).status_code == 404
    assert client.get(reverse("mail:detail", args=[mail.pk])).status_code == 404
    assert client.get(reverse("mail:html", args=[mail.pk])).status_code == 404
