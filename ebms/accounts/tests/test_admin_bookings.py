"""Community managers book the feature in the Django admin; others cannot."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from ebms.accounts.models import FeatureBooking, User
from ebms.accounts.services import feature_active

CHANGELIST = reverse("admin:accounts_company_changelist")


def _act(client, action: str, company, **extra):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [company.pk], **extra})


def test_the_community_manager_starts_the_trial(client, clara, muster):
    client.force_login(clara)
    response = _act(client, "start_trial", muster)
    assert response.status_code == 302
    assert feature_active(company=muster)
    assert muster.bookings.get().created_by == clara


def test_the_community_manager_activates_and_ends_a_booking(client, clara, muster):
    client.force_login(clara)
    page = _act(client, "activate_booking", muster)
    assert page.status_code == 200
    assert "Buchung aktivieren" in page.content.decode()
    _act(client, "activate_booking", muster, confirm="1", starts_at="", ends_at="")
    assert muster.bookings.get().kind == FeatureBooking.Kind.PAID
    assert feature_active(company=muster)

    _act(client, "end_booking", muster)
    assert not feature_active(company=muster)
    assert muster.bookings.get().ended_by == clara


def test_the_activation_form_rejects_a_bad_date_and_books_nothing(client, clara, muster):
    client.force_login(clara)
    page = _act(client, "activate_booking", muster, confirm="1", ends_at="kein Datum")
    assert page.status_code == 200
    assert not muster.bookings.exists()


def test_the_changelist_shows_the_trial_state(client, clara, muster):
    client.force_login(clara)
    _act(client, "start_trial", muster)
    assert "7-Tage-Demo (noch 7 Tage)" in client.get(CHANGELIST).content.decode()


def test_staff_without_the_permission_cannot_book(client, muster):
    staff = User.objects.create_user("sam@ebms.example", "pw-sam-2026", is_staff=True)
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403
    _act(client, "start_trial", muster)
    assert not muster.bookings.exists()


def test_company_users_cannot_open_the_admin(client, carol, muster):
    client.force_login(carol)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_bookings_cannot_be_deleted_or_added_directly(client, clara, muster):
    client.force_login(clara)
    _act(client, "start_trial", muster)
    booking = muster.bookings.get()
    assert client.get(reverse("admin:accounts_featurebooking_add")).status_code == 403
    delete = reverse("admin:accounts_featurebooking_delete", args=[booking.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert FeatureBooking.objects.filter(pk=booking.pk).exists()
