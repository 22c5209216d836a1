"""The database e-mail backend stores messages; the demo page shows them only in DEBUG (or a
public demo), to a company admin his company's mails and to a community manager all."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse

from ebms.accounts.models import Role, User
from ebms.accounts.roles import community_manager_group
from ebms.mail.models import StoredMail
from ebms.recruiting.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def clara(db) -> User:
    """Community manager: staff with the booking permission, no company."""
    user = User.objects.create_user("clara@ebms.example", "pw", is_staff=True)
    user.groups.add(community_manager_group())
    return user


def _send(to: str = "cand@example.org") -> StoredMail:
    message = EmailMultiAlternatives(
        "Einladung <b>",
        "Hallo",
        "ebms@example.org",
        [to],
        connection=get_connection("ebms.mail.backends.DatabaseEmailBackend"),
    )
    message.attach_alternative("<p>Hallo</p><script>alert(1)</script>", "text/html")
    message.attach("termin.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.send()
    return StoredMail.objects.latest("pk")


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


def test_the_demo_page_lists_mails_escaped(client, settings, clara):
    settings.DEBUG = True
    client.force_login(clara)
    mail = _send()
    page = client.get(reverse("mail:list")).content.decode()
    assert "Einladung &lt;b&gt;" in page
    detail = client.get(reverse("mail:detail", args=[mail.pk])).content.decode()
    assert "termin.ics" in detail


def test_the_html_part_is_served_sandboxed(client, settings, clara):
    settings.DEBUG = True
    client.force_login(clara)
    mail = _send()
    response = client.get(reverse("mail:html", args=[mail.pk]))
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_demo_pages_do_not_exist_in_production(client, settings):
    settings.DEBUG = False
    mail = _send()
    assert client.get(reverse("mail:list")).status_code == 404
    assert client.get(reverse("mail:detail", args=[mail.pk])).status_code == 404
    assert client.get(reverse("mail:html", args=[mail.pk])).status_code == 404


def test_the_demo_page_needs_a_login_and_shows_a_company_admin_only_his_companys_mails(
    client, settings, clara
):
    settings.DEBUG = True
    a, b = f.company(name="A GmbH"), f.company(name="B AG")
    carol = f.user(company=a, role=Role.COMPANY_ADMIN, first_name="Carol")
    alice = f.user(company=a, role=Role.RECRUITER, first_name="Alice")
    eve = f.user(company=b, role=Role.RECRUITER, first_name="Eve")
    to_a, to_b = _send(alice.email), _send(eve.email)
    assert (to_a.company, to_b.company) == (a, b)

    anonymous = client.get(reverse("mail:list"))
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]
    assert client.get(reverse("mail:detail", args=[to_a.pk])).status_code == 302

    client.force_login(alice)
    assert client.get(reverse("mail:list")).status_code == 403  # recruiters: no mail page

    client.force_login(carol)
    assert list(client.get(reverse("mail:list")).context["mails"]) == [to_a]
    assert client.get(reverse("mail:detail", args=[to_a.pk])).status_code == 200
    assert client.get(reverse("mail:detail", args=[to_b.pk])).status_code == 404
    assert client.get(reverse("mail:html", args=[to_b.pk])).status_code == 404

    client.force_login(clara)
    assert set(client.get(reverse("mail:list")).context["mails"]) == {to_a, to_b}


def test_the_ics_is_offered_as_a_download(client, settings, clara):
    settings.DEBUG = True
    mail = _send()
    client.force_login(clara)

    page = client.get(reverse("mail:detail", args=[mail.pk])).content.decode()
    download = client.get(reverse("mail:ics", args=[mail.pk]))
    StoredMail.objects.filter(pk=mail.pk).update(attachments=[])
    missing = client.get(reverse("mail:ics", args=[mail.pk]))

    assert reverse("mail:ics", args=[mail.pk]) in page
    assert "termin.ics herunterladen" in page
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="termin.ics"'
    assert download.content == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert missing.status_code == 404


def test_the_html_frame_runs_no_script_and_is_sized_to_the_whole_mail(client, settings, clara):
    settings.DEBUG = True
    mail = _send()
    client.force_login(clara)

    page = client.get(reverse("mail:detail", args=[mail.pk])).content.decode()
    frame = client.get(reverse("mail:html", args=[mail.pk]))

    assert "data-fit-content" in page and "js/mail.js" in page
    policy = frame["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-same-origin;") and "allow-scripts" not in policy
    assert "default-src 'none'" in policy


def test_a_recruiter_cannot_download_an_attachment(client, settings):
    settings.DEBUG = True
    mail = _send()
    company = f.company()
    recruiter = f.alice(company=company)
    client.force_login(recruiter)
    assert client.get(reverse("mail:ics", args=[mail.pk])).status_code == 403
