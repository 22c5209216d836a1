"""GDPR pages (issue 15): the privacy page (company admin), erasing a candidate (admin, or a
recruiter when the company allows it), closing an application."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ebms.recruiting.models import Application, Candidate, Erasure, PrivacySettings
from ebms.recruiting.tests import factories as f


def test_the_admin_saves_the_settings_and_sees_records_without_personal_data(
    client, company, alice, carol
):
    application = f.application(company=company, first_name="Dana", last_name="Geheim")
    client.force_login(carol)
    url = reverse("recruiting:privacy")

    response = client.post(
        url,
        {
            "outlook_candidate_data": "initials",
            "retention_months": "3",
            "recruiters_may_erase": "on",
        },
    )
    client.post(
        reverse("recruiting:candidate_erase", args=[application.candidate_id]),
        {"mode": "deleted"},
    )
    page = client.get(url)

    assert response.status_code == 302
    row = PrivacySettings.objects.get(company=company)
    assert (row.outlook_candidate_data, row.retention_months, row.recruiters_may_erase) == (
        "initials", 3, True,
    )  # fmt: skip
    erasure = Erasure.objects.get()
    assert list(page.context["erasures"]) == [erasure]
    assert "Geheim" not in page.content.decode()
    assert not Candidate.objects.exists()


def test_recruiters_may_erase_only_when_the_company_allows_it(client, company, alice, carol):
    application = f.application(company=company)
    url = reverse("recruiting:candidate_erase", args=[application.candidate_id])
    client.force_login(alice)

    assert client.get(url).status_code == 403
    PrivacySettings.objects.create(company=company, recruiters_may_erase=True)
    response = client.post(url, {"mode": "anonymised"})

    assert response.status_code == 302
    assert Candidate.objects.get().erased_at is not None


def test_an_upcoming_appointment_asks_to_cancel_first(client, company, alice, carol):
    application = f.application(company=company)
    f.appointment(application=application, by=alice)
    url = reverse("recruiting:candidate_erase", args=[application.candidate_id])
    client.force_login(carol)

    page = client.get(url)
    refused = client.post(url, {"mode": "deleted"})
    done = client.post(url, {"mode": "deleted", "cancel_upcoming": "on"})

    assert list(page.context["upcoming"])
    assert refused.status_code == 200
    assert "anstehende Termine" in refused.content.decode()
    assert done.status_code == 302
    assert Erasure.objects.get().appointments_cancelled == 1


def test_the_due_list_escapes_names(client, company, alice, carol):
    application = f.application(company=company, first_name="<script>x</script>")
    Application.objects.filter(pk=application.pk).update(
        status="rejected", closed_at=timezone.now() - timedelta(days=200)
    )
    client.force_login(carol)

    body = client.get(reverse("recruiting:privacy")).content.decode()

    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x</script>" not in body


def test_a_planner_closes_an_application(client, company, alice):
    application = f.application(company=company)
    client.force_login(alice)

    client.post(reverse("recruiting:application_status", args=[application.pk]),
                {"status": "hired"})  # fmt: skip

    application.refresh_from_db()
    assert application.status == "hired" and application.closed_at is not None
