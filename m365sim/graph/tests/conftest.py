"""Fixtures for the Graph tests: a small tenant, tokens, and HTTP against the live server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import requests

from m365sim import tokens
from m365sim.graph import faults, throttle
from m365sim.models import AutoAcceptPolicy, Mailbox, MailboxKind, Tenant

ALL_SCOPES = (
    "User.Read",
    "Calendars.ReadWrite",
    "Place.Read.All",
)


@dataclass
class Sim:
    base: str
    tenant: Tenant
    anna: Mailbox  # Teams-licensed recruiter
    ben: Mailbox  # colleague
    carla: Mailbox  # no Teams licence
    room: Mailbox  # accepts when free
    session: requests.Session

    def token(self, mailbox: Mailbox, scopes=ALL_SCOPES, **kw) -> str:
        return tokens.issue_access_token(mailbox, list(scopes), **kw)

    def call(
        self,
        method: str,
        path: str,
        *,
        who: Mailbox | None = None,
        scopes=ALL_SCOPES,
        token: str | None = None,
        headers: dict | None = None,
        **kw,
    ) -> requests.Response:
        hdrs = dict(headers or {})
        if token is None and who is not False:
            token = self.token(who or self.anna, scopes)
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        # nextLinks name Microsoft's host, as real ones do; map it like the product's session.
        path = path.replace("https://graph.microsoft.com", self.base)
        url = path if path.startswith("http") else f"{self.base}/v1.0/{path.lstrip('/')}"
        return self.session.request(method, url, headers=hdrs, timeout=30, **kw)


def time_passes(seconds: int = 6) -> None:
    """Simulated time passes (default: longer than a room's booking assistant takes)."""
    from m365sim import clock

    clock.advance(delta=timedelta(seconds=seconds))


def next_weekday(hour: int, days: int = 1) -> datetime:
    """A UTC time `days` days ahead at `hour`:00 (tests pick slots relative to now)."""
    from django.utils import timezone

    base = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return base.replace(hour=hour)


def event_payload(start: datetime, minutes: int = 60, **extra) -> dict:
    end = start + timedelta(minutes=minutes)
    payload = {
        "subject": "Vorstellungsgespräch",
        "body": {"contentType": "HTML", "content": "<p>Hallo</p>"},
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
    }
    payload.update(extra)
    return payload


@pytest.fixture
def sim(live_server, transactional_db, django_db_blocker, settings) -> Sim:
    settings.M365SIM_DELIVERY_THREAD = False  # tests drain with delivery.drain()
    tenant = Tenant.objects.create(display_name="Muster GmbH", domain="muster.example")

    def user(local, name, **kw):
        return Mailbox.objects.create(
            tenant=tenant, email=f"{local}@muster.example", display_name=name, **kw
        )

    sim = Sim(
        base=f"{live_server.url}/m365/graph",
        tenant=tenant,
        anna=user("anna", "Anna Berg", given_name="Anna", surname="Berg"),
        ben=user("ben", "Ben Koch"),
        carla=user("carla", "Carla Weiß", teams_licensed=False),
        room=user(
            "raum.rhein",
            "Raum Rhein",
            kind=MailboxKind.ROOM,
            capacity=8,
            building="Haus A",
            floor_number=2,
            floor_label="2. OG",
            auto_accept=AutoAcceptPolicy.ACCEPT_IF_FREE,
        ),
        session=requests.Session(),
    )
    yield sim
    from m365sim.graph import delivery

    delivery.stop_thread()
    sim.session.close()
    faults.clear()
    throttle._in_flight.clear()


@pytest.fixture
def receiver():
    """A loopback notification endpoint (real HTTP), see receiver.py."""
    from . import receiver as receiver_mod

    rec = receiver_mod.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()
