"""Fixtures of the picker tests: issue 4's people and connect flow, plus a connected planner.

`planner` is alice (recruiter of Muster GmbH) connected as rita@contoso.example with rooms
(tenant-wide admin consent given first). Colleagues that Outlook knows are EBMS users
whose e-mail is their simulator mailbox (`colleague("olaf")`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from calendar_integration.tests import conftest as _issue4
from ebms.accounts.models import Role, User
from ebms.recruiting.tests import factories

# issue 4's fixtures and helpers, reused as they are.
muster, beispiel = _issue4.muster, _issue4.beispiel
alice, carol, dave, olga, mallory, tom = (
    _issue4.alice,
    _issue4.carol,
    _issue4.dave,
    _issue4.olga,
    _issue4.mallory,
    _issue4.tom,
)
client_for, connect = _issue4.client_for, _issue4.connect

BERLIN = ZoneInfo("Europe/Berlin")
SCOPES = [
    "User.Read",
    "Calendars.ReadWrite",
    "Place.Read.All",
    "openid",
    "profile",
    "offline_access",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def planner(m365, muster, alice):
    m365.grant_admin_consent(SCOPES)
    connection = _issue4.signed_in(m365, alice, email=m365.recruiter.email, rooms=True)
    assert connection.has_rooms
    return alice


@pytest.fixture
def colleague(m365, muster):
    """colleague("olaf") -> an EBMS observer olaf@contoso.example with a simulator mailbox."""

    def make(local: str, *, mailbox: bool = True, role: str = Role.OBSERVER) -> User:
        if mailbox:
            m365.add_user(local, local.title())
        return User.objects.create_user(
            f"{local}@contoso.example", "pw", company=muster, role=role,
            first_name=local.title(), last_name="Kollege",
        )  # fmt: skip

    return make


def at(day: str, clock: str, zone=BERLIN) -> datetime:
    """An aware datetime from '2027-03-22', '10:00' in Berlin."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)


def sim_event(
    mailbox, start: datetime, end: datetime, *, subject="Termin", show_as="busy", **extra
):
    """An event directly in a simulator mailbox (as if created in Outlook)."""
    from m365sim.graph.events import event_create

    event, _created = event_create(
        organizer=mailbox,
        data={
            "subject": subject,
            "start": {
                "dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"),
                "timeZone": start.tzinfo.key,
            },
            "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": end.tzinfo.key},
            "showAs": show_as,
            **extra,
        },
    )
    return event


def mailbox(email: str):
    from m365sim.models import Mailbox

    return Mailbox.objects.get(email=email.lower())


def application(company):
    return factories.application(company=company)


def schedule_calls(since=None) -> int:
    from m365sim.graph import log

    return len(log.calls(path_contains="getSchedule", since=since))
