"""Every page shows the feature notice: active trial with days left and beta, or ended."""

from __future__ import annotations

from django.urls import reverse

from ebms.accounts.services import booking_end, booking_start_trial


def test_no_notice_without_booking(client, carol):
    client.force_login(carol)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "7-Tage-Demo aktiv" not in page and "nicht mehr aktiv" not in page


def test_the_trial_notice_shows_days_left_and_beta(client, carol, clara):
    booking_start_trial(company=carol.company, by=clara)
    client.force_login(carol)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "7-Tage-Demo aktiv: noch 7 Tage." in page
    assert "Beta" in page


def test_the_notice_says_when_the_feature_ended(client, carol, clara):
    booking = booking_start_trial(company=carol.company, by=clara)
    booking_end(booking=booking, by=clara)
    client.force_login(carol)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "nicht mehr aktiv" in page


def test_the_connect_page_is_locked_without_the_feature(client, alice, clara):
    client.force_login(alice)
    locked = client.get(reverse("calendar_integration:connect"))
    assert locked.status_code == 403
    assert "7-Tage-Demo" in locked.content.decode()
    booking_start_trial(company=alice.company, by=clara)
    assert client.get(reverse("calendar_integration:connect")).status_code == 200


def test_english_is_available(client, carol, clara):
    booking_start_trial(company=carol.company, by=clara)
    client.force_login(carol)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert 'lang="en"' in page
    assert "7-day trial active: 7 days left." in page
