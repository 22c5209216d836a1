"""GET /me/calendarView (https://learn.microsoft.com/graph/api/user-list-calendarview)."""

from datetime import timedelta

import pytest

from .conftest import event_payload, next_weekday
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def window(start, hours=24):
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "startDateTime": start.strftime(fmt),
        "endDateTime": (start + timedelta(hours=hours)).strftime(fmt),
    }


def test_it_requires_the_time_window(sim):
    resp = sim.call("GET", "me/calendarView")
    assert_graph_error(resp, 400, "ErrorInvalidParameter")


def test_it_pages_with_next_link(sim):
    day = next_weekday(0, days=2)
    for hour in (8, 9, 10):
        sim.call("POST", "me/events", json=event_payload(day + timedelta(hours=hour)))
    sim.call("POST", "me/events", json=event_payload(day + timedelta(days=3)))  # outside
    first = sim.call("GET", "me/calendarView", params={**window(day), "$top": "2"}).json()
    assert first["@odata.context"].endswith("/calendarView")
    assert len(first["value"]) == 2
    second = sim.call("GET", first["@odata.nextLink"]).json()
    assert len(second["value"]) == 1
    assert "@odata.nextLink" not in second
    starts = [e["start"]["dateTime"] for e in first["value"] + second["value"]]
    assert starts == sorted(starts)


def test_select_limits_the_properties(sim):
    day = next_weekday(0, days=2)
    sim.call("POST", "me/events", json=event_payload(day + timedelta(hours=9)))
    item = sim.call(
        "GET", "me/calendarView", params={**window(day), "$select": "subject,start"}
    ).json()["value"][0]
    assert set(item) == {"@odata.etag", "id", "subject", "start"}


@pytest.mark.parametrize("zone", ["Europe/Berlin", "W. Europe Standard Time"])
def test_outlook_timezone_converts_the_answer(sim, zone):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    day = next_weekday(0, days=2)
    start = day + timedelta(hours=9)
    sim.call("POST", "me/events", json=event_payload(start))
    resp = sim.call(
        "GET",
        "me/calendarView",
        params=window(day),
        headers={"Prefer": f'outlook.timezone="{zone}"'},
    )
    item = resp.json()["value"][0]
    assert item["start"]["timeZone"] == zone
    local = start.astimezone(ZoneInfo("Europe/Berlin"))
    assert item["start"]["dateTime"] == local.strftime("%Y-%m-%dT%H:%M:%S.0000000")
    assert zone in resp.headers["Preference-Applied"]
    assert datetime.fromisoformat(item["end"]["dateTime"][:19])
