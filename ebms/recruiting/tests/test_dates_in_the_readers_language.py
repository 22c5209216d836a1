"""Issue 14.12: dates as people write them: 01.12.2026 13:31 in German, English dates in
English mode (lists, appointment page, history)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from ebms.recruiting.services import appointment_update
from ebms.recruiting.tests import factories as f

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
GERMAN_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


@pytest.fixture
def moved():
    """An appointment on 01.12.2031 13:31, moved to 14:31 (a history row with times)."""
    w = f.world()
    start = datetime(2031, 12, 1, 13, 31, tzinfo=BERLIN)
    appointment = f.appointment(
        application=w.application, by=w.alice, starts_at=start, ends_at=start.replace(hour=14)
    )
    appointment_update(
        appointment=appointment,
        by=w.alice,
        starts_at=start.replace(hour=14),
        ends_at=start.replace(hour=15),
    )
    # As PostgreSQL's jsonb keeps them: shorter keys first ("ends_at" before "starts_at").
    change = appointment.changes.get(action="changed")
    change.changes = dict(sorted(change.changes.items(), key=lambda kv: (len(kv[0]), kv[0])))
    change.save(update_fields=["changes"])
    return w, appointment


def _page(client, user, name, *args, language="de") -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse(name, args=args)).content.decode()


def test_german_pages_write_dates_the_german_way(client, moved):
    w, appointment = moved

    page = _page(client, w.alice, "recruiting:appointment_detail", appointment.pk)

    assert "Mo, 01.12.2031 14:31–15:31" in page
    assert "01.12.2031 13:31 → 01.12.2031 14:31" in page  # the history
    # Issue 14.3: Beginn before Ende, whatever order the database keeps the JSON keys in.
    assert page.index("<strong>Beginn</strong>") < page.index("<strong>Ende</strong>")
    listing = _page(client, w.alice, "recruiting:appointment_list")
    assert "01.12.2031 14:31" in listing


def test_english_pages_write_english_dates(client, moved):
    w, appointment = moved

    page = _page(client, w.alice, "recruiting:appointment_detail", appointment.pk, language="en")

    main = page.split("<main>", 1)[1]
    assert "Mon, 12/01/2031 2:31 p.m.–3:31 p.m." in main
    assert "12/01/2031 1:31 p.m. → 12/01/2031 2:31 p.m." in main
    assert not GERMAN_DATE.search(main)
    listing = _page(client, w.alice, "recruiting:appointment_list", language="en")
    assert not GERMAN_DATE.search(listing.split("<main>", 1)[1])
