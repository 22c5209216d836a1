"""Per-schedule errors (no permission, unknown address) and missing connections show as
unknown, never as free; EBMS's own appointments still show."""

from __future__ import annotations

from django.urls import reverse

from ebms.accounts.services import booking_end
from ebms.recruiting.tests import factories

from .conftest import application, at, client_for, mailbox, sim_event

URL = reverse("calendar_integration:availability_picker")


def _row(data, user):
    return next(r for r in data["rows"] if r["key"] == f"user-{user.pk}")


def test_a_calendar_without_free_busy_access_is_unknown(m365, planner, colleague):
    olaf = colleague("olaf")
    box = mailbox(olaf.email)
    box.freebusy_shared = False
    box.save()
    sim_event(box, at("2027-03-22", "10:00"), at("2027-03-22", "11:00"))

    data = client_for(planner).get(URL, {"start": "2027-03-22", "observers": olaf.pk}).json()

    row = _row(data, olaf)
    assert row["known"] is False
    assert row["note"] == "keine Berechtigung für die Verfügbarkeit"
    assert row["blocks"] == []
    conflicts = client_for(planner).get(URL, {
        "start": "2027-03-22", "observers": olaf.pk,
        "slot_start": "2027-03-22T09:00:00Z", "slot_end": "2027-03-22T10:00:00Z",
    }).json()["slot"]["conflicts"]  # fmt: skip
    assert {"key": f"user-{olaf.pk}", "label": str(olaf), "status": "unknown",
            "text": row["note"]} in conflicts  # fmt: skip


def test_an_address_microsoft_cannot_resolve_is_unknown(m365, planner, colleague):
    ghost = colleague("ghost", mailbox=False)

    data = client_for(planner).get(URL, {"start": "2027-03-22", "observers": ghost.pk}).json()

    row = _row(data, ghost)
    assert row["known"] is False
    assert row["note"] == "in Microsoft 365 nicht gefunden"


def test_without_a_connection_the_picker_says_why_and_shows_ebms_appointments(muster, alice, olga):
    app = application(muster)
    factories.appointment(
        application=app, by=alice, observers=[olga],
        starts_at=at("2027-03-22", "10:00"), ends_at=at("2027-03-22", "11:00"),
    )  # fmt: skip

    data = client_for(alice).get(URL, {"start": "2027-03-22", "observers": olga.pk}).json()

    assert data["outlook"]["available"] is False
    assert "kein Microsoft-Konto verbunden" in data["outlook"]["reason"]
    for user in (alice, olga):
        row = _row(data, user)
        assert row["known"] is False
        assert row["blocks"] == [{
            "start": "2027-03-22T09:00:00Z", "end": "2027-03-22T10:00:00Z",
            "status": "busy", "source": "ebms",
        }]  # fmt: skip


def test_without_the_feature_the_picker_names_the_missing_booking(muster, alice):
    for booking in muster.bookings.all():
        booking_end(booking=booking, by=None)

    data = client_for(alice).get(URL, {"start": "2027-03-22"}).json()

    assert data["outlook"]["available"] is False
    assert "nicht gebucht" in data["outlook"]["reason"]
