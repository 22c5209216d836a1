"""A form sent twice (double click, reload, two tabs at once) creates one thing."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from ebms.accounts.models import FormSubmission
from ebms.accounts.submissions import submission_once
from ebms.recruiting.models import Appointment, Candidate, CandidateEmail, Proposal
from ebms.recruiting.tests.test_views_appointments import form_data
from ebms.recruiting.tests.test_views_proposals import proposal_data

KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def _key(client, url: str) -> str:
    """The one-time key of the form as rendered."""
    return KEY.search(client.get(url).content.decode()).group(1)


def test_termin_planen_sent_twice_plans_one_appointment(client, alice, application):
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    data = {**form_data(alice), "submission_key": _key(client, url)}

    first = client.post(url, data)
    second = client.post(url, data)

    appointment = Appointment.objects.get()
    assert (
        first.url == second.url == reverse("recruiting:appointment_detail", args=[appointment.pk])
    )
    assert CandidateEmail.objects.filter(appointment=appointment).count() == 1
    page = client.get(second.url).content.decode()
    assert "bereits abgesendet" in page


def test_each_rendering_carries_a_new_key(client, alice, application):
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    assert _key(client, url) != _key(client, url)


def test_terminvorschlaege_sent_twice_send_one_proposal(client, alice, application):
    client.force_login(alice)
    url = reverse("recruiting:proposal_create", args=[application.pk])
    data = {**proposal_data(alice), "submission_key": _key(client, url)}

    first = client.post(url, data)
    second = client.post(url, data)

    proposal = Proposal.objects.get()
    assert first.url == second.url == reverse("recruiting:proposal_detail", args=[proposal.pk])
    assert proposal.emails.count() == 1


def test_a_new_candidate_sent_twice_is_created_once(client, alice):
    client.force_login(alice)
    url = reverse("recruiting:candidate_create")
    data = {"first_name": "Max", "last_name": "Muster", "email": "max@example.org",
            "phone": "", "language": "de", "submission_key": _key(client, url)}  # fmt: skip
    client.post(url, data)
    second = client.post(url, data)
    candidate = Candidate.objects.get()
    assert second.url == reverse("recruiting:candidate_detail", args=[candidate.pk])


def test_a_failed_submit_frees_its_key_for_the_corrected_form(client, alice, application):
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    key = _key(client, url)
    refused = client.post(url, {**form_data(alice, end_time="09:00"), "submission_key": key})
    assert refused.status_code == 200 and not Appointment.objects.exists()

    accepted = client.post(url, {**form_data(alice), "submission_key": key})
    assert accepted.status_code == 302 and Appointment.objects.count() == 1


def test_a_key_of_another_company_is_never_followed(client, alice, application):
    from ebms.recruiting.tests import factories as f

    other = f.company(name="Andere GmbH")
    FormSubmission.objects.create(
        company=other, key="k" * 32, action="appointment_create", result_id=424242
    )
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    response = client.post(url, {**form_data(alice), "submission_key": "k" * 32})
    assert response.url == reverse("dashboard")
    assert not Appointment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_runs_a_racing_twin_at_most_once(alice, application):
    """The twin passed the early check before the first committed: the unique key in the
    first's transaction stops it, so its write never runs (sequential stand-in for the race)."""
    runs = []

    def plan():
        runs.append(1)
        return Appointment.objects.create(
            company=application.company, application=application, recruiter=alice,
            kind="phone", title="x", starts_at=application.created_at,
            ends_at=application.created_at,
        )  # fmt: skip

    first = submission_once(company=alice.company, key="r" * 32, action="a", run=plan)
    twin = submission_once(company=alice.company, key="r" * 32, action="a", run=plan)

    assert (first.repeated, twin.repeated) == (False, True)
    assert twin.result == first.result.pk and len(runs) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        FormSubmission.objects.create(company=alice.company, key="r" * 32, action="a")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL (CI)"
)
def test_two_parallel_submits_plan_one_appointment(alice, application):
    url = reverse("recruiting:appointment_create", args=[application.pk])
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(alice)
    data = {**form_data(alice), "submission_key": _key(clients[0], url)}
    start = threading.Barrier(2)
    answers = []

    def submit(c: Client) -> None:
        start.wait()
        try:
            answers.append(c.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert answers == [302, 302]
    assert Appointment.objects.count() == 1
    assert CandidateEmail.objects.count() == 1
