"""The notifications ops page: subscriptions with fault switches, lifecycle buttons, log."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from m365sim import clock
from m365sim.models import Delivery, Mailbox, Subscription, Tenant
from m365sim.ops_ui.selectors import mailbox_zone

pytestmark = pytest.mark.django_db(databases=["default", "m365sim"])


@pytest.fixture
def sub():
    tenant = Tenant.objects.create(display_name="Muster GmbH", domain="muster.example")
    anna = Mailbox.objects.create(
        tenant=tenant, email="anna@muster.example", display_name="Anna Berg"
    )
    now = clock.now()
    return Subscription.objects.create(
        id=uuid.uuid4(),
        mailbox=anna,
        application_id="app",
        resource="me/events",
        change_type="created,updated,deleted",
        notification_url="http://127.0.0.1:9/notify",
        lifecycle_url="http://127.0.0.1:9/lifecycle",
        expires_at=now + timedelta(days=2),
        created_at=now,
    )


def test_page_lists_subscriptions_and_switches_faults(client, sub):
    page = client.get(reverse("m365sim:ops-subscriptions"))
    assert page.status_code == 200
    assert str(sub.id) in page.content.decode()

    client.post(
        reverse("m365sim:ops-subscription-faults", kwargs={"pk": sub.pk}),
        {"delay_seconds": "30", "duplicate": "on", "drop": "on"},
    )
    sub.refresh_from_db()
    assert (sub.delay_seconds, sub.duplicate, sub.reorder, sub.drop) == (30, True, False, True)


def test_lifecycle_button_queues_the_event_and_the_log_shows_it(client, sub):
    client.post(
        reverse("m365sim:ops-subscription-lifecycle", kwargs={"pk": sub.pk}),
        {"event": "missed"},
    )
    queued = Delivery.objects.get()
    page = client.get(reverse("m365sim:ops-subscriptions")).content.decode()

    assert queued.kind == "missed"
    assert queued.url == "http://127.0.0.1:9/lifecycle"
    assert "missed" in page


def test_the_owner_moves_and_deletes_in_the_outlook_view_and_that_is_a_change(client, sub):
    from m365sim.graph import events
    from m365sim.models import Event, EventChange

    # 10:00 UTC tomorrow: the move by 90 minutes stays on that day in the mailbox's zone.
    start = clock.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    fmt = "%Y-%m-%dT%H:%M:%S"
    event, _ = events.event_create(
        organizer=sub.mailbox,
        data={
            "subject": "Gespräch",
            "start": {"dateTime": start.strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": (start + timedelta(hours=1)).strftime(fmt), "timeZone": "UTC"},
        },
    )
    zone = mailbox_zone(sub.mailbox)
    moved = (start + timedelta(minutes=90)).astimezone(zone)
    client.post(
        reverse("m365sim:ops-event-move", kwargs={"pk": event.pk}),
        {"date": moved.date().isoformat(), "start": moved.strftime("%H:%M")},
    )
    event.refresh_from_db()
    assert event.start == start + timedelta(minutes=90)

    client.post(reverse("m365sim:ops-event-delete", kwargs={"pk": event.pk}))
    assert not Event.objects.filter(pk=event.pk).exists()
    kinds = list(EventChange.objects.filter(event_pk=event.pk).values_list("kind", flat=True))
    assert kinds == ["created", "updated", "deleted"]
    assert Delivery.objects.filter(mailbox=sub.mailbox).count() == 3
