"""The recruiting app's announcements: the small interface the calendar module listens to.

Recruiting never imports calendar_integration. It calls `announce()` inside the same
database transaction as the change, so a listener that writes (e.g. bumps an outbox
version) commits or rolls back together with the change.

Events and their keyword payloads:

    appointment_created    appointment
    appointment_changed    appointment, changed: set of field names
    appointment_cancelled  appointment
    proposal_sent          proposal
    proposal_picked        proposal, appointment
    proposal_withdrawn     proposal   (also sent when a proposal expires)
    candidate_erased       candidate, erasure, needles: his personal strings (names too, for
                           his own rows), identifiers: full name, e-mail, phone (to find him
                           in other rows); sent before the rows are anonymised or deleted
    privacy_settings_changed  company, changed: set of field names, include_past: bool

Panels: another app contributes HTML to recruiting pages by registering a template for a
slot with `provide_panel(slot, template_name)`; the page renders every panel of the slot
with its own context (`{% recruiting_panels "slot" %}`). Slots:

    planning             appointment and proposal forms (form, application, appointment)
    appointment_detail   appointment page (appointment)

Row flags: `provide_row_flags(provider)` registers `provider(appointments) -> {pk: [flag]}`
(one call per list page, so one query); a flag is {"text", "level" ("warn"|"err"|"info"),
"url", "link_text"} and shows in the appointment tables' status column.

A join-information provider (the calendar module for online appointments) answers
`provides_join_info(appointment) -> bool`; when one does, the candidate invitation waits
until `appointment_join_info_set()` (services) delivers the meeting's join information.

A sync-state provider (the calendar module) answers `provider(appointment_ids) ->
{appointment_id: SyncState}` for many appointments at once (one query, no N+1); lists show
the state as a badge (`sync_states()`).

A room checker (the calendar module) answers `check(company=, recruiter=, email=) -> str`:
an empty string when `email` is a room of the company's tenant, else the German message
shown at "Raum (E-Mail)". Without a checker (no calendar module) nothing invites the room,
and the typed address is only stored.

A conflict checker (the calendar module's free/busy) answers
`check(company=, planner=, recruiter=, observers=, room_email=, starts_at=, ends_at=,
exclude=) -> list[str]`: one line per person or room that is busy at that time. The
appointment form asks "Trotzdem planen?" once before saving such a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ebms.accounts.models import Company, User

from .models import Appointment

EVENTS = (
    "appointment_created",
    "appointment_changed",
    "appointment_cancelled",
    "proposal_sent",
    "proposal_picked",
    "proposal_withdrawn",
    "candidate_erased",
    "privacy_settings_changed",
)

Listener = Callable[..., None]
_listeners: list[Listener] = []
_join_info_providers: list[Callable[..., bool]] = []
_room_checkers: list[Callable[..., str]] = []
_conflict_checkers: list[Callable[..., list[str]]] = []
_panels: dict[str, list[str]] = {}
_row_flag_providers: list[Callable[..., dict]] = []
_state_providers: list[Callable[..., dict]] = []


@dataclass(frozen=True)
class SyncState:
    """An appointment's calendar state as lists show it.

    `key`: synced, sending, reconnect, paused or problem; `label` the short German text,
    `detail` an optional longer one (a tooltip or second line).
    """

    key: str
    label: str
    detail: str = ""

    @property
    def is_problem(self) -> bool:
        return self.key == "problem"


PANEL_SLOTS = ("planning", "appointment_detail")


def listen(listener: Listener) -> Listener:
    """Register `listener(event: str, **payload)`; usable as a decorator. Idempotent."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def provide_join_info(provider: Callable[..., bool]) -> Callable[..., bool]:
    """Register `provider(appointment) -> bool`: True when it will deliver join information."""
    if provider not in _join_info_providers:
        _join_info_providers.append(provider)
    return provider


def provide_room_check(checker: Callable[..., str]) -> Callable[..., str]:
    """Register `checker(company=, recruiter=, email=) -> str` (idempotent)."""
    if checker not in _room_checkers:
        _room_checkers.append(checker)
    return checker


def provide_sync_states(provider: Callable[..., dict]) -> Callable[..., dict]:
    """Register `provider(appointment_ids) -> {id: SyncState}` (idempotent)."""
    if provider not in _state_providers:
        _state_providers.append(provider)
    return provider


def sync_states(appointment_ids: Iterable[int]) -> dict[int, SyncState]:
    """The calendar state of each appointment that has one (empty without a provider)."""
    ids = [pk for pk in appointment_ids if pk is not None]
    states: dict[int, SyncState] = {}
    if not ids:
        return states
    for provider in list(_state_providers):
        states.update(provider(ids))
    return states


def room_problem(*, company: Company, recruiter: User | None, email: str) -> str | None:
    """None when a checker accepts `email` as a room of the company, else its message."""
    for checker in list(_room_checkers):
        problem = checker(company=company, recruiter=recruiter, email=email)
        if problem:
            return problem
    return None


def provide_conflict_check(checker: Callable[..., list[str]]) -> Callable[..., list[str]]:
    """Register a conflict checker (see the module docstring; idempotent)."""
    if checker not in _conflict_checkers:
        _conflict_checkers.append(checker)
    return checker


def time_conflicts(**query) -> list[str]:
    """Every checker's lines for a planned time (empty without a calendar module)."""
    return [line for checker in list(_conflict_checkers) for line in checker(**query)]


def announce(event: str, **payload) -> None:
    """Tell every listener; call inside the transaction that made the change."""
    if event not in EVENTS:
        raise ValueError(f"unknown recruiting event {event!r}")
    for listener in list(_listeners):
        listener(event, **payload)


def join_info_expected(appointment) -> bool:
    """True when a provider (the calendar module) will fill the join-info placeholder."""
    return any(provider(appointment) for provider in _join_info_providers)


def provide_panel(slot: str, template_name: str) -> None:
    """Render `template_name` in the recruiting page slot `slot` (idempotent)."""
    if slot not in PANEL_SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}")
    templates = _panels.setdefault(slot, [])
    if template_name not in templates:
        templates.append(template_name)


def panels(slot: str) -> list[str]:
    """Template names registered for `slot`, in registration order."""
    return list(_panels.get(slot, ()))


def provide_row_flags(provider: Callable[..., dict]) -> Callable[..., dict]:
    """Register `provider(appointments) -> {appointment pk: [flag dict]}` (idempotent)."""
    if provider not in _row_flag_providers:
        _row_flag_providers.append(provider)
    return provider


def row_flags(appointments: Iterable[Appointment]) -> dict[int, list[dict[str, Any]]]:
    """Flags of every provider for the given appointments, by appointment pk."""
    merged: dict[int, list[dict[str, Any]]] = {}
    appointments = list(appointments)
    if not appointments:
        return merged
    for provider in list(_row_flag_providers):
        for pk, flags in provider(appointments).items():
            merged.setdefault(pk, []).extend(flags)
    return merged
