"""Appointment, proposal and cancellation forms.

The forms parse and tidy the input (times in the company zone, fields that do not apply
to the chosen kind); the services decide what is valid and save.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ebms.accounts.models import Company, User
from ebms.accounts.submissions import SubmissionKeyMixin

from .. import hooks
from ..models import JOIN_INFO_PLACEHOLDER, MAX_TEXT, MEETING_FIELDS, Appointment, AppointmentKind
from ..selectors import company_planners, company_users_active
from .timing import DATE_WIDGET, MAX_ID, TIME_WIDGET, date_in_range, split, zoned

MAX_SLOTS = 5

# Service errors are keyed by model field; these are the form fields that show them.
APPOINTMENT_FIELD_MAP = {"starts_at": "start_time", "ends_at": "end_time"}
PROPOSAL_FIELD_MAP = {"starts_at": None, "ends_at": None, "slots": None}

SERVICE_FIELDS = ("recruiter", "observers", *MEETING_FIELDS)


class _UsersField(forms.ModelMultipleChoiceField):
    """Users by id; an id no database integer can hold is "not a valid choice", not a 500."""

    def _check_values(self, value):
        for pk in value:
            if str(pk).isdecimal() and int(pk) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class _PlanningForm(SubmissionKeyMixin, forms.Form):
    """Fields an appointment and a proposal share (and the one-time submission key)."""

    kind = forms.ChoiceField(
        label=_("Art"),
        choices=AppointmentKind.choices,
        initial=AppointmentKind.ON_SITE,
        widget=forms.Select(attrs={"data-kind-select": ""}),
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    recruiter = forms.ModelChoiceField(
        label=_("Organisator"), queryset=User.objects.none(), empty_label=None
    )
    observers = _UsersField(
        label=_("Beobachter"),
        queryset=User.objects.none(),
        required=False,
        # observer-select.js turns it into a searchable list with chips.
        widget=forms.SelectMultiple(
            attrs={
                "size": 6,
                "data-observer-select": "",
                "data-placeholder": _("Name eingeben …"),
                "data-remove": _("Entfernen:"),
                "data-empty": _("Niemand gefunden."),
                "data-chosen-label": _("Gewählte Beobachter"),
            }
        ),
        help_text=_("Kollegen, die am Gespräch teilnehmen."),
    )
    location = forms.CharField(
        label=_("Ort"),
        max_length=300,
        required=False,
        help_text=_("Adresse bzw. Treffpunkt; nur bei Vor-Ort-Terminen."),
    )
    room_email = forms.EmailField(
        label=_("Raum (E-Mail)"),
        required=False,
        help_text=_("Optional: E-Mail-Adresse des Besprechungsraums."),
    )
    room_name = forms.CharField(label=_("Raum"), max_length=200, required=False)
    meeting_link = forms.URLField(
        label=_("Meeting-Link"),
        assume_scheme="https",
        required=False,
        max_length=200,
        help_text=_("Link zur Online-Besprechung, den der Bewerber mit der Einladung erhält."),
    )
    own_link = forms.BooleanField(
        label=_("Eigenen Link verwenden"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-own-link": ""}),
        help_text=_("Statt der Teams-Besprechung einen Link eines anderen Dienstes angeben."),
    )
    internal_description = forms.CharField(
        label=_("Interne Beschreibung"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Für Kollegen und Outlook; der Bewerber sieht sie nie."),
    )
    candidate_message = forms.CharField(
        label=_("Nachricht an den Bewerber"),
        required=False,
        max_length=MAX_TEXT,
        # The script re-adds the placeholder when the kind switches to online.
        widget=forms.Textarea(attrs={"rows": 5, "data-join-placeholder": JOIN_INFO_PLACEHOLDER}),
        help_text=format_lazy(
            _(
                "Bei Online-Besprechungen den Platzhalter {placeholder} bitte stehen lassen: "
                "er wird durch die Teilnahme-Informationen ersetzt."
            ),
            placeholder=JOIN_INFO_PLACEHOLDER,
        ),
    )

    # The "Trotzdem planen" button sends the fingerprint of the conflicts it was shown.
    conflicts_ok = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, company: Company, user: User, keep_observers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment: Appointment | None = None
        self.conflicts: list[str] = []
        self.conflict_token = ""
        self.company = company
        self.zone = company.zone
        self.planner = user
        self.fields["recruiter"].queryset = company_planners(company=company)
        if not self.is_bound and "recruiter" not in self.initial and user.can_plan:
            self.initial["recruiter"] = user.pk
        # Scoped to the company: a forged id of another company's user is "not a valid choice".
        # Observers deactivated since they were chosen stay selectable, so an edit keeps them.
        # The organizer is never his own observer.
        self.fields["observers"].queryset = company_users_active(
            company=company, including=[u.pk for u in keep_observers]
        ).exclude(pk=self._organizer_id() or 0)
        self.initial.setdefault("candidate_message", JOIN_INFO_PLACEHOLDER)
        for field in self.fields.values():
            # The browser would cut longer input silently; the server says it is too long.
            field.widget.attrs.pop("maxlength", None)

    def _organizer_id(self) -> int | None:
        raw = self.data.get(self.add_prefix("recruiter")) if self.is_bound else None
        raw = raw if raw is not None else self.initial.get("recruiter")
        raw = getattr(raw, "pk", raw)
        return int(raw) if str(raw or "").isdecimal() and int(raw) <= MAX_ID else None

    @property
    def teams_recruiters(self) -> list[int]:
        """Planners whose online appointments get a Teams meeting by themselves."""
        if not hasattr(self, "_teams_recruiters"):
            self._teams_recruiters = [
                planner.pk
                for planner in self.fields["recruiter"].queryset
                if hooks.join_info_expected(
                    Appointment(
                        company=self.company, recruiter=planner, kind=AppointmentKind.ONLINE
                    )
                )
            ]
        return self._teams_recruiters

    @property
    def teams_recruiters_attr(self) -> str:
        return " ".join(str(pk) for pk in self.teams_recruiters)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind != AppointmentKind.ON_SITE:
            # Place and room are hidden unless on site; whatever they held is ignored.
            cleaned["location"] = ""
            cleaned["room_email"] = ""
            cleaned["room_name"] = ""
        recruiter = cleaned.get("recruiter")
        teams = recruiter is not None and recruiter.pk in self.teams_recruiters
        if kind and (kind != AppointmentKind.ONLINE or (teams and not cleaned.get("own_link"))):
            # Teams makes the meeting unless the recruiter chose his own link.
            cleaned["meeting_link"] = ""
        if kind and kind != AppointmentKind.ONLINE:
            message = cleaned.get("candidate_message")
            if message is not None and JOIN_INFO_PLACEHOLDER in message:
                # The placeholder is our pre-fill; it means nothing outside online meetings.
                cleaned["candidate_message"] = message.replace(JOIN_INFO_PLACEHOLDER, "").strip()
        return cleaned

    def ask_about_conflicts(self, cleaned: dict, times: list[tuple[datetime, datetime]]) -> None:
        """Busy people or room at a chosen time: refuse once, unless these very conflicts
        were confirmed with "Trotzdem planen"."""
        lines = []
        for number, (starts_at, ends_at) in enumerate(times, start=1):
            found = hooks.time_conflicts(
                company=self.company,
                planner=self.planner,
                recruiter=cleaned["recruiter"],
                observers=list(cleaned.get("observers") or []),
                room_email=cleaned.get("room_email") or "",
                starts_at=starts_at,
                ends_at=ends_at,
                exclude=self.appointment,
            )
            if len(times) > 1:
                found = [_("Vorschlag %(n)d: %(line)s") % {"n": number, "line": x} for x in found]
            lines += found
        if not lines:
            return
        seen = "|".join([*(f"{a.isoformat()}/{b.isoformat()}" for a, b in times), *lines])
        token = hashlib.sha256(seen.encode()).hexdigest()[:32]
        if cleaned.get("conflicts_ok") == token:
            return
        self.conflicts, self.conflict_token = lines, token
        self.add_error(
            None,
            forms.ValidationError(
                _("Zur gewählten Zeit ist nicht jeder frei. Trotzdem planen?"), code="conflicts"
            ),
        )

    def service_fields(self) -> dict:
        """The cleaned values as keyword arguments of the services."""
        fields = {name: self.cleaned_data[name] for name in SERVICE_FIELDS}
        fields["observers"] = list(fields["observers"])
        return fields


class AppointmentForm(_PlanningForm):
    """One date, a start and an end time in the company's time zone."""

    date = forms.DateField(label=_("Datum"), widget=DATE_WIDGET, validators=[date_in_range])
    start_time = forms.TimeField(label=_("Beginn"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ende"), widget=TIME_WIDGET)
    # The version the edit form was read at: a save on an older version is refused.
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    def __init__(self, *args, appointment: Appointment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    field_order = ["kind", "title", "date", "start_time", "end_time", "recruiter", "observers"]

    @classmethod
    def initial_for(cls, appointment: Appointment) -> dict:
        """Initial values that show an existing appointment in its company's zone."""
        zone = appointment.company.zone
        day, start = split(appointment.starts_at, zone)
        _end_day, end = split(appointment.ends_at, zone)
        initial = {name: getattr(appointment, name) for name in SERVICE_FIELDS}
        initial["recruiter"] = appointment.recruiter_id
        initial["observers"] = [u.pk for u in appointment.observers.all()]
        initial.update(date=day, start_time=start, end_time=end, version=appointment.version)
        initial["own_link"] = bool(appointment.meeting_link)
        return initial

    def clean(self):
        cleaned = super().clean()
        day, start, end = (cleaned.get(k) for k in ("date", "start_time", "end_time"))
        if day and start and end:
            try:
                cleaned["starts_at"] = zoned(day, start, self.zone)
            except forms.ValidationError as error:
                self.add_error("start_time", error)
            try:
                cleaned["ends_at"] = zoned(day, end, self.zone)
            except forms.ValidationError as error:
                self.add_error("end_time", error)
        ready = not self.errors and "starts_at" in cleaned and "ends_at" in cleaned
        if ready and not self._same_people_and_time(cleaned):
            self.ask_about_conflicts(cleaned, [(cleaned["starts_at"], cleaned["ends_at"])])
        return cleaned

    def _same_people_and_time(self, cleaned: dict) -> bool:
        """An edit that keeps time, people and room: any conflict was decided on already."""
        if self.appointment is None:
            return False
        before = self.appointment
        return (
            (cleaned["starts_at"], cleaned["ends_at"]) == (before.starts_at, before.ends_at)
            and cleaned["recruiter"].pk == before.recruiter_id
            and {u.pk for u in cleaned.get("observers") or []}
            == {u.pk for u in before.observers.all()}
            and (cleaned.get("room_email") or "").lower() == before.room_email.lower()
        )

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields.update(
            starts_at=self.cleaned_data["starts_at"], ends_at=self.cleaned_data["ends_at"]
        )
        return fields


class SlotRow:
    """One slot row of the proposal form, for the template."""

    def __init__(self, form: ProposalForm, number: int):
        self.number = number
        self.date = form[f"slot{number}_date"]
        self.start = form[f"slot{number}_start"]
        self.end = form[f"slot{number}_end"]

    @property
    def errors(self) -> list[str]:
        return [*self.date.errors, *self.start.errors, *self.end.errors]


class ProposalForm(_PlanningForm):
    """Up to five slot rows (date, start, end); empty rows are skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_SLOTS + 1):
            self.fields[f"slot{n}_date"] = forms.DateField(
                label=_("Datum"), required=False, widget=DATE_WIDGET, validators=[date_in_range]
            )
            self.fields[f"slot{n}_start"] = forms.TimeField(
                label=_("Beginn"), required=False, widget=TIME_WIDGET
            )
            self.fields[f"slot{n}_end"] = forms.TimeField(
                label=_("Ende"), required=False, widget=TIME_WIDGET
            )

    @property
    def slot_rows(self) -> list[SlotRow]:
        return [SlotRow(self, n) for n in range(1, MAX_SLOTS + 1)]

    def clean(self):
        cleaned = super().clean()
        slots: list[tuple[datetime, datetime]] = []
        for n in range(1, MAX_SLOTS + 1):
            names = (f"slot{n}_date", f"slot{n}_start", f"slot{n}_end")
            if any(name in self.errors for name in names):
                continue
            day, start, end = (cleaned.get(name) for name in names)
            if not (day or start or end):
                continue
            if not (day and start and end):
                self.add_error(names[0], _("Bitte Datum, Beginn und Ende angeben."))
                continue
            slots.append(self._slot(day, start, end, names))
        cleaned["slots"] = [slot for slot in slots if slot is not None]
        if not self.errors and cleaned["slots"] and cleaned.get("recruiter"):
            self.ask_about_conflicts(cleaned, cleaned["slots"])
        return cleaned

    def _slot(self, day: date, start: time, end: time, names) -> tuple | None:
        try:
            return zoned(day, start, self.zone), zoned(day, end, self.zone)
        except forms.ValidationError as error:
            self.add_error(names[1], error)
            return None

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields["slots"] = self.cleaned_data["slots"]
        return fields


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Absagegrund"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Der Bewerber erhält eine Absage mit diesem Grund."),
    )
