"""Demo data for "Muster GmbH": users of every role, a running trial, candidates, appointments.

Idempotent: objects are found by natural keys; appointments are only added to a company
that has none yet.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ebms.accounts.models import Company, FeatureBooking, Role, User
from ebms.accounts.roles import community_manager_group
from ebms.accounts.services import booking_start_trial
from ebms.recruiting.models import (
    JOIN_INFO_PLACEHOLDER,
    Application,
    AppointmentKind,
    Candidate,
    Position,
)
from ebms.recruiting.services import appointment_create

DEMO_PASSWORD = "Demo-2026!"
DOMAIN = "muster.example"

PEOPLE = [
    ("anna.admin", "Anna", "Admin", Role.COMPANY_ADMIN),
    ("lena.schmidt", "Lena", "Schmidt", Role.RECRUITER),
    ("jonas.weber", "Jonas", "Weber", Role.RECRUITER),
    ("paul.becker", "Paul", "Becker", Role.OBSERVER),
    ("mia.hoffmann", "Mia", "Hoffmann", Role.OBSERVER),
    ("tim.fischer", "Tim", "Fischer", Role.OBSERVER),
]
POSITIONS = [
    ("Softwareentwickler (m/w/d)", "Köln"),
    ("Sachbearbeiter Personal (m/w/d)", "Köln"),
    ("Vertriebsmitarbeiter Außendienst (m/w/d)", "Hamburg"),
]
CANDIDATES = [
    ("Sophie", "Wagner", "sophie.wagner@example.org", "de", 0),
    ("Lukas", "Schulz", "lukas.schulz@example.org", "de", 0),
    ("Emma", "Klein", "emma.klein@example.org", "en", 1),
    ("Noah", "Wolf", "noah.wolf@example.org", "de", 2),
    ("Hannah", "Neumann", "", "de", 1),
    ("Ben", "Schwarz", "ben.schwarz@example.org", "en", 0),
]


def _user(email: str, first: str, last: str, **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=first, last_name=last, **fields
        )
    return user


def _next_workday(now: datetime, days: int, hour: int, company: Company) -> datetime:
    day = (now.astimezone(company.zone) + timedelta(days=days)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=company.zone)


@transaction.atomic
def seed_demo() -> dict:
    """Create or complete the demo data; return every login."""
    manager = _user("cm@ebms.example", "Clara", "Community", is_staff=True)
    manager.groups.add(community_manager_group())

    company, _ = Company.objects.get_or_create(name="Muster GmbH")
    users = {
        key: _user(f"{key}@{DOMAIN}", first, last, company=company, role=role)
        for key, first, last, role in PEOPLE
    }
    if not company.bookings.filter(kind=FeatureBooking.Kind.TRIAL).exists():
        booking_start_trial(company=company, by=manager)

    other, _ = Company.objects.get_or_create(name="Beispiel AG")
    other_user = _user(
        "max.muster@beispiel.example", "Max", "Muster", company=other, role=Role.RECRUITER
    )

    positions = [
        Position.objects.get_or_create(company=company, title=title, defaults={"location": loc})[0]
        for title, loc in POSITIONS
    ]
    applications = []
    for first, last, email, lang, pos in CANDIDATES:
        candidate, _ = Candidate.objects.get_or_create(
            company=company,
            first_name=first,
            last_name=last,
            defaults={"email": email, "language": lang, "phone": "+49 221 555 0100"},
        )
        application, _ = Application.objects.get_or_create(
            company=company, candidate=candidate, position=positions[pos]
        )
        applications.append(application)

    if not company.appointments.exists():
        _seed_appointments(company, users, applications)

    logins = [{"email": u.email, "password": DEMO_PASSWORD, "role": u.role} for u in users.values()]
    logins.append({"email": manager.email, "password": DEMO_PASSWORD, "role": "community_manager"})
    logins.append({"email": other_user.email, "password": DEMO_PASSWORD, "role": "recruiter"})
    return {"ebms_users": logins}


def _seed_appointments(company: Company, users: dict, applications: list) -> None:
    now = timezone.now()
    lena, jonas = users["lena.schmidt"], users["jonas.weber"]
    plans = [
        (applications[0], lena, [users["paul.becker"]], AppointmentKind.ON_SITE, 1, 10),
        (applications[1], lena, [users["mia.hoffmann"]], AppointmentKind.PHONE, 2, 14),
        (applications[2], jonas, [users["tim.fischer"], users["paul.becker"]], "online", 3, 11),
        (applications[3], jonas, [], AppointmentKind.ON_SITE, 6, 9),
    ]
    for application, recruiter, observers, kind, days, hour in plans:
        start = _next_workday(now, days, hour, company)
        online = kind == AppointmentKind.ONLINE
        appointment_create(
            by=recruiter,
            application=application,
            recruiter=recruiter,
            observers=observers,
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            location="" if online else "Muster GmbH, Domstraße 1, 50667 Köln",
            title=f"Vorstellungsgespräch {application.candidate}",
            internal_description="Fachliche Fragen vorbereiten; Gehaltsrahmen intern abstimmen.",
            candidate_message=(
                "Wir freuen uns auf das Gespräch mit Ihnen."
                + (f"\n\n{JOIN_INFO_PLACEHOLDER}" if online else "")
            ),
            meeting_link="https://meet.example.org/muster-gmbh-interview" if online else "",
        )
