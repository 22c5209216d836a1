"""The planning form leads to the right choice (issue 14, points 6, 8, 9, 10)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER, Appointment, Proposal
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests.test_forms_bad_input import appointment_data, post_appointment


def test_a_title_over_200_characters_gets_a_message(client, alice, application):
    form = post_appointment(client, alice, application, title="T" * 201)
    assert form.errors["title"], "refused with a message, not cut"
    assert "201" in form.errors["title"][0]


def test_the_browser_is_not_told_to_cut_long_input(client, alice, application):
    client.force_login(alice)
    html = client.get(reverse("recruiting:appointment_create", args=[application.pk])).content
    assert b'maxlength="200"' not in html and b"maxlength=" not in html


def test_a_time_the_autumn_change_repeats_is_refused(client, alice, application):
    form = post_appointment(
        client, alice, application, date="2027-10-31", start_time="02:30", end_time="03:30"
    )
    (message,) = form.errors["start_time"]
    assert message.startswith("Die Uhrzeit 02:30 gibt es am 31.")
    assert message.endswith(
        "wegen der Zeitumstellung zweimal. Bitte eine Uhrzeit davor oder danach wählen."
    )


def test_the_organizer_is_not_offered_as_his_own_observer(client, alice, bob, application):
    client.force_login(alice)
    form = client.get(reverse("recruiting:appointment_create", args=[application.pk])).context[
        "form"
    ]
    offered = list(form.fields["observers"].queryset)
    assert bob in offered and alice not in offered


def test_the_organizer_posted_as_observer_is_not_a_valid_choice(client, alice, application):
    form = post_appointment(client, alice, application, observers=[alice.pk])
    assert "observers" in form.errors


def test_a_busy_time_asks_once_and_saves_when_confirmed(client, alice, bob, application):
    busy = f.appointment(application=application, by=alice, starts_at=f.future(days=10, hour=10))
    data = appointment_data(alice, title="Zweitgespräch", start_time="10:30", end_time="11:30")
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    first = client.post(url, data)
    assert first.status_code == 200
    form = first.context["form"]
    assert form.conflicts == [f"{alice}: gebucht 10:00–11:00"]
    html = first.content.decode()
    assert "Trotzdem planen?" in html and f'value="{form.conflict_token}"' in html
    assert Appointment.objects.count() == 1, "nothing saved before the answer"
    confirmed = client.post(url, {**data, "conflicts_ok": form.conflict_token})
    assert confirmed.status_code == 302
    assert Appointment.objects.exclude(pk=busy.pk).get().title == "Zweitgespräch"


def test_a_confirmation_of_other_conflicts_does_not_count(client, alice, bob, application):
    f.appointment(application=application, by=alice, starts_at=f.future(days=10, hour=10))
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    data = appointment_data(alice, start_time="10:30", end_time="11:30")
    token = client.post(url, data).context["form"].conflict_token
    # The recruiter then adds an observer who is busy too: asked again.
    f.appointment(
        application=application, by=alice, recruiter=alice, observers=[bob],
        starts_at=f.future(days=10, hour=11), ends_at=f.future(days=10, hour=11) + timedelta(minutes=15),
    )  # fmt: skip
    again = client.post(url, {**data, "observers": [bob.pk], "conflicts_ok": token})
    assert again.status_code == 200 and again.context["form"].conflict_token != token


def test_a_free_time_saves_without_asking(client, alice, application):
    f.appointment(application=application, by=alice, starts_at=f.future(days=10, hour=8))
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    assert client.post(url, appointment_data(alice)).status_code == 302


def test_editing_an_appointment_does_not_conflict_with_itself(client, alice, application):
    appointment = f.appointment(application=application, by=alice)
    client.force_login(alice)
    url = reverse("recruiting:appointment_edit", args=[appointment.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "observers"}
    data.update(
        recruiter=alice.pk, date=form.initial["date"].isoformat(), start_time="10:15",
        end_time="11:15", title="Verschoben",
    )  # fmt: skip
    assert client.post(url, data).status_code == 302


def test_without_teams_the_manual_link_is_kept(client, alice, application):
    client.force_login(alice)
    url = reverse("recruiting:appointment_create", args=[application.pk])
    data = appointment_data(alice, kind="online", meeting_link="https://meet.example/abc")
    data.pop("location")
    data["candidate_message"] = JOIN_INFO_PLACEHOLDER
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Appointment.objects.get().meeting_link == "https://meet.example/abc"


def test_a_proposal_slot_at_a_busy_time_asks_once(client, alice, application):
    f.appointment(application=application, by=alice, starts_at=f.future(days=10, hour=10))
    day = f.future(days=10).date().isoformat()
    data = {
        "kind": "phone", "title": "Vorschläge", "recruiter": alice.pk,
        "slot1_date": day, "slot1_start": "08:00", "slot1_end": "09:00",
        "slot2_date": day, "slot2_start": "10:30", "slot2_end": "11:30",
    }  # fmt: skip
    client.force_login(alice)
    url = reverse("recruiting:proposal_create", args=[application.pk])

    asked = client.post(url, data)

    form = asked.context["form"]
    assert form.conflicts == [f"Vorschlag 2: {alice}: gebucht 10:00–11:00"]
    assert "Trotzdem planen?" in asked.content.decode()
    assert not Proposal.objects.exists()
    assert client.post(url, {**data, "conflicts_ok": form.conflict_token}).status_code == 302
    assert Proposal.objects.count() == 1


def test_an_edit_that_keeps_time_and_people_does_not_ask_again(client, alice, application):
    f.appointment(application=application, by=alice, starts_at=f.future(days=10, hour=10))
    second = f.appointment(
        application=application, by=alice, starts_at=f.future(days=10, hour=10, minute=30)
    )  # planned over the first one (as after "Trotzdem planen")
    client.force_login(alice)
    url = reverse("recruiting:appointment_edit", args=[second.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "observers"}
    data.update(
        recruiter=alice.pk, date=form.initial["date"].isoformat(), title="Nur der Titel",
        start_time=form.initial["start_time"].strftime("%H:%M"),
        end_time=form.initial["end_time"].strftime("%H:%M"),
    )  # fmt: skip
    assert client.post(url, data).status_code == 302
    fresh = client.get(url).context["form"].initial  # a new one-time key and version
    moved = client.post(
        url,
        {**data, "start_time": "10:45", "end_time": "11:45", "version": fresh["version"],
         "submission_key": fresh["submission_key"]},
    )  # fmt: skip
    assert moved.status_code == 200 and moved.context["form"].conflicts
