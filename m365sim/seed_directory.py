"""Directory seeding: idempotent helpers and the Muster GmbH demo tenant.

Used by `manage.py m365sim_seed` and by the test fixtures in the root conftest.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.apps import apps

from m365sim import clock
from m365sim.identity.directory import app_ensure
from m365sim.models import AutoAcceptPolicy, Mailbox, MailboxKind, Tenant

DEMO_PASSWORD = "Demo-2026!"
MUSTER_DOMAIN = "muster.example"
MUSTER_NAME = "Muster GmbH"
PLACES_DELAY = timedelta(hours=48)


def tenant_ensure(*, display_name: str, domain: str) -> Tenant:
    """The tenant with this verified domain; its id is derived from the domain (stable)."""
    tenant, _ = Tenant.objects.get_or_create(
        domain=domain.lower(),
        defaults={
            "id": uuid.uuid5(uuid.NAMESPACE_DNS, domain.lower()),
            "display_name": display_name,
        },
    )
    return tenant


def user_ensure(
    *,
    tenant: Tenant,
    email: str,
    display_name: str,
    password: str = DEMO_PASSWORD,
    is_tenant_admin: bool = False,
    teams_licensed: bool = True,
    given_name: str = "",
    surname: str = "",
    job_title: str = "",
) -> Mailbox:
    """A user mailbox (created or updated to these values)."""
    user = Mailbox.objects.filter(email=email.lower()).first() or Mailbox(
        tenant=tenant, email=email.lower()
    )
    user.kind = MailboxKind.USER
    user.display_name = display_name
    user.given_name = given_name
    user.surname = surname
    user.job_title = job_title
    user.is_tenant_admin = is_tenant_admin
    user.teams_licensed = teams_licensed
    user.set_password(password)
    user.save()
    return user


def room_ensure(
    *,
    tenant: Tenant,
    email: str,
    display_name: str,
    capacity: int,
    building: str = "",
    floor_label: str = "",
    floor_number: int | None = None,
    is_wheelchair_accessible: bool = False,
    places_visible_from: datetime | None = None,
    auto_accept: str = AutoAcceptPolicy.ACCEPT_IF_FREE,
    answer_delay_seconds: int | None = None,
) -> Mailbox:
    """A room mailbox; an existing one keeps its Places visibility time."""
    room = Mailbox.objects.filter(email=email.lower()).first()
    if room is None:
        room = Mailbox(tenant=tenant, email=email.lower(), places_visible_from=places_visible_from)
    room.kind = MailboxKind.ROOM
    room.account_enabled = False  # room accounts cannot sign in
    room.display_name = display_name
    room.capacity = capacity
    room.building = building
    room.floor_label = floor_label
    room.floor_number = floor_number
    room.is_wheelchair_accessible = is_wheelchair_accessible
    room.auto_accept = auto_accept
    if answer_delay_seconds is not None:
        room.answer_delay_seconds = answer_delay_seconds
    room.save()
    return room


def _ebms_users(company_name: str) -> list[tuple[str, str, str]]:
    """(email, first name, last name) of the EBMS users of the company, if the product app is here."""
    try:
        user_model = apps.get_model("accounts", "User")
    except LookupError:
        return []
    rows = user_model.objects.filter(company__name=company_name, is_active=True).order_by("email")
    return [(u.email, u.first_name, u.last_name) for u in rows]


def seed_muster(*, company_name: str = MUSTER_NAME, domain: str = MUSTER_DOMAIN) -> dict:
    """The Muster GmbH tenant: admin, mailboxes of the EBMS users, a user without Teams, rooms.

    The service principal is not created: it appears at the first sign-in.
    """
    tenant = tenant_ensure(display_name=company_name, domain=domain)
    app_ensure()
    users = [
        user_ensure(
            tenant=tenant,
            email=f"it-admin@{domain}",
            display_name="IT-Administration",
            given_name="IT",
            surname="Administration",
            is_tenant_admin=True,
        )
    ]
    for email, first, last in _ebms_users(company_name):
        name = f"{first} {last}".strip() or email
        users.append(
            user_ensure(
                tenant=tenant, email=email, display_name=name, given_name=first, surname=last
            )
        )
    users.append(
        user_ensure(
            tenant=tenant,
            email=f"praktikant@{domain}",
            display_name="Paul Praktikant",
            given_name="Paul",
            surname="Praktikant",
            teams_licensed=False,
        )
    )
    later = clock.now() + PLACES_DELAY
    rooms = [
        room_ensure(
            tenant=tenant,
            email=f"raum.rhein@{domain}",
            display_name="Besprechungsraum Rhein",
            capacity=8,
            building="Hauptgebäude",
            floor_label="1. OG",
            floor_number=1,
            is_wheelchair_accessible=True,
        ),
        room_ensure(
            tenant=tenant,
            email=f"raum.main@{domain}",
            display_name="Besprechungsraum Main",
            capacity=4,
            building="Hauptgebäude",
            floor_label="2. OG",
            floor_number=2,
        ),
        room_ensure(
            tenant=tenant,
            email=f"raum.elbe@{domain}",
            display_name="Konferenzraum Elbe",
            capacity=16,
            building="Hauptgebäude",
            floor_label="EG",
            floor_number=0,
            is_wheelchair_accessible=True,
        ),
        room_ensure(
            tenant=tenant,
            email=f"raum.spree@{domain}",
            display_name="Interviewraum Spree",
            capacity=3,
            building="Nebengebäude",
            floor_label="1. OG",
            floor_number=1,
            places_visible_from=later,
        ),
    ]
    _seed_events(tenant)
    return {
        "tenant_id": str(tenant.id),
        "tenant_domain": tenant.domain,
        "users": [
            {
                "upn": u.email,
                "password": DEMO_PASSWORD,
                "is_admin": u.is_tenant_admin,
                "teams_licensed": u.teams_licensed,
            }
            for u in users
        ],
        "rooms": [
            {
                "email": r.email,
                "name": r.display_name,
                "capacity": r.capacity,
                "places_visible_from": r.places_visible_from.isoformat()
                if r.places_visible_from
                else None,
            }
            for r in rooms
        ],
    }


def _seed_events(tenant: Tenant) -> None:
    """Busy/tentative/OOF events from the Graph part, if it offers them."""
    try:
        from m365sim.seed_events import seed_events
    except ImportError:
        return
    seed_events(tenant)
