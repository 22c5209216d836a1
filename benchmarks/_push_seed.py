"""Mailboxes with upcoming appointments for benchmarks/push_calls.py (not product code).

Each mailbox connects through the real sign-in (MSAL against the simulator). One sample
mailbox per group gets its appointments through recruiting's services (EBMS creates the
Outlook events over Graph); the group's other mailboxes get copies of those rows in bulk:
the appointment, EBMS's CalendarEvent record and the simulator's event, each with its own
ids, as if the product had created them (the first delta round of every mailbox then finds
nothing missing and nothing drifted, which push_calls.py checks).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

__all__ = ["Group", "groups_seed"]


@dataclass
class Group:
    """`mailboxes` recruiters with `appointments` upcoming appointments each."""

    mailboxes: int
    appointments: int
    name: str = ""
    addresses: list[str] = field(default_factory=list)

    @property
    def events(self) -> int:
        return self.mailboxes * self.appointments


_HASH: dict[str, str] = {}


def _mailbox(m365, local: str):
    """A simulator user; the password hashed once for all (PBKDF2 costs ~0.3 s a time)."""
    from m365sim.models import Mailbox

    if not _HASH:
        mailbox = m365.add_user(local)
        _HASH["password"] = mailbox.password
        return mailbox
    mailbox = Mailbox(tenant=m365.tenant, email=f"{local}@{m365.tenant.domain}".lower(),
                      display_name=local.title(), password=_HASH["password"])  # fmt: skip
    mailbox.save()
    return mailbox


def _recruiter(m365, company, local: str):
    from calendar_integration.tests.conftest import signed_in
    from ebms.accounts.models import Role, User

    mailbox = _mailbox(m365, local)
    # No EBMS password (nobody logs in): one hash less per mailbox.
    user = User.objects.create_user(
        f"{local}@bench.example", None, company=company, role=Role.RECRUITER, first_name=local
    )
    return user, signed_in(m365, user, email=mailbox.email), mailbox


def _sample(company, user, count: int) -> list:
    """`count` appointments of `user` through the product (Outlook events over Graph)."""
    from calendar_integration.sync.models import CalendarEvent
    from ebms.recruiting.services import appointment_create
    from ebms.recruiting.tests import factories

    application = factories.application(company=company)
    records = []
    for day in range(count):
        start = factories.future(days=day + 2, hour=9 + day % 8)
        appointment = appointment_create(
            by=user, application=application, recruiter=user, observers=[], kind="onsite",
            starts_at=start, ends_at=start + timedelta(hours=1), title="Vorstellungsgespräch",
            location="Hauptstraße 1",
        )  # fmt: skip
        records.append(
            CalendarEvent.objects.select_related("appointment").get(appointment=appointment)
        )
    return records


def _copies(records: list, user, connection, mailbox) -> None:
    """The sample's appointments, records and simulator events for another mailbox."""
    from calendar_integration.sync.models import CalendarEvent
    from ebms.recruiting.models import Appointment
    from m365sim.models import Event

    sources = {e.immutable_id: e for e in Event.objects.filter(
        immutable_id__in=[r.graph_id for r in records])}  # fmt: skip
    appointments, copies, events = [], [], []
    for record in records:
        appointment = Appointment.objects.get(pk=record.appointment_id)
        appointment.pk = None
        appointment.recruiter = user
        appointment.ical_uid = uuid.uuid4()
        appointments.append(appointment)
    Appointment.objects.bulk_create(appointments)
    for record, appointment in zip(records, appointments, strict=True):
        event = sources[record.graph_id]
        event.pk = None
        event.mailbox = mailbox
        event.graph_id = "AAMk" + uuid.uuid4().hex
        event.immutable_id = "AAkALgAA" + uuid.uuid4().hex
        event.ical_uid = "040000008200E00074C5B7101A82E008" + uuid.uuid4().hex
        event.organizer_address = mailbox.email
        event.transaction_id = None
        events.append(event)
        copy = CalendarEvent.objects.get(pk=record.pk)
        copy.pk = None
        copy.key = uuid.uuid4()
        copy.appointment = appointment
        copy.connection = connection
        copy.graph_id = event.immutable_id
        copy.ical_uid = event.ical_uid
        copies.append(copy)
    Event.objects.bulk_create(events)  # no signal: no change, no notification, as if old
    CalendarEvent.objects.bulk_create(copies)


def groups_seed(m365, company, groups: list[Group]) -> None:
    """Connect every group's mailboxes and give each its appointments."""
    for number, group in enumerate(groups):
        group.name = f"{group.mailboxes}x{group.appointments}"
        records: list = []
        for i in range(group.mailboxes):
            user, connection, mailbox = _recruiter(m365, company, f"g{number}m{i}")
            group.addresses.append(mailbox.email)
            if i == 0:
                records = _sample(company, user, group.appointments)
            else:
                _copies(records, user, connection, mailbox)
