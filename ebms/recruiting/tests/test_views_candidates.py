"""Candidates and applications through the pages."""

from __future__ import annotations

from django.urls import reverse

from ebms.recruiting.models import Application, Candidate
from ebms.recruiting.tests import factories as f


def test_the_list_searches_by_name_and_email(client, company, alice):
    f.candidate(company=company, first_name="Dana", last_name="Schmidt", email="dana@x.example")
    f.candidate(company=company, first_name="Emil", last_name="Meier", email="emil@y.example")
    f.candidate(company=f.company(name="Fremd"), first_name="Dana", last_name="Fremd")
    client.force_login(alice)
    url = reverse("recruiting:candidate_list")
    by_name = client.get(url, {"q": "dana"}).context["candidates"]
    assert [c.last_name for c in by_name] == ["Schmidt"]
    by_mail = client.get(url, {"q": "y.example"}).context["candidates"]
    assert [c.last_name for c in by_mail] == ["Meier"]
    assert len(client.get(url).context["candidates"]) == 2


def test_a_planner_creates_a_candidate_in_his_company(client, company, alice):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:candidate_create"),
        {
            "first_name": "Dana",
            "last_name": "B",
            "email": "Dana@Example.ORG",
            "language": "en",
            "phone": "",
        },
    )
    candidate = Candidate.objects.get()
    assert response.url == reverse("recruiting:candidate_detail", args=[candidate.pk])
    assert (candidate.company, candidate.email, candidate.language) == (
        company,
        "dana@example.org",
        "en",
    )


def test_an_over_long_name_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:candidate_create"),
        {"first_name": "D" * 101, "last_name": "B", "email": "", "language": "de"},
    )
    assert "höchstens 100 Zeichen" in response.context["form"].errors["first_name"][0]
    assert not Candidate.objects.exists()


def test_an_application_offers_only_open_positions_not_yet_applied_for(client, company, alice):
    candidate = f.candidate(company=company)
    applied = f.position(company=company, title="Schon beworben")
    Application.objects.create(company=company, candidate=candidate, position=applied)
    closed = f.position(company=company, title="Geschlossen")
    closed.is_open = False
    closed.save()
    open_position = f.position(company=company, title="Offen")
    f.position(company=f.company(name="Fremd"), title="Fremd")
    client.force_login(alice)
    url = reverse("recruiting:application_create", args=[candidate.pk])
    offered = list(client.get(url).context["form"].fields["position"].queryset)
    assert offered == [open_position]
    response = client.post(url, {"position": closed.pk})
    assert response.status_code == 200
    response = client.post(url, {"position": open_position.pk})
    application = Application.objects.get(position=open_position)
    assert response.url == reverse("recruiting:application_detail", args=[application.pk])
    assert application.company == company


def test_the_candidate_page_lists_applications(client, company, alice):
    application = f.application(company=company)
    client.force_login(f.bob(company=company))
    html = client.get(
        reverse("recruiting:candidate_detail", args=[application.candidate.pk])
    ).content.decode()
    assert reverse("recruiting:application_detail", args=[application.pk]) in html
    # Observers get no "create" buttons.
    assert reverse("recruiting:application_create", args=[application.candidate.pk]) not in html


def test_observers_see_no_planning_buttons(client, company, alice):
    application = f.application(company=company)
    client.force_login(f.bob(company=company))
    html = client.get(reverse("recruiting:application_detail", args=[application.pk])).content
    assert "Termin planen" not in html.decode()
    client.force_login(alice)
    html = client.get(reverse("recruiting:application_detail", args=[application.pk])).content
    assert "Termin planen" in html.decode()


def test_users_without_company_are_refused(client, db):
    from ebms.accounts.models import User

    loner = User.objects.create_user("loner@x.example", "x")
    client.force_login(loner)
    assert client.get(reverse("recruiting:candidate_list")).status_code == 403
