"""Issue 14.17/14.18: after the one trial the pages say how to book (no second trial is
offered); the community manager's admin lists have German column headers."""

from __future__ import annotations

from django.urls import reverse

from ebms.accounts.services import booking_end, booking_start_trial


def _end_trial(company, by) -> None:
    booking_end(booking=booking_start_trial(company=company, by=by), by=by)


def test_after_the_trial_the_dashboard_says_how_to_book_not_to_try(client, carol, clara):
    _end_trial(carol.company, clara)
    client.force_login(carol)

    page = client.get(reverse("dashboard")).content.decode()

    assert "data-trial-ended" in page
    assert "eine weitere Demo ist nicht möglich" in page
    assert "Zum Buchen wenden Sie sich an Ihren EBMS-Ansprechpartner" in page


def test_after_the_trial_the_calendar_page_offers_no_second_trial(client, alice, clara):
    _end_trial(alice.company, clara)
    client.force_login(alice)

    page = client.get(reverse("calendar_integration:connect")).content.decode()

    assert "data-trial-used" in page
    assert "7 Tage lang kostenlos testen" not in page


def test_a_company_that_never_tried_is_still_offered_the_trial(client, alice):
    client.force_login(alice)
    page = client.get(reverse("calendar_integration:connect")).content.decode()
    assert "7 Tage lang kostenlos testen" in page


def test_the_company_list_names_an_ended_trial(client, carol, clara):
    _end_trial(carol.company, clara)
    client.force_login(clara)
    page = client.get(reverse("admin:accounts_company_changelist")).content.decode()
    assert "7-Tage-Demo abgelaufen (nur Buchung möglich)" in page


def test_admin_lists_have_german_column_headers(client, carol, clara):
    booking_start_trial(company=carol.company, by=clara)
    client.force_login(clara)

    bookings = client.get(reverse("admin:accounts_featurebooking_changelist"))

    assert bookings.status_code == 200
    page = bookings.content.decode()
    assert ">Firma<" in page and ">Angelegt von<" in page
    assert ">Company<" not in page and ">Created by<" not in page


def test_booking_pages_have_german_labels(client, carol, clara):
    booking = booking_start_trial(company=carol.company, by=clara)
    client.force_login(clara)

    company = client.get(reverse("admin:accounts_company_change", args=[carol.company.pk]))
    detail = client.get(reverse("admin:accounts_featurebooking_change", args=[booking.pk]))

    assert company.status_code == detail.status_code == 200
    for page in (company.content.decode(), detail.content.decode()):
        assert "Angelegt von" in page
        assert "Created by" not in page and "Ended by" not in page
    assert "Firma" in detail.content.decode() and "Zeitpunkt" in detail.content.decode()
    # Nothing became editable: the booking changes only through the actions.
    assert 'name="company"' not in detail.content.decode()
