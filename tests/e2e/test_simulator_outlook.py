"""The simulator's Outlook week view in a real browser (issue 14, point 20).

Events stand in a time grid by start and duration, overlapping ones side by side, with
German labels; the mailbox owner edits, drags and deletes his events as in Outlook.
Screenshots: sim-NN-*.png next to the journey's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from m365sim import clock
from m365sim.graph import events
from m365sim.models import Mailbox

from .test_planning_form import Camera

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing"
).expect
BERLIN = ZoneInfo("Europe/Berlin")
FMT = "%Y-%m-%dT%H:%M:%S"


def _event(organizer, day, hour: int, minutes: int, subject: str, **extra):
    start = datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=BERLIN)
    end = start + timedelta(minutes=minutes)
    event, _ = events.event_create(
        organizer=organizer,
        data={
            "subject": subject,
            "start": {"dateTime": start.strftime(FMT), "timeZone": "Europe/Berlin"},
            "end": {"dateTime": end.strftime(FMT), "timeZone": "Europe/Berlin"},
            **extra,
        },
    )
    return event


def test_the_week_view_is_a_time_grid_the_owner_can_change(m365, new_page):
    rita = m365.recruiter
    Mailbox.objects.filter(pk=rita.pk).update(time_zone="Europe/Berlin")
    today = clock.now().astimezone(BERLIN).date()
    wednesday = today - timedelta(days=today.weekday()) + timedelta(days=9)  # next week
    room = m365.rooms[0]
    _event(
        rita, wednesday, 10, 60, "Vorstellungsgespräch",
        attendees=[
            {"emailAddress": {"address": m365.admin.email}, "type": "required"},
            {"emailAddress": {"address": room.email}, "type": "resource"},
        ],
    )  # fmt: skip
    _event(rita, wednesday, 10, 30, "Kurzes Telefonat")
    _event(rita, wednesday, 14, 120, "Workshop")
    m365.advance_clock(seconds=10)  # the room's booking assistant answers a few seconds later
    shot = Camera("sim")
    page = new_page()
    page.goto(f"{m365.base_url}/kalender/{rita.pk}/?woche={wednesday.isoformat()}")

    interview = page.locator(".wk-ev", has_text="Vorstellungsgespräch")
    call = page.locator(".wk-ev", has_text="Kurzes Telefonat")
    workshop = page.locator(".wk-ev", has_text="Workshop")
    a, b, w = interview.bounding_box(), call.bounding_box(), workshop.bounding_box()
    assert abs(a["y"] - b["y"]) < 2, "both start at 10:00"
    assert a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1, "side by side"
    assert w["width"] > 1.8 * a["width"], "alone, the workshop takes the whole column"
    assert 3.5 < w["height"] / b["height"] < 4.5, "120 against 30 minutes"
    expect(interview).to_contain_text("(erforderlich): keine Antwort")
    expect(interview).to_contain_text("(Raum): angenommen")
    shot(page, "week-grid-side-by-side")

    # Edit: move the interview to 15:00 (one hour), as the recruiter would in Outlook.
    interview.get_by_role("link", name="Bearbeiten").click()
    page.fill("#id_start", "16:30")
    page.fill("#id_end", "17:30")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern").click()
    expect(page.locator("body")).to_contain_text("Termin geändert (wie in Outlook).")
    moved = page.locator(".wk-ev", has_text="Vorstellungsgespräch")
    expect(moved).to_contain_text("16:30–17:30")
    expect(moved).to_contain_text("(erforderlich): keine Antwort")

    # Drag: the call goes to Thursday, the duration stays.
    thursday = page.locator(f".wk-col[data-date='{(wednesday + timedelta(days=1)).isoformat()}']")
    with page.expect_navigation():
        page.locator(".wk-ev", has_text="Kurzes Telefonat").drag_to(
            thursday, target_position={"x": 20, "y": 300}
        )
    expect(page.locator("body")).to_contain_text("Termin verschoben (wie in Outlook).")
    expect(thursday.locator(".wk-ev", has_text="Kurzes Telefonat")).to_have_count(1)
    shot(page, "week-grid-after-edit-and-drag")

    # Delete the workshop.
    page.locator(".wk-ev", has_text="Workshop").get_by_role("link", name="Bearbeiten").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Termin löschen").click()
    expect(page.locator("body")).to_contain_text("Termin gelöscht (wie in Outlook).")
    expect(page.locator(".wk-ev", has_text="Workshop")).to_have_count(0)
