"""Issue 14, points 1-4: the sync state on every list (one query for all rows), no
"synchronisiert" next to a drift, parked work sent at once after reconnecting, no "Erneut
versuchen" while the booking is paused, German words for calls and outages, and an empty
"Problem melden" refused."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendar_integration.sync.models import CalendarEvent, ProblemReport, SyncStatus
from calendar_integration.tests.conftest import connect
from ebms.accounts.models import FeatureBooking
from ebms.accounts.services import booking_end
from ebms.recruiting.models import CandidateEmail
from ebms.recruiting.services import appointment_update
from m365sim.identity import directory

from .conftest import client_for, plan, record_of
from .test_drift import _move_in_outlook


def _page(user, name: str, *args) -> str:
    response = client_for(user).get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_lists_show_each_appointments_sync_and_mail_state(m365, rita, alice, application):
    synced = plan(application=application, by=alice)
    failed = plan(application=application, by=alice, hour=14)
    CalendarEvent.objects.filter(appointment=failed).update(status=SyncStatus.FAILED)

    for name, args in (
        ("dashboard", ()),
        ("recruiting:appointment_list", ()),
        ("recruiting:application_detail", (application.pk,)),
    ):
        page = _page(alice, name, *args)
        assert page.count('data-sync-state="synced"') == 1, name
        assert page.count('data-sync-state="problem"') == 1, name
        assert "Einladung: gesendet" in page, name
    dashboard = _page(alice, "dashboard")
    assert 'data-problem-count="1"' in dashboard
    assert "1 Termin braucht Aufmerksamkeit" in dashboard
    assert synced.pk != failed.pk


def test_the_list_costs_the_same_queries_for_one_or_many_appointments(
    m365, rita, alice, application
):
    plan(application=application, by=alice)
    client = client_for(alice)
    url = reverse("recruiting:appointment_list")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for hour in (11, 12, 13, 14):
        plan(application=application, by=alice, hour=hour)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()

    assert page.count('data-sync-state="synced"') == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_proposal_page_shows_the_picked_appointments_state(m365, rita, alice, application):
    from ebms.recruiting.services import proposal_create, proposal_pick
    from ebms.recruiting.tests import factories

    start = factories.future(days=8, hour=9)
    other = factories.future(days=9, hour=9)
    proposal = proposal_create(
        by=alice,
        application=application,
        recruiter=alice,
        observers=[],
        kind="onsite",
        title="Kennenlernen",
        location="Hauptstraße 1",
        slots=[(start, start.replace(hour=10)), (other, other.replace(hour=10))],
    )
    proposal_pick(proposal=proposal, slot=proposal.slots.order_by("starts_at").first())

    page = _page(alice, "recruiting:proposal_detail", proposal.pk)

    assert 'data-sync-state="synced"' in page
    assert "Terminvorschläge: gesendet" in page  # the proposal's own mail
    assert "Einladung: gesendet" in page  # the confirmation of the picked slot


def test_a_drift_is_a_problem_never_next_to_synchronisiert(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    _move_in_outlook(m365, record_of(appointment), hours=3)

    panel = _page(alice, "calendar_integration:sync_status", appointment.pk)

    assert "In Outlook geändert" in panel
    assert 'data-sync-state="problem"' in panel
    assert ">synchronisiert<" not in panel
    # Known now: the list and the page itself say so on their first view.
    assert 'data-sync-state="problem"' in _page(alice, "recruiting:appointment_list")
    detail = _page(alice, "recruiting:appointment_detail", appointment.pk)
    assert "In Outlook geändert" in detail and ">synchronisiert<" not in detail
    alice.role = "admin"  # the company admin's problem list says the same
    alice.save(update_fields=["role"])
    problems = _page(alice, "calendar_integration:sync_problems")
    assert 'data-sync-state="problem"' in problems and ">synchronisiert<" not in problems


def test_after_reconnecting_parked_work_is_sent_at_once_and_the_page_says_so(
    m365, rita, alice, application
):
    first = plan(application=application, by=alice)
    directory.user_sessions_revoke(mailbox=m365.recruiter)
    m365.advance_clock(hours=2)
    appointment_update(appointment=first, by=alice, title="Geändert")
    assert record_of(first).status == SyncStatus.RECONNECT
    panel = _page(alice, "calendar_integration:sync_status", first.pk)
    assert "wartet auf Neuverbindung" in panel and "Erneut versuchen" not in panel

    journey = connect(m365, alice, email=m365.recruiter.email, rooms=False)

    # No sweep: the reconnect itself sent the parked change.
    assert record_of(first).status == SyncStatus.SYNCED
    page = journey.client.get(journey.response["Location"]).content.decode()
    assert "1 wartender Termin wird jetzt in Outlook eingetragen." in page


def test_while_the_booking_is_paused_retry_is_not_offered_and_a_change_warns(
    m365, rita, alice, application
):
    appointment = plan(application=application, by=alice)
    booking_end(booking=FeatureBooking.objects.get(company=alice.company), by=None)
    appointment_update(appointment=appointment, by=alice, title="Neu")
    assert record_of(appointment).status == SyncStatus.PAUSED

    panel = _page(alice, "calendar_integration:sync_status", appointment.pk)
    form = _page(alice, "recruiting:appointment_edit", appointment.pk)

    assert "pausiert" in panel and "Erneut versuchen" not in panel
    assert "die alte Zeit" in panel
    assert 'data-flag="paused-edit"' in form
    assert "Outlook, die Beobachter und der Raum behalten die alte Zeit" in form


def test_the_call_history_names_operations_in_german(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    appointment_update(appointment=appointment, by=alice, title="Neu")
    later = appointment.starts_at + timedelta(hours=2)
    appointment_update(
        appointment=appointment, by=alice, starts_at=later, ends_at=later + timedelta(hours=1)
    )

    panel = _page(alice, "calendar_integration:sync_status", appointment.pk)

    assert "Termin angelegt" in panel and "Termin geändert" in panel
    assert "Zeit geändert" in panel
    assert "create" not in panel and "update <" not in panel


def test_an_empty_problem_report_is_refused_and_the_form_says_what_is_sent(
    m365, rita, alice, application
):
    appointment = plan(application=application, by=alice)
    url = reverse("calendar_integration:sync_report", args=[appointment.pk])

    response = client_for(alice).post(url, {"message": "   "}, follow=True)

    assert not ProblemReport.objects.exists()
    page = response.content.decode()
    assert "eine leere Meldung wird nicht gesendet" in page
    assert "Mitgesendet werden:" in page and "Nicht mitgesendet: Anmeldedaten" in page
    assert CandidateEmail.objects.exists()
