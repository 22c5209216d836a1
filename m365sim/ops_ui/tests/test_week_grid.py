"""The week view is a time grid the mailbox owner can change, as in Outlook (issue 14, 20)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from m365sim import clock
from m365sim.graph import events
from m365sim.models import Event, Mailbox, Tenant
from m365sim.ops_ui.selectors import PX_PER_MINUTE, week_of

pytestmark = pytest.mark.django_db(databases=["default", "m365sim"])
BERLIN = ZoneInfo("Europe/Berlin")
FMT = "%Y-%m-%dT%H:%M:%S"


@pytest.fixture
def anna():
    tenant = Tenant.objects.create(display_name="Muster GmbH", domain="muster.example")
    Mailbox.objects.create(tenant=tenant, email="ben@muster.example", display_name="Ben Koch")
    return Mailbox.objects.create(
        tenant=tenant, email="anna@muster.example", display_name="Anna Berg",
        time_zone="Europe/Berlin",
    )  # fmt: skip


def _day():
    today = clock.now().astimezone(BERLIN).date()
    return today - timedelta(days=today.weekday()) + timedelta(days=2)  # this week's Wednesday


def _event(mailbox, hour: int, minutes: int, subject: str, **extra) -> Event:
    start = datetime.combine(_day(), datetime.min.time().replace(hour=hour), tzinfo=BERLIN)
    event, _ = events.event_create(
        organizer=mailbox,
        data={
            "subject": subject,
            "start": {"dateTime": start.strftime(FMT), "timeZone": "Europe/Berlin"},
            "end": {
                "dateTime": (start + timedelta(minutes=minutes)).strftime(FMT),
                "timeZone": "Europe/Berlin",
            },
            **extra,
        },
    )
    return event


def _page(client, mailbox) -> str:
    url = reverse("m365sim:ops-calendar", kwargs={"pk": mailbox.pk})
    return client.get(url, {"woche": _day().isoformat()}).content.decode()


def test_events_are_placed_by_start_and_sized_by_duration(anna):
    _event(anna, 9, 90, "Lang")
    monday = _day() - timedelta(days=2)
    (block,) = week_of(anna, monday=monday)[2].blocks
    assert block.top == int(2 * 60 * PX_PER_MINUTE)  # 09:00 is two hours after 07:00
    assert block.height == int(90 * PX_PER_MINUTE)


def test_overlapping_events_stand_side_by_side(client, anna):
    _event(anna, 10, 60, "Eins")
    _event(anna, 10, 30, "Zwei")
    _event(anna, 14, 60, "Allein")

    html = _page(client, anna)

    assert html.count("left:calc(0.000% + 2px);width:calc(50.000% - 4px)") == 1
    assert html.count("left:calc(50.000% + 2px);width:calc(50.000% - 4px)") == 1
    assert html.count("left:calc(0.000% + 2px);width:calc(100.000% - 4px)") == 1


def test_attendees_and_answers_are_labelled_in_german(client, anna):
    _event(
        anna, 9, 60, "Gespräch",
        attendees=[{"emailAddress": {"address": "ben@muster.example"}, "type": "required"}],
    )  # fmt: skip
    ben = Mailbox.objects.get(email="ben@muster.example")
    (copy,) = Event.objects.filter(mailbox=ben)

    owner = _page(client, anna)
    attendee = _page(client, ben)

    assert "Ben Koch (erforderlich): " in owner and "keine Antwort" in owner
    assert "required" not in owner.split("wk-grid")[1]
    assert "Ihre Antwort:" in attendee
    assert reverse("m365sim:ops-event-edit", kwargs={"pk": copy.pk}) not in attendee


def test_the_owner_moves_an_event_like_a_graph_patch(client, anna):
    event = _event(
        anna, 9, 60, "Gespräch",
        attendees=[{"emailAddress": {"address": "ben@muster.example"}, "type": "required"}],
    )  # fmt: skip
    key = event.change_key
    url = reverse("m365sim:ops-event-edit", kwargs={"pk": event.pk})
    form = client.get(url).context["form"]
    data = {**form.initial, "date": _day().isoformat(), "start": "13:00", "end": "14:30"}

    response = client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.start.astimezone(BERLIN).strftime("%H:%M") == "13:00"
    assert event.end - event.start == timedelta(minutes=90)
    assert event.change_key != key
    copy = Event.objects.get(mailbox__email="ben@muster.example")
    assert copy.start == event.start, "the attendee's copy follows, as after a PATCH"


def test_dragging_keeps_the_duration(client, anna):
    event = _event(anna, 9, 45, "Kurz")
    url = reverse("m365sim:ops-event-move", kwargs={"pk": event.pk})
    tomorrow = (_day() + timedelta(days=1)).isoformat()

    client.post(url, {"date": tomorrow, "start": "15:15"})

    event.refresh_from_db()
    local = event.start.astimezone(BERLIN)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == (tomorrow, "15:15")
    assert event.end - event.start == timedelta(minutes=45)


def test_the_owner_deletes_an_event_and_attendees_get_a_cancellation(client, anna):
    event = _event(
        anna, 9, 60, "Gespräch",
        attendees=[{"emailAddress": {"address": "ben@muster.example"}, "type": "required"}],
    )  # fmt: skip

    client.post(reverse("m365sim:ops-event-delete", kwargs={"pk": event.pk}))

    assert not Event.objects.filter(pk=event.pk).exists()
    assert Event.objects.get(mailbox__email="ben@muster.example").is_cancelled


def test_an_attendees_copy_cannot_be_edited_here(client, anna):
    _event(
        anna, 9, 60, "Gespräch",
        attendees=[{"emailAddress": {"address": "ben@muster.example"}, "type": "required"}],
    )  # fmt: skip
    copy = Event.objects.get(mailbox__email="ben@muster.example")
    assert client.get(reverse("m365sim:ops-event-edit", kwargs={"pk": copy.pk})).status_code == 404
