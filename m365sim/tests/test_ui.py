"""The simulator's admin pages (Django test client)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from m365sim import clock
from m365sim.identity import directory
from m365sim.models import Grant, Mailbox
from m365sim.seed_directory import room_ensure, tenant_ensure, user_ensure

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def tenant():
    return tenant_ensure(display_name="Muster GmbH", domain="muster.example")


def test_home_lists_tenants_with_links(client, tenant):
    page = client.get(reverse("m365sim:ui-home"))
    assert page.status_code == 200
    assert "Microsoft 365 Simulator" in page.text
    assert reverse("m365sim:ui-tenant", args=[tenant.id]) in page.text


def test_a_user_is_added_with_a_password(client, tenant):
    response = client.post(
        reverse("m365sim:ui-user-add", args=[tenant.id]),
        {
            "email": "neu@muster.example",
            "display_name": "Neu",
            "time_zone": "W. Europe Standard Time",
            "account_enabled": "on",
            "teams_licensed": "on",
            "mailbox_enabled": "on",
            "freebusy_shared": "on",
            "new_password": "Geheim-1",
        },
    )
    assert response.status_code == 302
    user = Mailbox.objects.get(email="neu@muster.example")
    assert user.check_password("Geheim-1") and user.teams_licensed and not user.is_tenant_admin


def test_a_new_room_appears_in_places_48_hours_later_by_default(client, tenant):
    form = client.get(reverse("m365sim:ui-room-add", args=[tenant.id]))
    expected = timezone.localtime(clock.now() + timedelta(hours=48)).strftime("%Y-%m-%dT%H")
    assert expected in form.text


def test_the_tenant_page_says_when_a_room_appears_in_places(client, tenant):
    room_ensure(
        tenant=tenant,
        email="raum@muster.example",
        display_name="Raum",
        capacity=4,
        places_visible_from=clock.now() + timedelta(hours=48),
    )
    page = client.get(reverse("m365sim:ui-tenant", args=[tenant.id]))
    assert "erscheint in Places ab" in page.text


def test_app_settings_require_assignment_and_assign_a_user(client, tenant):
    user = user_ensure(tenant=tenant, email="anna@muster.example", display_name="Anna")
    sp = directory.service_principal_ensure(tenant=tenant, app=directory.app_ensure())
    response = client.post(
        reverse("m365sim:ui-app", args=[tenant.id]),
        {
            "form": "sp",
            "enabled_for_sign_in": "on",
            "assignment_required": "on",
            "assigned": [user.pk],
        },
    )
    assert response.status_code == 302
    sp.refresh_from_db()
    assert sp.assignment_required and list(sp.assigned.all()) == [user]


def test_the_app_page_explains_the_missing_service_principal(client, tenant):
    page = client.get(reverse("m365sim:ui-app", args=[tenant.id]))
    assert "erscheint beim ersten Anmeldeversuch" in page.text


def test_user_consent_can_be_switched_off(client, tenant):
    client.post(reverse("m365sim:ui-app", args=[tenant.id]), {"form": "consent"})
    tenant.refresh_from_db()
    assert tenant.users_may_consent is False


def test_admin_consent_is_granted_and_revoked(client, tenant):
    client.post(reverse("m365sim:ui-admin-consent", args=[tenant.id]))
    grant = Grant.objects.get(principal__isnull=True)
    assert "Place.Read.All" in grant.scopes

    client.post(reverse("m365sim:ui-grant-revoke", args=[grant.pk]))
    assert not Grant.objects.exists()


def test_the_clock_is_advanced_and_reset(client):
    before = clock.now()
    client.post(reverse("m365sim:ui-clock"), {"action": "advance", "days": 3, "hours": 0})
    assert clock.now() - before >= timedelta(days=3)
    client.post(reverse("m365sim:ui-clock"), {"action": "reset"})
    assert clock.now() - before < timedelta(hours=1)
