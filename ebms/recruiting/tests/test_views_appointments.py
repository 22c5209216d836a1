"""Planning, editing, cancelling and listing appointments through the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER, Appointment, AppointmentChange
from ebms.recruiting.services import appointment_create
from ebms.recruiting.tests import factories as f


def form_data(recruiter, *, day=None, **overrides) -> dict:
    day = day or f.future(days=10).date()
    data = {
        "kind": "onsite",
        "title": "Erstgespräch",
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "recruiter": recruiter.pk,
        "location": "Hauptstraße 1, Berlin",
        "room_email": "",
        "room_name": "",
        "meeting_link": "",
        "internal_description": "Bitte Lebenslauf lesen",
        "candidate_message": "Wir freuen uns auf Sie.",
    }
    data.update(overrides)
    return data


def test_a_recruiter_plans_an_appointment_in_the_company_zone(client, alice, bob, application):
    client.force_login(alice)
    day = f.future(days=10).date()
    response = client.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        form_data(alice, day=day, observers=[bob.pk]),
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("recruiting:appointment_detail", args=[appointment.pk])
    local = appointment.starts_at.astimezone(application.company.zone)
    assert (local.date(), local.hour, local.minute) == (day, 10, 0)
    assert appointment.ends_at - appointment.starts_at == timedelta(hours=1)
    assert list(appointment.observers.all()) == [bob]
    assert appointment.created_by == alice


def test_the_time_is_read_in_the_companys_zone_not_the_servers(client, db):
    company = f.company(time_zone="America/New_York")
    alice = f.alice(company=company)
    application = f.application(company=company)
    client.force_login(alice)
    day = f.future(days=10).date()
    client.post(
        reverse("recruiting:appointment_create", args=[application.pk]), form_data(alice, day=day)
    )
    appointment = Appointment.objects.get()
    ny = appointment.starts_at.astimezone(company.zone)
    assert (ny.date(), ny.hour) == (day, 10)
    page = client.get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
    assert "10:00–11:00" in page.content.decode()


def test_online_appointments_ignore_the_location(client, alice, application):
    client.force_login(alice)
    client.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        form_data(
            alice,
            kind="online",
            location="wird ignoriert",
            meeting_link="https://meet.example/abc",
            candidate_message=f"Hallo!\n{JOIN_INFO_PLACEHOLDER}",
        ),
    )
    appointment = Appointment.objects.get()
    assert appointment.kind == "online"
    assert appointment.location == ""
    assert appointment.meeting_link == "https://meet.example/abc"


def test_the_create_form_prefills_the_join_info_placeholder(client, alice, application):
    client.force_login(alice)
    page = client.get(reverse("recruiting:appointment_create", args=[application.pk]))
    html = page.content.decode()
    assert JOIN_INFO_PLACEHOLDER in html
    assert "Link zur Online-Besprechung, den der Bewerber mit der Einladung erhält." in html


def test_the_placeholder_prefill_is_dropped_for_on_site_appointments(client, alice, application):
    client.force_login(alice)
    client.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        form_data(alice, candidate_message=JOIN_INFO_PLACEHOLDER),
    )
    assert Appointment.objects.get().candidate_message == ""


def test_editing_changes_the_time_and_shows_the_history(client, alice, application):
    appointment = f.appointment(application=application, by=alice)
    client.force_login(alice)
    url = reverse("recruiting:appointment_edit", args=[appointment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="10:00"' in page.content.decode()
    day = f.future(days=12).date()
    response = client.post(url, form_data(alice, day=day, start_time="14:00", end_time="15:30"))
    assert response.status_code == 302
    appointment.refresh_from_db()
    local = appointment.starts_at.astimezone(application.company.zone)
    assert (local.date(), local.hour) == (day, 14)
    assert appointment.sequence >= 1
    assert AppointmentChange.objects.filter(appointment=appointment).count() >= 2
    history = client.get(url).content.decode()
    assert "Änderungsverlauf" in history


def test_cancelling_needs_a_reason(client, alice, application):
    appointment = f.appointment(application=application, by=alice)
    client.force_login(alice)
    url = reverse("recruiting:appointment_cancel", args=[appointment.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "planned"
    response = client.post(url, {"reason": "Stelle besetzt"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.cancel_reason == "Stelle besetzt"
    assert (
        client.get(reverse("recruiting:appointment_edit", args=[appointment.pk])).status_code == 302
    )


def test_the_detail_page_shows_everything_and_the_email_status(client, alice, bob, application):
    appointment = f.appointment(
        application=application, by=alice, observers=[bob], internal_description="Intern: Gehalt"
    )
    client.force_login(bob)
    html = client.get(reverse("recruiting:appointment_detail", args=[appointment.pk])).content
    html = html.decode()
    assert "Intern: Gehalt" in html
    assert str(bob) in html
    assert "E-Mail-Status" in html
    assert reverse("recruiting:appointment_email_preview", args=[appointment.pk]) in html
    # Observers read, but get no buttons that change anything.
    assert reverse("recruiting:appointment_edit", args=[appointment.pk]) not in html
    preview = client.get(reverse("recruiting:appointment_email_preview", args=[appointment.pk]))
    assert preview.status_code == 200
    assert "Intern: Gehalt" not in preview.content.decode()


def test_html_in_user_text_is_escaped(client, alice, application):
    script = "<script>alert(1)</script>"
    candidate = application.candidate
    candidate.first_name = script
    candidate.save()
    appointment = f.appointment(
        application=application, by=alice, title=script, internal_description=script
    )
    client.force_login(alice)
    for url in (
        reverse("dashboard"),
        reverse("recruiting:appointment_list"),
        reverse("recruiting:appointment_detail", args=[appointment.pk]),
        reverse("recruiting:appointment_edit", args=[appointment.pk]),
        reverse("recruiting:appointment_email_preview", args=[appointment.pk]),
        reverse("recruiting:application_detail", args=[application.pk]),
        reverse("recruiting:candidate_detail", args=[candidate.pk]),
        reverse("recruiting:candidate_list"),
    ):
        html = client.get(url).content.decode()
        assert script not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("recruiting:appointment_list")).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_5_and_30_appointments(
    client, alice, bob, application, django_assert_max_num_queries
):
    carol = f.carol(company=application.company)
    for n in range(5):
        f.appointment(
            application=application,
            by=alice,
            observers=[bob, carol],
            starts_at=f.future(days=1 + n),
        )
    client.force_login(alice)
    with_five = _list_queries(client)
    for n in range(25):
        f.appointment(
            application=f.application(company=application.company),
            by=alice,
            observers=[bob],
            starts_at=f.future(days=10 + n),
        )
    with django_assert_max_num_queries(with_five):
        response = client.get(reverse("recruiting:appointment_list"))
    assert len(response.context["appointments"]) == 30


def test_the_list_filters_mine_and_past(client, company, alice, bob, application):
    other = f.user(company=company, role="recruiter", first_name="Otto")
    f.appointment(application=application, by=alice, title="Alices Termin")
    f.appointment(application=application, by=other, title="Ottos Termin", observers=[bob])
    past = Appointment.objects.create(
        company=company,
        application=application,
        recruiter=alice,
        kind="phone",
        title="Alter Termin",
        starts_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        ends_at=datetime(2026, 1, 5, 10, tzinfo=UTC),
    )
    client.force_login(bob)
    url = reverse("recruiting:appointment_list")
    everything = client.get(url).content.decode()
    assert "Alices Termin" in everything and "Ottos Termin" in everything
    mine = client.get(url, {"filter": "meine"}).content.decode()
    assert "Ottos Termin" in mine and "Alices Termin" not in mine
    old = client.get(url, {"zeitraum": "vergangen"}).content.decode()
    assert past.title in old and "Ottos Termin" not in old


def test_the_dashboard_lists_my_appointments_and_open_proposals(client, alice, bob, application):
    f.appointment(application=application, by=alice, title="Beobachtet", observers=[bob])
    f.appointment(application=application, by=alice, title="Ohne Bob")
    client.force_login(bob)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Beobachtet" in html and "Ohne Bob" not in html
    assert reverse("accounts:user_list") not in html.split("<main>")[1]


def test_the_company_admin_sees_the_user_management_link(client, company):
    client.force_login(f.carol(company=company))
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("accounts:user_list") in html.split("<main>")[1]


def test_community_managers_go_to_the_admin(client, db):
    from ebms.accounts.models import User

    manager = User.objects.create_user("cm@ebms.example", "x", is_staff=True)
    client.force_login(manager)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_appointment_create_via_service_is_shown_on_the_application_page(
    client, alice, application
):
    appointment_create(
        by=alice,
        application=application,
        recruiter=alice,
        observers=[],
        kind="phone",
        starts_at=f.future(days=2),
        ends_at=f.future(days=2, hour=11),
        title="Telefonat",
    )
    client.force_login(alice)
    html = client.get(reverse("recruiting:application_detail", args=[application.pk])).content
    html = html.decode()
    assert "Telefonat" in html
    assert "Termin planen" in html and "Terminvorschläge senden" in html


def test_an_edit_keeps_an_observer_deactivated_meanwhile(client, company, alice, application):
    bob = f.bob(company=company)
    appointment = f.appointment(application=application, by=alice, observers=[bob])
    bob.is_active = False
    bob.save()
    client.force_login(alice)
    url = reverse("recruiting:appointment_edit", args=[appointment.pk])
    local = appointment.starts_at.astimezone(company.zone)
    response = client.post(
        url,
        form_data(alice, day=local.date(), observers=[bob.pk], title="Neuer Titel"),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.title == "Neuer Titel"
    assert list(appointment.observers.all()) == [bob]


def test_the_email_preview_keeps_the_mail_html_inside_a_sandboxed_frame(client, alice, application):
    appointment = f.appointment(application=application, by=alice, title="Gespräch")
    client.force_login(alice)
    html = client.get(
        reverse("recruiting:appointment_email_preview", args=[appointment.pk])
    ).content.decode()
    assert html.count("<body") == 1, "the mail's markup must not leak into the page"
    assert '<iframe class="mail-preview" sandbox' in html
    assert "&lt;body" in html


def test_the_list_pages_through_every_appointment_keeping_the_filter(
    client, alice, application, settings
):
    from ebms.recruiting.views import appointments as views

    views.APPOINTMENTS_PER_PAGE, old = 3, views.APPOINTMENTS_PER_PAGE
    try:
        for n in range(7):
            f.appointment(application=application, by=alice, starts_at=f.future(days=1 + n))
        client.force_login(alice)
        url = reverse("recruiting:appointment_list")
        first = client.get(url, {"filter": "meine"})
        last = client.get(url, {"filter": "meine", "seite": 3})
    finally:
        views.APPOINTMENTS_PER_PAGE = old
    assert len(first.context["appointments"]) == 3
    assert "Seite 1 von 3" in first.content.decode()
    assert "filter=meine&amp;seite=2" in first.content.decode()
    assert len(last.context["appointments"]) == 1
