"""Small plain factories for recruiting tests (used by the services and the UI tests).

Named users per company: alice (recruiter), bob (observer), carol (company admin).
Every function takes keyword arguments only and creates what it needs when not given.
"""

from __future__ import annotations

import functools
import itertools
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ebms.accounts.models import Company, Role, User
from ebms.recruiting.models import Application, Candidate, Position
from ebms.recruiting.tests import hooks_registry

PASSWORD = "Geheim-123!"  # noqa: S105 - test password
_counter = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    # Hashing once keeps the tests fast; logging in with PASSWORD still works.
    return make_password(PASSWORD)


def company(*, name: str = "Muster GmbH", time_zone: str = "Europe/Berlin") -> Company:
    return Company.objects.create(name=name, time_zone=time_zone)


def user(
    *,
    company: Company,
    role: str,
    first_name: str,
    last_name: str = "Beispiel",
    email: str | None = None,
    is_active: bool = True,
) -> User:
    email = email or f"{first_name.lower()}.{next(_counter)}@c{company.pk}.example"
    return User.objects.create(
        email=email,
        password=_password_hash(),
        company=company,
        role=role,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
    )


def alice(*, company: Company, **kwargs) -> User:
    """A recruiter."""
    return user(company=company, role=Role.RECRUITER, first_name="Alice", **kwargs)


def bob(*, company: Company, **kwargs) -> User:
    """An observer (Beobachter)."""
    return user(company=company, role=Role.OBSERVER, first_name="Bob", **kwargs)


def carol(*, company: Company, **kwargs) -> User:
    """A company admin."""
    return user(company=company, role=Role.COMPANY_ADMIN, first_name="Carol", **kwargs)


def position(*, company: Company, title: str = "Softwareentwickler (m/w/d)") -> Position:
    return Position.objects.create(company=company, title=title, location="Berlin")


def candidate(
    *,
    company: Company,
    first_name: str = "Dana",
    last_name: str = "Bewerber",
    email: str | None = "dana@bewerber.example",
    language: str = "de",
    phone: str = "+49 30 1234567",
) -> Candidate:
    return Candidate.objects.create(
        company=company,
        first_name=first_name,
        last_name=last_name,
        email=email or "",
        language=language,
        phone=phone,
    )


# The parameters of application() shadow these names.
_new_candidate = candidate
_new_position = position


def application(
    *,
    company: Company,
    candidate: Candidate | None = None,
    position: Position | None = None,
    **candidate_kwargs,
) -> Application:
    candidate = candidate or _new_candidate(company=company, **candidate_kwargs)
    position = position or _new_position(company=company, title=f"Stelle {next(_counter)}")
    return Application.objects.create(company=company, candidate=candidate, position=position)


def future(*, days: int = 7, hour: int = 10, minute: int = 0, zone=None) -> datetime:
    """An aware datetime `days` from today at hour:minute in `zone` (default Europe/Berlin)."""
    zone = zone or timezone.get_default_timezone()
    day = timezone.localdate(timezone.now(), zone) + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def appointment(
    *,
    application: Application,
    by: User,
    recruiter: User | None = None,
    observers=(),
    kind: str = "onsite",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    **fields,
):
    """An appointment created through the real service (history, hooks, e-mail row)."""
    from ebms.recruiting.services import appointment_create

    starts_at = starts_at or future()
    ends_at = ends_at or starts_at + timedelta(hours=1)
    fields.setdefault("title", "Vorstellungsgespräch")
    if kind == "onsite":
        fields.setdefault("location", "Hauptstraße 1, Berlin")
    return appointment_create(
        by=by,
        application=application,
        recruiter=recruiter or by,
        observers=observers,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )


def world(*, name: str = "Muster GmbH", time_zone: str = "Europe/Berlin", **candidate_kwargs):
    """A company with alice (recruiter), bob (observer), carol (admin) and one application."""
    from types import SimpleNamespace

    acme = company(name=name, time_zone=time_zone)
    app = application(company=acme, **candidate_kwargs)
    return SimpleNamespace(
        company=acme,
        alice=alice(company=acme),
        bob=bob(company=acme),
        carol=carol(company=acme),
        application=app,
        candidate=app.candidate,
    )


class Announcements:
    """Records hook announcements while registered: `with Announcements() as seen: ...`.

    `calls` holds (event, payload, inside) where `inside` is True when the announcement
    came from within a transaction opened after the recorder was registered (the service's).
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, bool]] = []
        self._depth = 0

    def __call__(self, event: str, **payload) -> None:
        from django.db import connection

        self.calls.append((event, payload, len(connection.atomic_blocks) > self._depth))

    def __enter__(self) -> Announcements:
        from django.db import connection

        from ebms.recruiting import hooks

        self._depth = len(connection.atomic_blocks)
        hooks.listen(self)
        return self

    def __exit__(self, *exc) -> None:

        hooks_registry.unlisten(self)

    def events(self) -> list[str]:
        return [event for event, _payload, _inside in self.calls]
