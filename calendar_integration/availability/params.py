"""Parsing and checking the picker's query parameters (all scoped to the user's company).

Bad or too long ranges, foreign or unknown people and unknown rooms raise BadParams
with a translated message (the view answers 400); another company's appointment is 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User
from ebms.recruiting.models import Appointment

from ..connection.access import company_of
from .models import Room
from .room_check import tenant_domains

__all__ = ["MAX_DAYS", "MAX_PEOPLE", "BadParams", "PickerQuery", "picker_query", "slot_query"]

MAX_DAYS = 7
MAX_PEOPLE = 40
MAX_DURATION = timedelta(hours=10)
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
MAX_ID = 2**63 - 1  # the largest database integer (SQLite raises OverflowError beyond)


class BadParams(Exception):
    """A parameter the picker cannot use; str(exc) is the message for the user."""


@dataclass(frozen=True)
class PickerQuery:
    company: Company
    planner: User
    recruiter: User
    observers: list[User]
    room: tuple[str, str] | None  # (e-mail, name)
    days: list[date]
    slot: tuple[datetime, datetime] | None
    appointment: Appointment | None
    participants: int

    @property
    def start(self) -> datetime:
        """Local midnight of the first day (UTC)."""
        return datetime.combine(self.days[0], time(0), tzinfo=self.company.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        last = self.days[-1] + timedelta(days=1)
        return datetime.combine(last, time(0), tzinfo=self.company.zone).astimezone(UTC)


class _Form(forms.Form):
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    days = forms.IntegerField(required=False, min_value=-1000, max_value=1000)
    to = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    recruiter = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    room = forms.CharField(required=False, max_length=254)
    room_name = forms.CharField(required=False, max_length=200)
    appointment = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    slot_start = forms.DateTimeField(required=False)
    slot_end = forms.DateTimeField(required=False)
    participants = forms.IntegerField(required=False, min_value=1, max_value=1000)
    after = forms.DateTimeField(required=False)
    duration = forms.IntegerField(required=False)


def _form(data: QueryDict) -> dict[str, Any]:
    values = data.copy()
    if "from" in data and "start" not in data:
        values.setlist("start", data.getlist("from")[-1:])
    form = _Form(values)
    if not form.is_valid():
        name, problems = next(iter(form.errors.items()))
        raise BadParams(_("Ungültiger Parameter „%(name)s“: %(problem)s") % {
            "name": name, "problem": problems[0],
        })  # fmt: skip
    for name in ("start", "to", "slot_start", "slot_end", "after"):
        value = form.cleaned_data[name]
        # Checked before any arithmetic: 9999-12-31 + 1 day or year 1 in UTC overflow.
        day = value.date() if isinstance(value, datetime) else value
        if day is not None and not EARLIEST <= day <= LATEST:
            raise BadParams(_("Das Datum liegt außerhalb des erlaubten Bereichs."))
    return form.cleaned_data


def _ids(data: QueryDict) -> list[int]:
    raw = [p for value in data.getlist("observers") for p in value.split(",") if p.strip()]
    try:
        ids = list(dict.fromkeys(int(p) for p in raw))
    except ValueError:
        raise BadParams(_("Beobachter müssen als Benutzer-IDs angegeben werden."))
    if any(not 1 <= i <= MAX_ID for i in ids):
        raise BadParams(_("Unbekannte Person: nur Benutzer Ihrer Firma sind möglich."))
    if len(ids) > MAX_PEOPLE:
        raise BadParams(_("Höchstens %(n)d Beobachter.") % {"n": MAX_PEOPLE})
    return ids


def _days(cleaned: dict, company: Company) -> list[date]:
    first = cleaned["start"] or datetime.now(company.zone).date()
    count = (
        (cleaned["to"] - first).days + 1
        if cleaned["to"] is not None
        else (1 if cleaned["days"] is None else cleaned["days"])
    )
    if count < 1:
        raise BadParams(_("Das Ende des Zeitraums liegt vor seinem Beginn."))
    if count > MAX_DAYS:
        raise BadParams(_("Der Zeitraum darf höchstens %(n)d Tage umfassen.") % {"n": MAX_DAYS})
    if not (first >= EARLIEST and first + timedelta(days=count) <= LATEST):
        raise BadParams(_("Das Datum liegt außerhalb des erlaubten Bereichs."))
    return [first + timedelta(days=i) for i in range(count)]


def _room(email: str, name: str, company: Company) -> tuple[str, str] | None:
    """A known room of the company, or a typed address in the company's Microsoft domain
    (Places lists new rooms only after 24-48 h; getSchedule knows them at once)."""
    email = email.strip().lower()
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        raise BadParams(_("Die Raum-Adresse ist keine gültige E-Mail-Adresse."))
    known = Room.objects.filter(company=company, email=email).values_list("name", flat=True)
    if known:
        return email, known[0]
    if email.rsplit("@", 1)[-1] not in tenant_domains(company):
        raise BadParams(_("Unbekannter Raum: die Adresse gehört nicht zu Ihrer Firma."))
    return email, name.strip() or email


def _slot(cleaned: dict) -> tuple[datetime, datetime] | None:
    begin, end = cleaned["slot_start"], cleaned["slot_end"]
    if begin is None and end is None:
        return None
    if begin is None or end is None or end <= begin:
        raise BadParams(_("Der gewählte Zeitraum braucht Beginn und ein späteres Ende."))
    if end - begin > MAX_DURATION:
        raise BadParams(_("Ein Termin darf höchstens 10 Stunden dauern."))
    return begin.astimezone(UTC), end.astimezone(UTC)


def picker_query(*, user: User, data: QueryDict) -> PickerQuery:
    """The checked query of one picker request by `user` (a planner of his company)."""
    company = company_of(user)
    cleaned = _form(data)
    ids = _ids(data)
    wanted = set(ids) | ({cleaned["recruiter"]} if cleaned["recruiter"] else set())
    people = {u.pk: u for u in User.objects.filter(company=company, pk__in=wanted)}
    if len(people) != len(wanted):
        raise BadParams(_("Unbekannte Person: nur Benutzer Ihrer Firma sind möglich."))
    appointment = None
    if cleaned["appointment"]:
        appointment = Appointment.objects.filter(company=company, pk=cleaned["appointment"]).first()
        if appointment is None:
            raise Http404
    observers = [people[i] for i in ids]
    recruiter = people.get(cleaned["recruiter"]) or user
    count = cleaned["participants"] or len({recruiter.pk, *ids}) + 1  # + the candidate
    return PickerQuery(
        company=company,
        planner=user,
        recruiter=recruiter,
        observers=observers,
        room=_room(cleaned["room"], cleaned["room_name"], company),
        days=_days(cleaned, company),
        slot=_slot(cleaned),
        appointment=appointment,
        participants=count,
    )


def slot_query(*, user: User, data: QueryDict) -> tuple[PickerQuery, datetime, timedelta]:
    """The picker query plus the search start (`after`, default now) and the duration."""
    query = picker_query(user=user, data=data)
    cleaned = _form(data)
    after = (cleaned["after"] or datetime.now(UTC)).astimezone(UTC)
    if not (EARLIEST <= after.date() <= LATEST):
        raise BadParams(_("Das Datum liegt außerhalb des erlaubten Bereichs."))
    minutes = 60 if cleaned["duration"] is None else cleaned["duration"]
    if not 15 <= minutes <= MAX_DURATION.total_seconds() // 60:
        raise BadParams(_("Die Dauer muss zwischen 15 Minuten und 10 Stunden liegen."))
    return query, after, timedelta(minutes=minutes)
