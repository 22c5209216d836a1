"""F12: the appointment page shows the sync state and every Graph call (with request-id);
"Erneut versuchen" is for planners of the company; "Problem melden" mails the community
managers (no tokens); company admins see a list of problems."""

from __future__ import annotations

from django.urls import reverse

from calendar_integration.microsoft.mailbox import MailboxBusy, mailbox_slot
from calendar_integration.sync.models import CalendarEvent, ProblemReport, SyncStatus
from ebms.accounts.models import Company, Role, User
from m365sim.graph import faults

from .conftest import client_for, plan, record_of, time_passes


def test_the_appointment_page_shows_state_and_call_history(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    log = record.logs.get()

    page = (
        client_for(alice)
        .get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
        .content.decode()
    )

    assert "Outlook-Synchronisierung" in page
    assert 'data-sync-status="synced"' in page
    assert log.request_id and log.request_id in page
    assert reverse("calendar_integration:sync_status", args=[appointment.pk]) in page


def test_a_retrying_record_says_why_and_when_and_can_be_retried(m365, rita, alice, application):
    faults.inject(kind="gateway_timeout", mailbox=m365.recruiter.email, remaining=1)
    appointment = plan(application=application, by=alice)
    url = reverse("calendar_integration:sync_status", args=[appointment.pk])

    page = client_for(alice).get(url).content.decode()

    assert 'data-sync-state="sending"' in page and "wird übertragen" in page
    assert "GatewayTimeout" in page
    assert "nächster Versuch" in page and "Erneut versuchen" in page
    response = client_for(alice).post(
        reverse("calendar_integration:sync_retry", args=[appointment.pk])
    )
    assert response.status_code == 302
    assert record_of(appointment).status == SyncStatus.SYNCED


def test_another_company_gets_404_and_observers_cannot_retry(m365, rita, alice, olaf, application):
    appointment = plan(application=application, by=alice)
    other = Company.objects.create(name="Beispiel AG")
    mallory = User.objects.create_user(
        "mallory@beispiel.example", "pw", company=other, role=Role.COMPANY_ADMIN
    )
    for name in ("sync_status", "sync_retry", "sync_report"):
        url = reverse(f"calendar_integration:{name}", args=[appointment.pk])
        method = client_for(mallory).get if name == "sync_status" else client_for(mallory).post
        assert method(url).status_code == 404
    retry = reverse("calendar_integration:sync_retry", args=[appointment.pk])
    assert client_for(olaf).post(retry).status_code == 403


def test_problem_report_mails_the_history_without_tokens(
    m365, rita, alice, application, mailoutbox, settings
):
    settings.COMMUNITY_MANAGER_EMAIL = "community@ebms.example"
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    mailoutbox.clear()

    response = client_for(alice).post(
        reverse("calendar_integration:sync_report", args=[appointment.pk]),
        {"message": "Termin fehlt in Outlook"},
    )

    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert report.details["calls"][0]["request_id"] == record.logs.get().request_id
    (mail,) = mailoutbox
    assert mail.to == ["community@ebms.example"]
    assert "Termin fehlt in Outlook" in mail.body and record.logs.get().request_id in mail.body
    assert "Bearer" not in mail.body and "eyJ" not in mail.body
    assert "dana@bewerber.example" not in mail.body


def test_company_admins_see_problems_and_set_the_sensitivity(m365, rita, alice, application):
    carol = User.objects.create_user(
        "carol@muster.example", "pw", company=alice.company, role=Role.COMPANY_ADMIN
    )
    faults.inject(kind="gateway_timeout", mailbox=m365.recruiter.email, remaining=1)
    appointment = plan(application=application, by=alice, title="Kaputtes Gespräch")
    url = reverse("calendar_integration:sync_problems")

    page = client_for(carol).get(url).content.decode()
    assert "Kaputtes Gespräch" in page and "GatewayTimeout" in page
    assert client_for(alice).get(url).status_code == 403

    client_for(carol).post(url, {"sensitivity": "normal"})
    time_passes()
    from calendar_integration.sync.tasks import sync_sweep

    sync_sweep()
    from m365sim.models import Event

    assert Event.objects.get(mailbox=m365.recruiter).sensitivity == "normal"
    assert record_of(appointment).status == SyncStatus.SYNCED
    assert CalendarEvent.objects.count() == 1


def test_a_mailbox_never_has_more_than_four_slots_in_flight(db):
    with mailbox_slot(7), mailbox_slot(7), mailbox_slot(7), mailbox_slot(7):
        try:
            with mailbox_slot(7, wait=0):
                raise AssertionError("a fifth slot was granted")
        except MailboxBusy:
            pass
        with mailbox_slot(8, wait=0):
            pass  # another mailbox is not affected
    with mailbox_slot(7, wait=0):
        pass  # released again
