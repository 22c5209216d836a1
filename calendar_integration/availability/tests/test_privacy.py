"""Only time blocks and status reach the browser: no subject or location of anybody's event."""

from __future__ import annotations

from django.urls import reverse

from .conftest import application, at, client_for, mailbox, sim_event

URL = reverse("calendar_integration:availability_picker")
SECRETS = ("Geheimprojekt Phoenix", "Vorstandsetage 7", "Arzttermin Dr. Wurm", "Zimmer 0815")


def test_no_subject_or_location_reaches_the_json_or_the_form(m365, planner, muster, colleague):
    olaf = colleague("olaf")
    sim_event(
        mailbox(olaf.email), at("2027-03-22", "10:00"), at("2027-03-22", "11:00"),
        subject=SECRETS[0], location={"displayName": SECRETS[1]},
    )  # fmt: skip
    # The organiser's own calendar: Microsoft sends its subjects; we still drop them.
    sim_event(
        mailbox(m365.recruiter.email), at("2027-03-22", "12:00"), at("2027-03-22", "13:00"),
        subject=SECRETS[2], location={"displayName": SECRETS[3]},
    )  # fmt: skip
    client = client_for(planner)
    params = {
        "start": "2027-03-22", "days": 7, "observers": olaf.pk,
        "slot_start": "2027-03-22T09:00:00Z", "slot_end": "2027-03-22T12:00:00Z",
    }  # fmt: skip

    picker = client.get(URL, params)
    next_slot = client.get(
        reverse("calendar_integration:availability_next_slot"),
        {"observers": olaf.pk, "after": "2027-03-22T08:00:00Z", "duration": 60},
    )
    form = client.get(reverse("recruiting:appointment_create", args=[application(muster).pk]))

    assert picker.status_code == next_slot.status_code == form.status_code == 200
    blocks = [b for row in picker.json()["rows"] for b in row["blocks"]]
    assert {b["status"] for b in blocks} == {"busy"}
    assert all(set(b) == {"start", "end", "status", "source"} for b in blocks)
    for response in (picker, next_slot, form):
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body
    assert picker["Cache-Control"] == "private, no-store"


def test_a_synced_ebms_appointment_is_shown_once_not_again_as_its_outlook_copy(
    m365, planner, muster
):
    from ebms.recruiting.tests import factories

    start = at("2027-03-23", "10:00")
    factories.appointment(
        application=application(muster),
        by=planner,
        starts_at=start,
        ends_at=at("2027-03-23", "11:00"),
    )
    assert sim_busy_at(m365.recruiter.email, start)  # the sync put it into Outlook
    rows = client_for(planner).get(URL, {"start": "2027-03-23", "days": 1}).json()["rows"]
    own = [b for b in rows[0]["blocks"] if b["start"].startswith("2027-03-23T09:00")]
    assert [b["source"] for b in own] == ["ebms"]


def sim_busy_at(email: str, start) -> bool:
    from m365sim.models import Event

    return Event.objects.filter(mailbox=mailbox(email), start=start).exists()
