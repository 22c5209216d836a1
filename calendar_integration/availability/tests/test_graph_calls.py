"""One getSchedule call per 20 rows on a miss, none on a hit; EBMS bookings invalidate."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from ebms.accounts.models import Role, User
from ebms.recruiting.tests import factories
from m365sim.graph import log

from .conftest import application, at, client_for, schedule_calls

URL = reverse("calendar_integration:availability_picker")


def _observers(muster, count: int) -> list[User]:
    # Addresses Microsoft does not know still count as schedules of the request.
    return [
        User.objects.create_user(
            f"beobachter{i}@contoso.example", "pw", company=muster, role=Role.OBSERVER
        )
        for i in range(count)
    ]


def test_twenty_rows_cost_one_call_and_twentyone_cost_two(m365, planner, muster):
    observers = _observers(muster, 20)
    client = client_for(planner)

    since = timezone.now()
    client.get(URL, {"start": "2027-03-22", "observers": [o.pk for o in observers[:19]]})
    assert schedule_calls(since) == 1  # organiser + 19 observers = 20 rows

    client.get(URL, {"start": "2027-05-03", "observers": [o.pk for o in observers]})
    calls = log.calls(path_contains="getSchedule", since=since)
    assert len(calls) == 3  # 21 rows in another window: 20 + 1
    assert calls[1].status == calls[2].status == 200


def test_a_cache_hit_makes_no_graph_call(m365, planner, colleague):
    olaf = colleague("olaf")
    client = client_for(planner)
    params = {"start": "2027-03-22", "days": 5, "observers": olaf.pk}
    first = client.get(URL, params).json()
    assert first["outlook"]["graph_calls"] == 1

    since = timezone.now()
    second = client.get(URL, params).json()
    # The day view of the same week is served from the same cached window.
    third = client.get(URL, {"start": "2027-03-24", "observers": olaf.pk}).json()

    assert schedule_calls(since) == 0
    assert second["outlook"]["graph_calls"] == third["outlook"]["graph_calls"] == 0
    assert second["rows"] == first["rows"]


def test_an_appointment_booked_in_ebms_invalidates_the_cache(m365, planner, muster, colleague):
    olaf = colleague("olaf")
    client = client_for(planner)
    params = {"start": "2027-03-22", "observers": olaf.pk}
    client.get(URL, params)

    factories.appointment(
        application=application(muster), by=planner, observers=[olaf],
        starts_at=at("2027-03-22", "14:00"), ends_at=at("2027-03-22", "15:00"),
    )  # fmt: skip
    since = timezone.now()
    data = client.get(URL, params).json()

    assert schedule_calls(since) == 1
    row = next(r for r in data["rows"] if r["key"] == f"user-{olaf.pk}")
    assert {"start": "2027-03-22T13:00:00Z", "end": "2027-03-22T14:00:00Z", "status": "busy",
            "source": "ebms"} in row["blocks"]  # fmt: skip
