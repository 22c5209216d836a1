"""dateTimeTimeZone: Windows names and the IANA names on Microsoft's list are accepted, other
IANA names answer 400 TimeZoneNotSupportedException
(https://learn.microsoft.com/graph/api/resources/datetimetimezone); `Prefer:
outlook.timezone` works with both kinds."""

from __future__ import annotations

import pytest

from .conftest import event_payload, next_weekday
from .test_auth_and_users import assert_graph_error

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])


def _in_zone(zone: str) -> dict:
    payload = event_payload(next_weekday(9))
    for key in ("start", "end"):
        payload[key]["timeZone"] = zone
    return payload


@pytest.mark.parametrize("zone", ["W. Europe Standard Time", "GMT Standard Time", "Europe/Berlin"])
def test_windows_names_and_listed_iana_names_are_accepted(sim, zone):
    resp = sim.call("POST", "me/events", json=_in_zone(zone))

    assert resp.status_code == 201, resp.text
    assert resp.json()["originalStartTimeZone"] == zone


@pytest.mark.parametrize("zone", ["Europe/Vienna", "Europe/Zurich", "Europe/Amsterdam"])
def test_iana_names_not_on_the_list_are_refused(sim, zone):
    resp = sim.call("POST", "me/events", json=_in_zone(zone))

    assert_graph_error(resp, 400, "TimeZoneNotSupportedException")
    assert zone in resp.json()["error"]["message"]


@pytest.mark.parametrize("zone", ["W. Europe Standard Time", "Europe/Berlin"])
def test_prefer_outlook_timezone_takes_both_kinds(sim, zone):
    created = sim.call("POST", "me/events", json=_in_zone("UTC")).json()

    resp = sim.call(
        "GET", f"me/events/{created['id']}", headers={"Prefer": f'outlook.timezone="{zone}"'}
    )

    assert resp.status_code == 200
    assert resp.json()["start"]["timeZone"] == zone
    assert f'outlook.timezone="{zone}"' in resp.headers["Preference-Applied"]


def test_prefer_with_an_unlisted_iana_name_is_refused(sim):
    created = sim.call("POST", "me/events", json=_in_zone("UTC")).json()

    resp = sim.call(
        "GET", f"me/events/{created['id']}", headers={"Prefer": 'outlook.timezone="Europe/Vienna"'}
    )

    assert_graph_error(resp, 400, "TimeZoneNotSupportedException")
