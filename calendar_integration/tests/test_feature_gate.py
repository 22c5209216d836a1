"""The connect page only for companies with the feature; ended bookings pause, keep connections."""

from __future__ import annotations

from django.urls import reverse

from calendar_integration.connection.lifecycle import sync_paused_reason
from calendar_integration.models import AuthFlow, MicrosoftConnection
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_end

from .conftest import client_for, connect


def test_a_company_without_the_feature_sees_how_to_get_the_trial(db):
    company = Company.objects.create(name="Ohne GmbH")
    user = User.objects.create_user("u@ohne.example", "pw", company=company, role=Role.RECRUITER)

    page = client_for(user).get(reverse("calendar_integration:connect"))

    assert page.status_code == 403
    assert "7-Tage-Demo" in page.content.decode()
    assert client_for(user).post(reverse("calendar_integration:connect_start")).status_code == 403
    assert not AuthFlow.objects.exists()


def test_before_the_first_connection_the_page_explains_the_tenant_admin_setup(muster, alice):
    page = client_for(alice).get(reverse("calendar_integration:connect")).content.decode()

    assert "Erste Einrichtung durch einen Tenant-Administrator" in page
    assert "vorübergehendes Konto mit der Rolle Recruiter" in page
    assert "Beobachter" in page
    assert "Account verbinden (+Räume)" in page
    assert "Account verbinden" in page


def test_observers_cannot_connect(muster, olga):
    assert client_for(olga).get(reverse("calendar_integration:connect")).status_code == 403


def test_when_the_feature_ends_the_connection_stays_with_a_visible_reason(m365, muster, alice):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    for booking in muster.bookings.all():
        booking_end(booking=booking, by=None)

    page = client_for(alice).get(reverse("calendar_integration:connect"))

    connection = MicrosoftConnection.objects.get(user=alice)
    assert connection.is_usable
    assert "Synchronisierung pausiert" in page.content.decode()
    assert "nicht mehr gebucht" in sync_paused_reason(connection=connection)


def test_setup_page_room_list_and_refresh_are_gated_like_the_connect_page(db):
    company = Company.objects.create(name="Ohne GmbH")
    user = User.objects.create_user("u@ohne.example", "pw", company=company, role=Role.RECRUITER)
    client = client_for(user)

    pages = [
        client.get(reverse("calendar_integration:connect")),
        client.get(reverse("calendar_integration:admin_info")),
        client.get(reverse("calendar_integration:availability_rooms")),
        client.post(reverse("calendar_integration:availability_rooms_refresh")),
    ]
    script = client.post(
        reverse("calendar_integration:availability_rooms_refresh"), HTTP_ACCEPT="application/json"
    )

    assert [page.status_code for page in pages] == [403, 403, 403, 403]
    assert all("7-Tage-Demo" in page.content.decode() for page in pages)
    assert script.status_code == 403 and script.json()["ok"] is False
