"""Times typed across the DST changes are stored correctly and shown back as typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from ebms.recruiting.models import Appointment, Proposal


def _plan(client, alice, application, day: str) -> Appointment:
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        {
            "kind": "onsite",
            "title": "DST",
            "date": day,
            "start_time": "10:00",
            "end_time": "11:30",
            "recruiter": alice.pk,
            "location": "Berlin",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return Appointment.objects.get(starts_at__date=day)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        ("2027-03-27", 9),  # Saturday before the spring change: CET (+1)
        ("2027-03-28", 8),  # the change day: CEST (+2)
        ("2027-10-30", 8),  # Saturday before the autumn change: CEST (+2)
        ("2027-10-31", 9),  # the change day: CET (+1)
    ],
)
def test_times_typed_on_dst_days_are_shown_back_as_typed(client, alice, application, day, utc_hour):
    appointment = _plan(client, alice, application, day)
    assert appointment.starts_at == datetime.fromisoformat(f"{day}T{utc_hour:02d}:00+00:00")
    assert appointment.ends_at - appointment.starts_at == (
        datetime(2000, 1, 1, 11, 30) - datetime(2000, 1, 1, 10)
    )
    detail = client.get(reverse("recruiting:appointment_detail", args=[appointment.pk]))
    assert "10:00–11:30" in detail.content.decode()
    edit = client.get(reverse("recruiting:appointment_edit", args=[appointment.pk])).content
    edit = edit.decode()
    assert f'value="{day}"' in edit
    assert 'value="10:00"' in edit and 'value="11:30"' in edit


def test_an_appointment_on_2026_10_25_is_shown_in_local_time(client, company, alice, application):
    # In the past by now, so it is stored directly: 10:00 CET on the autumn change day.
    appointment = Appointment.objects.create(
        company=company,
        application=application,
        recruiter=alice,
        kind="phone",
        title="Herbst",
        starts_at=datetime(2026, 10, 25, 9, tzinfo=UTC),
        ends_at=datetime(2026, 10, 25, 10, tzinfo=UTC),
    )
    summer = Appointment.objects.create(
        company=company,
        application=application,
        recruiter=alice,
        kind="phone",
        title="Sommer",
        starts_at=datetime(2026, 10, 24, 8, tzinfo=UTC),
        ends_at=datetime(2026, 10, 24, 9, tzinfo=UTC),
    )
    client.force_login(alice)
    for item in (appointment, summer):
        html = client.get(reverse("recruiting:appointment_detail", args=[item.pk])).content
        assert "10:00–11:00" in html.decode()
    edit = client.get(reverse("recruiting:appointment_edit", args=[appointment.pk])).content
    assert 'value="2026-10-25"' in edit.decode() and 'value="10:00"' in edit.decode()


def test_proposal_slots_across_the_spring_change(client, alice, application):
    client.force_login(alice)
    response = client.post(
        reverse("recruiting:proposal_create", args=[application.pk]),
        {
            "kind": "phone",
            "title": "Vorschläge",
            "recruiter": alice.pk,
            "slot1_date": "2027-03-27",
            "slot1_start": "10:00",
            "slot1_end": "11:00",
            "slot2_date": "2027-03-28",
            "slot2_start": "10:00",
            "slot2_end": "11:00",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    starts = [s.starts_at for s in proposal.slots.order_by("starts_at")]
    assert starts == [datetime(2027, 3, 27, 9, tzinfo=UTC), datetime(2027, 3, 28, 8, tzinfo=UTC)]
    html = client.get(reverse("recruiting:proposal_detail", args=[proposal.pk])).content.decode()
    assert html.count("10:00–11:00") == 2
