"""Fixtures of the sync tests: Muster GmbH with the feature booked, alice (recruiter) connected
through the real sign-in to the simulator's rita@contoso.example, and helpers to plan
appointments through recruiting's services and to read the simulator's side.

Every test runs against the live simulator (HTTP); Celery is eager, so a sync runs when the
change commits.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from calendar_integration.models import MicrosoftConnection
from calendar_integration.sync.models import CalendarEvent, MailboxPause
from calendar_integration.tests.conftest import client_for, signed_in
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_activate
from ebms.recruiting.services import appointment_create
from ebms.recruiting.tests import factories
from m365sim.graph import faults, log
from m365sim.models import Event

__all__ = ["client_for"]


@pytest.fixture
def muster(db) -> Company:
    company = Company.objects.create(name="Muster GmbH")
    booking_activate(company=company, by=None)
    return company


def _user(email: str, company: Company, role: str, first: str) -> User:
    return User.objects.create_user(
        email, "pw-" + email, company=company, role=role, first_name=first, last_name="Muster"
    )


@pytest.fixture
def alice(muster) -> User:
    return _user("alice@muster.example", muster, Role.RECRUITER, "Alice")


@pytest.fixture
def olaf(m365, muster) -> User:
    """Observer whose EBMS address is a mailbox of the simulated tenant."""
    m365.add_user("olaf", "Olaf Observer")
    return _user("olaf@contoso.example", muster, Role.OBSERVER, "Olaf")


@pytest.fixture
def rita(m365, muster, alice) -> MicrosoftConnection:
    """alice connected to rita@contoso.example (no rooms permission needed to book rooms)."""
    connection = signed_in(m365, alice, email=m365.recruiter.email)
    faults.clear()
    log.clear()
    return connection


@pytest.fixture
def application(muster):
    return factories.application(company=muster, email="dana@bewerber.example")


def plan(*, application, by, kind="onsite", days=7, hour=10, observers=(), **fields):
    start = factories.future(days=days, hour=hour)
    if kind == "onsite":
        fields.setdefault("location", "Hauptstraße 1, Berlin")
    if kind == "online":
        fields.setdefault("candidate_message", "Hallo!\n\n[[Online-Meeting-Teilnahme]]\n\nBis bald")
    return appointment_create(
        by=by,
        application=application,
        recruiter=fields.pop("recruiter", by),
        observers=observers,
        kind=kind,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        title=fields.pop("title", "Vorstellungsgespräch"),
        **fields,
    )


def record_of(appointment) -> CalendarEvent:
    return CalendarEvent.objects.get(appointment=appointment)


def events_of(mailbox, **filters):
    """The simulator's events in a mailbox (organizer items unless filtered otherwise)."""
    return list(Event.objects.filter(mailbox=mailbox, **filters).order_by("pk"))


def calls(mailbox) -> list:
    """Top-level Graph calls for the mailbox (a $batch counts once, not its items)."""
    return [c for c in log.calls(mailbox=mailbox.email) if not c.batch_request_id]


def time_passes() -> None:
    """Every stored wait (next attempt, Retry-After pause, lease) is over."""
    past = timezone.now() - timedelta(seconds=1)
    CalendarEvent.objects.exclude(next_attempt_at=None).update(next_attempt_at=past)
    CalendarEvent.objects.exclude(lease_until=None).update(lease_until=past)
    MailboxPause.objects.update(until=past)


def answers_arrive(m365, *, seconds: int = 6, minutes_later: int = 2) -> dict:
    """Exchange answers (the simulator clock passes `seconds`), then EBMS's minute sweep runs
    `minutes_later` from now, when the first follow-up read is due."""
    from calendar_integration.sync.services import sync_sweep

    m365.advance_clock(seconds=seconds)
    return sync_sweep(now=timezone.now() + timedelta(minutes=minutes_later))


def as_outlook_user(m365, mailbox, method: str, path: str, **kwargs) -> requests.Response:
    """A call as the user himself (Outlook), straight to the simulator's Graph."""
    token = m365.access_token(mailbox, ["Calendars.ReadWrite"])
    session = m365.http()
    return session.request(
        method,
        f"https://graph.microsoft.com/v1.0{path}",
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )
