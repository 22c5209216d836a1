"""F11: admin information page and the company-admin overview of recruiters."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from calendar_integration.admin import MicrosoftConnectionAdmin
from calendar_integration.models import MicrosoftConnection

from .conftest import client_for, connect


def test_the_admin_information_page_says_what_a_tenant_admin_must_do(muster, tom, settings):
    page = client_for(tom).get(reverse("calendar_integration:admin_info")).content.decode()

    assert settings.M365_CLIENT_ID in page
    for text in (
        "Unternehmensanwendungen",
        "Aktiviert für die Benutzeranmeldung",
        "Benutzereinwilligung",
        "Benutzer zuweisen",
        "Administratorzustimmung für",
        "entra.microsoft.com",
        "admin.exchange.microsoft.com",
        "Place.Read.All",
        "Calendars.ReadWrite",
        "AADSTS90094",
        "AADSTS700082",
    ):
        assert text in page, text
    assert "/organizations/v2.0/adminconsent" in page
    assert "/common/" not in page


def test_the_overview_lists_recruiters_with_state_check_and_refresh(
    m365, muster, carol, alice, dave
):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)

    page = client_for(carol).get(reverse("calendar_integration:overview")).content.decode()

    assert "Alice Recruiter" in page and "Dave Recruiter" in page
    assert m365.recruiter.email in page
    assert "Ohne Räume" in page and "Nicht verbunden" in page
    assert "Profil" in page  # the check's items


def test_the_overview_is_for_company_admins_of_that_company_only(m365, muster, alice, mallory):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)

    assert client_for(alice).get(reverse("calendar_integration:overview")).status_code == 403
    foreign = client_for(mallory).get(reverse("calendar_integration:overview")).content.decode()
    assert "Alice" not in foreign


def test_the_django_admin_never_shows_token_material(m365, muster, alice, admin_user):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    connection = MicrosoftConnection.objects.get(user=alice)
    model_admin = MicrosoftConnectionAdmin(MicrosoftConnection, site)
    request = RequestFactory().get("/")
    request.user = admin_user

    assert "token_cache_encrypted" not in model_admin.get_fields(request, connection)
    client = client_for(admin_user)
    page = client.get(
        reverse("admin:calendar_integration_microsoftconnection_change", args=[connection.pk])
    ).content.decode()
    assert m365.recruiter.email in page
    assert "gAAAAA" not in page  # Fernet tokens start with this


def test_the_overview_costs_the_same_queries_for_one_or_two_connections(
    m365, muster, carol, alice, dave, django_assert_max_num_queries
):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    url = reverse("calendar_integration:overview")
    client = client_for(carol)
    with CaptureQueriesContext(db) as one:
        assert client.get(url).status_code == 200
    queries_for_one = len(one)
    connect(m365, dave, email=m365.admin.email, rooms=False)
    with django_assert_max_num_queries(queries_for_one):
        page = client.get(url).content.decode()
    assert page.count("Profil") >= 2  # both checks are shown
