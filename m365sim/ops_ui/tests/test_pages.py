"""The ops pages render what the simulated Graph holds (German UI)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from m365sim import clock
from m365sim.graph import events, faults
from m365sim.models import FaultRule, Mailbox, RequestLogEntry, Tenant

pytestmark = pytest.mark.django_db(databases=["default", "m365sim"])


@pytest.fixture
def tenant():
    tenant = Tenant.objects.create(display_name="Muster GmbH", domain="muster.example")
    anna = Mailbox.objects.create(
        tenant=tenant, email="anna@muster.example", display_name="Anna Berg"
    )
    Mailbox.objects.create(tenant=tenant, email="ben@muster.example", display_name="Ben Koch")
    return tenant, anna


def test_week_calendar_shows_events_with_attendees_and_join_link(client, tenant):
    _, anna = tenant
    start = clock.now().replace(hour=9, minute=0, second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%S"
    events.event_create(
        organizer=anna,
        data={
            "subject": "Gespräch mit <b>Frau Lang</b>",
            "start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": (start + timedelta(hours=1)).strftime(fmt), "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": "ben@muster.example"}}],
            "isOnlineMeeting": True,
            "onlineMeetingProvider": "teamsForBusiness",
        },
    )
    resp = client.get(reverse("m365sim:ops-calendar", kwargs={"pk": anna.pk}))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Gespräch mit &lt;b&gt;Frau Lang&lt;/b&gt;" in html  # escaped
    assert "Ben Koch (erforderlich): " in html and "keine Antwort" in html
    assert "https://teams.microsoft.com/l/meetup-join/" in html
    assert "Teams-Besprechung beitreten" in html


def test_cancelled_copy_is_marked(client, tenant):
    _, anna = tenant
    start = clock.now().replace(hour=10, minute=0, second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%S"
    event, _ = events.event_create(
        organizer=anna,
        data={
            "subject": "Termin",
            "start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": (start + timedelta(hours=1)).strftime(fmt), "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": "ben@muster.example"}}],
        },
    )
    events.event_cancel(event=event)
    ben = Mailbox.objects.get(email="ben@muster.example")
    html = client.get(reverse("m365sim:ops-calendar", kwargs={"pk": ben.pk})).content.decode()
    assert "Abgesagt:" in html and "cancelled" in html


def test_fault_page_creates_and_clears_rules(client, tenant):
    url = reverse("m365sim:ops-faults")
    resp = client.post(
        url,
        {
            "kind": "throttle",
            "mailbox": "Anna@Muster.example",
            "method": "post",
            "path_contains": "/events",
            "probability": "1",
            "retry_after": "5",
            "delay_ms": "0",
            "status": "504",
            "seed": "1",
        },
    )
    assert resp.status_code == 302
    rule = FaultRule.objects.get()
    assert (rule.kind, rule.mailbox, rule.method) == ("throttle", "anna@muster.example", "POST")
    assert "429 Too Many Requests" in client.get(url).content.decode()
    client.post(reverse("m365sim:ops-faults-clear"))
    assert faults.rules() == []


def test_request_log_lists_latest_first_and_filters_by_mailbox(client, tenant):
    now = clock.now()
    for i, mailbox in enumerate(
        ["anna@muster.example", "ben@muster.example", "anna@muster.example"]
    ):
        RequestLogEntry.objects.create(
            at=now + timedelta(seconds=i),
            method="GET",
            path=f"/v1.0/me?n={i}",
            mailbox=mailbox,
            status=200,
            request_id=f"r{i}",
        )
    html = client.get(
        reverse("m365sim:ops-log"), {"postfach": "anna@muster.example"}
    ).content.decode()
    assert "n=2" in html and "n=0" in html and "n=1" not in html
    assert html.index("n=2") < html.index("n=0")


def test_an_attendee_answers_from_his_calendar_page_later(client, tenant):
    _, anna = tenant
    start = clock.now().replace(hour=11, minute=0, second=0, microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%S"
    event, _ = events.event_create(
        organizer=anna,
        data={
            "subject": "Termin",
            "start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": (start + timedelta(hours=1)).strftime(fmt), "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": "ben@muster.example"}}],
        },
    )
    ben = Mailbox.objects.get(email="ben@muster.example")
    copy = ben.events.get()
    page = client.get(reverse("m365sim:ops-calendar", kwargs={"pk": ben.pk})).content.decode()
    assert reverse("m365sim:ops-respond", kwargs={"pk": copy.pk}) in page

    client.post(
        reverse("m365sim:ops-respond", kwargs={"pk": copy.pk}),
        {"response": "declined", "minutes": 10},
    )

    page = client.get(reverse("m365sim:ops-calendar", kwargs={"pk": anna.pk})).content.decode()
    assert "Antworten, die noch kommen" in page and "declined" in page
    clock.advance(delta=timedelta(minutes=11))
    client.get(reverse("m365sim:ops-calendar", kwargs={"pk": anna.pk}))
    event.refresh_from_db()
    assert event.attendees[0]["status"]["response"] == "declined"
    clock.reset()
