"""seed_events fills two weeks of realistic calendars, once."""

import pytest

from m365sim.models import Event, Mailbox, Tenant
from m365sim.seed_events import seed_events

pytestmark = pytest.mark.django_db(databases=["default", "m365sim"])


def test_seed_events_is_realistic_and_idempotent():
    tenant = Tenant.objects.create(display_name="Muster GmbH", domain="muster.example")
    for local in ("anna", "ben"):
        Mailbox.objects.create(tenant=tenant, email=f"{local}@muster.example", display_name=local)
    room = Mailbox.objects.create(
        tenant=tenant, email="raum@muster.example", display_name="Raum", kind="room"
    )
    seed_events(tenant)
    count = Event.objects.count()
    statuses = set(Event.objects.values_list("show_as", flat=True))
    assert {"busy", "oof", "workingElsewhere"} <= statuses
    assert Event.objects.filter(mailbox=room).exists()
    seed_events(tenant)
    assert Event.objects.count() == count
