"""A company with one of everything (A GmbH) and people of another company (B AG).

`world` — dict: candidate, application, appointment, proposal, mail (a stored e-mail to
A's candidate), user (A's recruiter, as the target of the user admin page), the people of A
(alice recruiter, bob observer, carol company admin) and of B (eve_admin, eve_recruiter,
eve_observer). Both companies have the calendar feature booked.
`snapshot()` — every row of every product table, to prove a refused request changed nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from calendar_integration.models import MicrosoftConnection
from calendar_integration.sync.models import CalendarEvent
from ebms.accounts.models import Role
from ebms.accounts.services import booking_activate
from ebms.mail.models import StoredMail
from ebms.recruiting.services import proposal_create
from ebms.recruiting.tests import factories as f

PRODUCT_APPS = ("ebms.accounts", "ebms.recruiting", "ebms.mail", "calendar_integration")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot() -> dict[str, list[dict]]:
    """All rows of the product's tables (accounts, recruiting, mail, calendar module)."""
    state = {}
    # Models of work in progress may have no migration (and no table) yet.
    tables = set(connection.introspection.table_names())
    for config in apps.get_app_configs():
        if not config.name.startswith(PRODUCT_APPS):
            continue
        for model in config.get_models():
            if model._meta.db_table not in tables:
                continue
            rows = model._default_manager.order_by("pk").values()
            state[model._meta.label] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return state


def url_for(name: str, world: dict) -> str:
    from .urlmap import CATALOGUE

    obj = CATALOGUE[name].obj
    if obj is None:
        return reverse(name)
    if obj == "token":
        from ebms.recruiting.links import proposal_token

        return reverse(name, args=[proposal_token(world["proposal"])])
    if obj == "session":
        return reverse(name, args=[world["proposal"].pk])
    return reverse(name, args=[world[obj].pk])


# Plausible values for every form field of the product, so a POST that got past the access
# check would have a chance to change something.
POST_DATA = {
    "first_name": "Gekapert",
    "last_name": "Gekapert",
    "email": "gekapert@evil.example",
    "phone": "+49 1",
    "language": "de",
    "role": "company_admin",
    "is_active": "on",
    "title": "Gekapert",
    "kind": "phone",
    "location": "Evil Street",
    "reason": "Gekapert",
    "cancel_reason": "Gekapert",
    "candidate_message": "Gekapert",
    "internal_description": "Gekapert",
    "rooms": "1",
    "next": "/",
}


@pytest.fixture
def world(db) -> dict:
    a = f.company(name="A GmbH")
    b = f.company(name="B AG")
    booking_activate(company=a, by=None)
    booking_activate(company=b, by=None)
    alice = f.alice(company=a)
    application = f.application(company=a, last_name="Zuckermann")
    appointment = f.appointment(application=application, by=alice, title="A-Termin")
    proposal = proposal_create(
        by=alice,
        application=application,
        recruiter=alice,
        observers=[],
        kind="onsite",
        location="Hauptstraße 1",
        title="A-Vorschlag",
        slots=[
            (f.future(days=3), f.future(days=3) + timedelta(hours=1)),
            (f.future(days=4), f.future(days=4) + timedelta(hours=1)),
        ],
    )
    # A sync record for the appointment, so the sync pages have an object to (not) find.
    connection = MicrosoftConnection.objects.create(
        user=alice, company=a, tenant_id="00000000-0000-0000-0000-00000000000a", upn=alice.email
    )
    CalendarEvent.objects.create(company=a, appointment=appointment, connection=connection)
    mail = StoredMail.objects.create(
        company=a,
        from_email="noreply@ebms.example",
        to=application.candidate.email,
        subject="Einladung: A-Termin",
        text_body="Hallo Zuckermann",
        html_body="<p>Hallo Zuckermann</p>",
    )
    return {
        "candidate": application.candidate,
        "application": application,
        "appointment": appointment,
        "proposal": proposal,
        "mail": mail,
        "user": alice,
        "alice": alice,
        "bob": f.bob(company=a),
        "carol": f.carol(company=a),
        "eve_admin": f.user(company=b, role=Role.COMPANY_ADMIN, first_name="Eve"),
        "eve_recruiter": f.user(company=b, role=Role.RECRUITER, first_name="Eve"),
        "eve_observer": f.user(company=b, role=Role.OBSERVER, first_name="Eve"),
    }
