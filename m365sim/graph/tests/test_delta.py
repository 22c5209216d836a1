"""GET /me/calendarView/delta: full first round with paging, then only changes, @removed
for deleted items, 410 syncStateNotFound for evicted tokens (event-delta.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from m365sim.graph import delta
from m365sim.models import Event

from .conftest import event_payload, next_weekday

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "m365sim"])

FMT = "%Y-%m-%dT%H:%M:%S"


def window() -> str:
    start = next_weekday(0)
    end = start + timedelta(days=3)
    return f"startDateTime={start.strftime(FMT)}&endDateTime={end.strftime(FMT)}"


def round_(sim, url: str, headers: dict | None = None) -> tuple[list[dict], str]:
    """Follow nextLinks to the deltaLink: (items, deltaLink)."""
    items: list[dict] = []
    while True:
        answer = sim.call("GET", url, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        items += page["value"]
        if "@odata.deltaLink" in page:
            return items, page["@odata.deltaLink"]
        assert "$skiptoken=" in page["@odata.nextLink"]
        url = page["@odata.nextLink"]


def create(sim, hour: int, days: int = 1) -> str:
    return sim.call("POST", "me/events", json=event_payload(next_weekday(hour, days))).json()["id"]


def test_first_round_pages_with_skiptoken_then_delta_link(sim):
    ids = [create(sim, h) for h in (8, 9, 10)]
    create(sim, 9, days=10)  # outside the window

    first = sim.call(
        "GET", f"me/calendarView/delta?{window()}", headers={"Prefer": "odata.maxpagesize=2"}
    ).json()
    assert len(first["value"]) == 2
    assert "$skiptoken=" in first["@odata.nextLink"]
    assert "startDateTime" not in first["@odata.nextLink"]  # the window is in the token
    items, link = round_(sim, first["@odata.nextLink"], headers={"Prefer": "odata.maxpagesize=2"})

    assert [i["id"] for i in first["value"] + items] == ids
    assert "$deltatoken=" in link
    assert {"subject", "start", "end", "attendees", "changeKey"} <= set(items[0])


def test_later_rounds_return_only_changes_and_removed_items(sim):
    keep, move, gone = create(sim, 8), create(sim, 9), create(sim, 10)
    _, link = round_(sim, f"me/calendarView/delta?{window()}")

    nothing, link = round_(sim, link)
    assert nothing == []

    sim.call("PATCH", f"me/events/{move}", json={"subject": "Verschoben"})
    sim.call("DELETE", f"me/events/{gone}")
    new = create(sim, 11)
    changes, link = round_(sim, link)

    by_id = {i["id"]: i for i in changes}
    assert set(by_id) == {move, gone, new}
    assert by_id[move]["subject"] == "Verschoben"
    assert by_id[gone] == {
        "@odata.type": "#microsoft.graph.event",
        "id": gone,
        "@removed": {"reason": "deleted"},
    }
    assert keep not in by_id
    again, _ = round_(sim, link)
    assert again == []


def test_an_event_moved_out_of_the_window_comes_as_removed(sim):
    event_id = create(sim, 9)
    _, link = round_(sim, f"me/calendarView/delta?{window()}")
    from m365sim.graph import events

    later_start = next_weekday(9, days=20)
    events.event_update(
        event=Event.objects.get(graph_id=event_id),
        data={
            "start": {"dateTime": later_start.strftime(FMT), "timeZone": "UTC"},
            "end": {
                "dateTime": (later_start + timedelta(hours=1)).strftime(FMT),
                "timeZone": "UTC",
            },
        },
    )
    changes, _ = round_(sim, link)

    assert changes == [
        {"@odata.type": "#microsoft.graph.event", "id": event_id, "@removed": {"reason": "deleted"}}
    ]


def test_immutable_ids_on_request(sim):
    event_id = create(sim, 9)
    prefer = {"Prefer": 'IdType="ImmutableId"'}
    items, link = round_(sim, f"me/calendarView/delta?{window()}", headers=prefer)
    sim.call("DELETE", f"me/events/{event_id}")
    changes, _ = round_(sim, link, headers=prefer)

    immutable = items[0]["id"]
    assert immutable.startswith("AAkALgAA")
    assert changes[0]["id"] == immutable


def test_an_evicted_token_answers_410_and_a_fresh_round_works(sim):
    create(sim, 9)
    _, link = round_(sim, f"me/calendarView/delta?{window()}")
    assert delta.invalidate(sim.anna) >= 1

    gone = sim.call("GET", link)
    unknown = sim.call("GET", "me/calendarView/delta?$deltatoken=nonsense")

    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "syncStateNotFound"
    assert "startDateTime=" in gone.headers["Location"]
    assert unknown.status_code == 410
    items, _ = round_(sim, gone.headers["Location"])
    assert len(items) == 1


def test_the_window_is_required_and_tokens_are_per_mailbox(sim):
    missing = sim.call("GET", "me/calendarView/delta")
    _, link = round_(sim, f"me/calendarView/delta?{window()}")

    assert missing.status_code == 400
    assert sim.call("GET", link, who=sim.ben).status_code == 410
