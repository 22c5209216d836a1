"""SQL queries per picker request do not grow with the number of appointments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calendar_integration.availability.models import Room
from ebms.recruiting.tests import factories

from .conftest import application, at, client_for

URL = reverse("calendar_integration:availability_picker")


def _book(company, by, observers, count: int) -> None:
    app = application(company)
    # Only a room of the company's tenant may be booked (issue 11.5): one from the stored list.
    Room.objects.get_or_create(
        company=company,
        email="raum.alpha@contoso.example",
        defaults={"name": "Raum Alpha", "last_seen_at": timezone.now()},
    )
    start = at("2027-03-22", "07:00")
    for i in range(count):
        begin = start + timedelta(minutes=11 * i)
        factories.appointment(
            application=app, by=by, observers=observers, starts_at=begin,
            ends_at=begin + timedelta(minutes=30), room_email="raum.alpha@contoso.example",
        )  # fmt: skip


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("extra", [5, 50])
def test_the_query_count_is_the_same_for_5_and_50_appointments(
    muster, alice, olga, dave, extra, django_assert_max_num_queries
):
    client = client_for(alice)
    params = {"start": "2027-03-22", "days": 7, "observers": [olga.pk, dave.pk],
              "slot_start": "2027-03-22T09:00:00Z", "slot_end": "2027-03-22T10:00:00Z"}  # fmt: skip
    _book(muster, alice, [olga], 5)
    baseline = _queries(client, params)

    _book(muster, alice, [olga, dave], extra)

    with django_assert_max_num_queries(baseline):
        data = client.get(URL, params).json()
    row = next(r for r in data["rows"] if r["key"] == f"user-{dave.pk}")
    assert len(row["blocks"]) == extra


def test_the_connected_picker_costs_one_graph_call_then_none_and_fixed_queries(
    m365, planner, muster, colleague
):
    olaf = colleague("olaf")
    client = client_for(planner)
    params = {"start": "2027-03-22", "observers": olaf.pk}
    _book(muster, planner, [olaf], 5)
    first = client.get(URL, params).json()
    hit_queries = _queries(client, params)

    _book(muster, planner, [olaf], 50)
    client.get(URL, params)  # the bookings invalidated the cache: one call again

    assert first["outlook"]["graph_calls"] == 1
    assert _queries(client, params) == hit_queries
    assert client.get(URL, params).json()["outlook"]["graph_calls"] == 0
