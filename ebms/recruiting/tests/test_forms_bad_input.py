"""Bad input: a translated message at the field and nothing saved."""

from __future__ import annotations

from django.urls import reverse

from ebms.recruiting.models import Appointment, Candidate, Proposal
from ebms.recruiting.tests import factories as f


def appointment_data(alice, **overrides) -> dict:
    data = {
        "kind": "onsite",
        "title": "Erstgespräch",
        "date": f.future(days=10).date().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "recruiter": alice.pk,
        "location": "Hauptstraße 1",
        "candidate_message": "",
    }
    data.update(overrides)
    return data


def post_appointment(client, alice, application, **overrides):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        appointment_data(alice, **overrides),
    )
    assert response.status_code == 200, "a refused form is shown again"
    assert not Appointment.objects.exists()
    return response.context["form"]


def test_end_before_start(client, alice, application):
    form = post_appointment(client, alice, application, start_time="11:00", end_time="10:00")
    assert form.errors["end_time"] == ["Das Ende muss nach dem Beginn liegen."]


def test_zero_duration(client, alice, application):
    form = post_appointment(client, alice, application, start_time="10:00", end_time="10:00")
    assert form.errors["end_time"] == ["Das Ende muss nach dem Beginn liegen."]


def test_longer_than_ten_hours(client, alice, application):
    form = post_appointment(client, alice, application, start_time="07:00", end_time="17:30")
    assert form.errors["end_time"] == ["Ein Termin darf höchstens 10 Stunden dauern."]


def test_in_the_past(client, alice, application):
    yesterday = (f.future(days=-1)).date().isoformat()
    form = post_appointment(client, alice, application, date=yesterday)
    assert form.errors["start_time"] == ["Der Termin darf nicht in der Vergangenheit liegen."]


def test_a_forged_observer_of_another_company(client, alice, application):
    stranger = f.bob(company=f.company(name="Fremd AG"))
    form = post_appointment(client, alice, application, observers=[stranger.pk])
    assert "observers" in form.errors
    assert "gültige" in form.errors["observers"][0]  # Django's German "not a valid choice"


def test_a_deactivated_observer(client, company, alice, application):
    gone = f.bob(company=company, is_active=False)
    form = post_appointment(client, alice, application, observers=[gone.pk])
    assert "observers" in form.errors


def test_an_over_long_title(client, alice, application):
    form = post_appointment(client, alice, application, title="x" * 201)
    assert "höchstens 200 Zeichen" in form.errors["title"][0]


def test_on_site_without_location(client, alice, application):
    form = post_appointment(client, alice, application, location="")
    assert form.errors["location"] == ["Bitte den Ort des Termins angeben."]


def test_online_without_placeholder_or_link(client, alice, application):
    form = post_appointment(client, alice, application, kind="online", candidate_message="Hallo")
    assert "candidate_message" in form.errors
    assert "meeting_link" in form.errors


def test_a_time_skipped_by_the_spring_dst_change(client, alice, application):
    form = post_appointment(
        client, alice, application, date="2027-03-28", start_time="02:30", end_time="03:30"
    )
    assert "Zeitumstellung" in form.errors["start_time"][0]


def test_the_page_shows_the_message_at_the_field(client, alice, application):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        appointment_data(alice, start_time="11:00", end_time="10:00"),
    )
    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_end_time_error"><li>Das Ende muss nach dem Beginn liegen.</li>'
    ) in html


def test_an_invalid_candidate_email(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:candidate_create"),
        {"first_name": "Dana", "last_name": "B", "email": "kein-at", "language": "de"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Bitte gültige E-Mail-Adresse eingeben."]
    assert not Candidate.objects.exists()


def proposal_data(alice, slots, **overrides) -> dict:
    data = {
        "kind": "onsite",
        "title": "Vorschläge",
        "recruiter": alice.pk,
        "location": "Hauptstraße 1",
        "candidate_message": "",
    }
    for n, (day, start, end) in enumerate(slots, start=1):
        data.update({f"slot{n}_date": day, f"slot{n}_start": start, f"slot{n}_end": end})
    data.update(overrides)
    return data


def post_proposal(client, alice, application, slots, **overrides):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:proposal_create", args=[application.pk]),
        proposal_data(alice, slots, **overrides),
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    return response.context["form"]


def _day(days: int) -> str:
    return f.future(days=days).date().isoformat()


def test_a_proposal_needs_two_slots(client, alice, application):
    form = post_proposal(client, alice, application, [(_day(3), "10:00", "11:00")])
    assert "Bitte 2 bis 5 Terminvorschläge angeben." in form.non_field_errors()


def test_duplicate_slots(client, alice, application):
    slot = (_day(3), "10:00", "11:00")
    form = post_proposal(client, alice, application, [slot, slot])
    assert "Zwei Vorschläge sind identisch." in form.non_field_errors()


def test_overlapping_slots(client, alice, application):
    slots = [(_day(3), "10:00", "11:00"), (_day(3), "10:30", "11:30")]
    form = post_proposal(client, alice, application, slots)
    assert "Vorschläge dürfen sich nicht überschneiden." in form.non_field_errors()


def test_a_half_filled_slot_row(client, alice, application):
    slots = [(_day(3), "10:00", "11:00"), (_day(4), "", "11:00")]
    form = post_proposal(client, alice, application, slots)
    assert form.errors["slot2_date"] == ["Bitte Datum, Beginn und Ende angeben."]


def test_a_proposal_for_a_candidate_without_email(client, company, alice):
    application = f.application(company=company, email="")
    slots = [(_day(3), "10:00", "11:00"), (_day(4), "10:00", "11:00")]
    form = post_proposal(client, alice, application, slots)
    assert any("E-Mail-Adresse" in e for e in form.non_field_errors())


def test_a_slot_in_the_past(client, alice, application):
    slots = [(_day(-2), "10:00", "11:00"), (_day(4), "10:00", "11:00")]
    form = post_proposal(client, alice, application, slots)
    assert any("Vergangenheit" in e for e in form.non_field_errors())


def test_it_keeps_a_valid_proposal_form_unsaved_when_one_field_is_bad(client, alice, application):
    slots = [(_day(3), "10:00", "11:00"), (_day(4), "10:00", "11:00")]
    form = post_proposal(client, alice, application, slots, title="x" * 201)
    assert "title" in form.errors
    assert not any(name.startswith("slot") for name in form.errors)
