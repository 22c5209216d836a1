"""The seeded workload of a chaos run: a company with N connected recruiters, then a stream of
recruiting operations through the real services (create 30 %, time change 45 % incl. bursts of
5 edits within 2 s, cancel 15 %, proposals and picks 10 %, plus GDPR erasures of a candidate
(weight 5: delete or anonymise, his upcoming appointments cancelled by the erasure), and
Outlook-side changes (weight 5): the organizer moves a synced appointment by some minutes or
deletes it in Outlook (the simulator's owner path), the booked room declines after having
accepted, or an observer answers (the simulator's attendee path). EBMS leaves such an
appointment alone afterwards; the oracle checks that EBMS recorded the change (drift, the
room's decline, the observer's answer), not that a moved or deleted event matches EBMS.

Every choice comes from one random.Random(seed); the operations' effects do not depend on the
sync, so the same seed gives the same operations in the same order.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import msal
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from calendar_integration.microsoft.http import MicrosoftSession
from calendar_integration.microsoft.identity import BASE_SCOPES, token_state_store
from calendar_integration.models import ConnectionState, MicrosoftConnection
from calendar_integration.sync.models import CalendarEvent
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_activate
from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER, Appointment, Erasure, Proposal
from ebms.recruiting.services import (
    appointment_cancel,
    appointment_create,
    appointment_update,
    candidate_erase,
    proposal_create,
    proposal_pick,
    proposal_withdraw,
)
from ebms.recruiting.tests import factories
from m365sim import clock as sim_clock
from m365sim.identity import directory
from m365sim.seed_directory import DEMO_PASSWORD, room_ensure, tenant_ensure, user_ensure

if TYPE_CHECKING:
    from m365sim.models import Event

DOMAIN = "chaos.example"
BURST = 5
ROOMS = 3
ROOM_SHARE = 0.5  # of the on-site appointments book a room of the tenant
ROOM_ANSWER_SECONDS = 5  # asynchronous room answers switched on (simulated = wall clock here)
BURST_GAP = 0.35  # 5 edits within 2 s
BURST_SHARE = 0.2  # of the time-change choices
# Shares of operations: create 30 %, time change 45 %, cancel 15 %, proposals 10 %. A burst
# choice runs 5 operations, so the time-change choice weighs 45 / (1 + 4 * 0.2) = 25.
MIX = (("create", 30), ("time", 45 / (1 + (BURST - 1) * BURST_SHARE)), ("cancel", 15),
       ("proposal", 10), ("erase", 5), ("outlook", 5))  # fmt: skip
# Kinds of Outlook-side changes (a kind that does not fit the event is left out of the draw).
OUTLOOK_MIX = (("moved", 40), ("deleted", 20), ("room_declined", 20), ("answered", 20))


@dataclass
class OutlookChange:
    """An owner's change in Outlook: what EBMS must record (drift) and when it happened."""

    appointment_id: int
    kind: str  # "moved" | "deleted" | "room_declined" | "answered"
    at: float  # time.time() right after the simulator stored it
    start: datetime | None = None  # the new Outlook start of a move
    address: str = ""  # the observer who answered
    response: str = ""  # his answer
    recorded_at: float | None = None  # first time the record showed it (the runner's watch)


@dataclass
class World:
    company: Company
    recruiters: list[User]
    observers: list[User]
    # Room mailboxes of the tenant (name, e-mail): their booking assistant answers
    # ROOM_ANSWER_SECONDS after each create/time change (asynchronous, as Exchange does).
    rooms: list[tuple[str, str]] = field(default_factory=list)
    admin: User | None = None  # erases candidates (issue 15)


def world_build(*, recruiters: int) -> World:
    """Tenant + company with the feature, recruiters connected by the password grant."""
    tenant = tenant_ensure(display_name="Chaos AG", domain=DOMAIN)
    app = directory.app_ensure()
    sp = directory.service_principal_ensure(tenant=tenant, app=app)
    directory.grant_add(sp=sp, principal=None, scopes=[*BASE_SCOPES, "offline_access"])
    company = Company.objects.create(name="Chaos AG")
    booking_activate(company=company, by=None)
    people = []
    for n in range(1, recruiters + 1):
        email = f"recruiter{n:02d}@{DOMAIN}"
        user_ensure(tenant=tenant, email=email, display_name=f"Recruiter {n:02d}")
        user = factories.user(
            company=company, role=Role.RECRUITER, first_name=f"R{n:02d}", email=email
        )
        _connect(user, email)
        people.append(user)
    # Observers outside the tenant (answers by e-mail, not simulated) and colleagues with a
    # mailbox of the tenant (their copies; they answer from their calendar).
    observers = []
    for n in range(1, 6):
        email = f"beobachter{n}@extern.example" if n <= 3 else f"beobachter{n}@{DOMAIN}"
        if n > 3:
            user_ensure(tenant=tenant, email=email, display_name=f"Beobachter {n}")
        observers.append(
            factories.user(company=company, role=Role.OBSERVER, first_name=f"B{n}", email=email)
        )
    rooms = []
    for n in range(1, ROOMS + 1):
        room = room_ensure(
            tenant=tenant,
            email=f"raum{n}@{DOMAIN}",
            display_name=f"Raum {n}",
            capacity=6,
            answer_delay_seconds=ROOM_ANSWER_SECONDS,
        )
        rooms.append((room.display_name, room.email))
    admin = factories.user(
        company=company, role=Role.COMPANY_ADMIN, first_name="Admin", email=f"admin@{DOMAIN}"
    )
    return World(company=company, recruiters=people, observers=observers, rooms=rooms, admin=admin)


def _connect(user: User, email: str) -> MicrosoftConnection:
    """What the sign-in leaves behind (token cache, scopes), via the password grant."""
    cache = msal.SerializableTokenCache()
    client = msal.ConfidentialClientApplication(
        settings.M365_CLIENT_ID,
        client_credential=settings.M365_CLIENT_SECRET,
        authority=f"{settings.M365_AUTHORITY_HOST}/organizations",
        http_client=MicrosoftSession(),
        token_cache=cache,
    )
    result = client.acquire_token_by_username_password(email, DEMO_PASSWORD, scopes=BASE_SCOPES)
    if "access_token" not in result:
        raise RuntimeError(f"password grant for {email} failed: {result.get('error')}")
    claims = result["id_token_claims"]
    connection = MicrosoftConnection.objects.create(
        user=user,
        company=user.company,
        tenant_id=claims["tid"],
        oid=claims["oid"],
        upn=email,
        display_name=claims.get("name", ""),
        requested_scopes=BASE_SCOPES,
        granted_scopes=BASE_SCOPES,
        state=ConnectionState.NO_ROOMS,
        connected_at=timezone.now(),
    )
    token_state_store(connection, cache_json=cache.serialize())
    return connection


@dataclass
class Counters:
    ops: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    rejected: int = 0  # the service refused (validation): none expected
    # An operation that raised anything but a validation error: in a request that is an
    # error page (Redis down must degrade, never fail). Any failed op fails the run.
    failed: int = 0
    failures: list[str] = field(default_factory=list)


class Workload:
    """Chooses and runs one operation (or a burst) at a time."""

    def __init__(self, *, rng: random.Random, world: World, max_appointments: int) -> None:
        self.rng = rng
        self.world = world
        self.max_appointments = max_appointments
        self.created = 0
        self.live: list[int] = []  # appointments not cancelled
        self.open: list[int] = []  # open proposals
        self.count = Counters()
        self.candidates: list[int] = []  # not erased
        self.erased_names: list[str] = []  # unique last names of erased candidates (oracle)
        self.erased_at: dict[str, datetime] = {}  # name -> simulator time of his erasure
        self.outlook_changes: list[OutlookChange] = []
        self.names = 0  # unique last names handed out

    # -- choosing ----------------------------------------------------------------------------
    def step(self, *, budget: int) -> int:
        """Run the next operation (a burst counts 5); returns how many ran."""
        action = self.rng.choices([a for a, _w in MIX], weights=[w for _a, w in MIX])[0]
        if action == "create" and self.created >= self.max_appointments:
            action = "time"
        if action in ("time", "cancel") and not self.live:
            action = "create" if self.created < self.max_appointments else "proposal"
        if action == "erase" and not self.candidates:
            action = "proposal"
        if action == "outlook" and not self._outlook_candidates():
            action = "proposal"
        if action == "time" and budget >= BURST and self.rng.random() < BURST_SHARE:
            return self._burst()
        return {"create": self._create, "time": self._time, "cancel": self._cancel,
                "proposal": self._proposal, "erase": self._erase,
                "outlook": self._outlook}[action]()  # fmt: skip

    def _when(self) -> tuple[datetime, datetime]:
        start = factories.future(
            days=self.rng.randint(2, 40), hour=self.rng.randint(7, 18),
            minute=self.rng.choice((0, 15, 30, 45)),
        )  # fmt: skip
        return start, start + timedelta(minutes=self.rng.choice((30, 45, 60, 90)))

    def _kind_fields(self) -> dict:
        kind = self.rng.choices(["onsite", "online", "phone"], weights=[55, 35, 10])[0]
        fields = {"kind": kind}
        if kind == "onsite":
            fields["location"] = self.rng.choice(("Domstraße 1, Köln", "Hauptstraße 5, Berlin"))
            if self.world.rooms and self.rng.random() < ROOM_SHARE:
                fields["room_name"], fields["room_email"] = self.rng.choice(self.world.rooms)
        if kind == "online":
            fields["candidate_message"] = f"Hallo!\n\n{JOIN_INFO_PLACEHOLDER}\n\nBis bald"
        return fields

    def _observers(self) -> list[User]:
        return self.rng.sample(self.world.observers, self.rng.randint(0, 2))

    # -- running -----------------------------------------------------------------------------
    def _run(self, kind: str, call, *, fallback=None):
        """Run a service as a request would; an exception is a failed operation (an error
        page), even when its change was committed before the exception."""
        from django.core.exceptions import ValidationError

        try:
            result = call()
        except ValidationError:
            self.count.rejected += 1
            return None
        except Exception as exc:  # noqa: BLE001 - counted and reported: it fails the run
            self.count.failed += 1
            if len(self.count.failures) < 5:
                self.count.failures.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
            result = fallback() if fallback else None
        self.count.ops += 1
        self.count.by_kind[kind] = self.count.by_kind.get(kind, 0) + 1
        return result

    def _create(self) -> int:
        recruiter = self.rng.choice(self.world.recruiters)
        starts_at, ends_at = self._when()
        self.created += 1
        title = f"Chaos {self.created}"
        application = factories.application(
            company=self.world.company,
            email=f"kandidat{self.created}@bewerber.example",
            last_name=self._unique_name(),
        )
        self.candidates.append(application.candidate_id)
        appointment = self._run(
            "create",
            lambda: appointment_create(
                by=recruiter,
                application=application,
                recruiter=recruiter,
                observers=self._observers(),
                starts_at=starts_at,
                ends_at=ends_at,
                title=title,
                **self._kind_fields(),
            ),  # fmt: skip
            fallback=lambda: Appointment.objects.filter(application=application).first(),
        )
        if appointment is not None:
            self.live.append(appointment.pk)
        return 1

    def _time(self) -> int:
        self._move(self.rng.choice(self.live))
        return 1

    def _move(self, appointment_id: int) -> None:
        appointment = Appointment.objects.get(pk=appointment_id)
        starts_at, ends_at = self._when()
        self._run(
            "time",
            lambda: appointment_update(
                appointment=appointment,
                by=appointment.recruiter,
                starts_at=starts_at,
                ends_at=ends_at,
            ),  # fmt: skip
        )

    def _burst(self) -> int:
        appointment_id = self.rng.choice(self.live)
        for n in range(BURST):
            if n:
                time.sleep(BURST_GAP)
            self._move(appointment_id)
        return BURST

    def _cancel(self) -> int:
        appointment_id = self.rng.choice(self.live)
        self.live.remove(appointment_id)
        appointment = Appointment.objects.get(pk=appointment_id)
        self._run(
            "cancel",
            lambda: appointment_cancel(
                appointment=appointment, by=appointment.recruiter, reason="Stelle besetzt"
            ),
        )
        return 1

    def _proposal(self) -> int:
        if self.open and self.rng.random() < 0.5:
            proposal = Proposal.objects.get(pk=self.open.pop(self.rng.randrange(len(self.open))))
            if self.rng.random() < 0.7:
                slot = self.rng.choice(list(proposal.slots.order_by("starts_at")))
                appointment = self._run(
                    "pick",
                    lambda: proposal_pick(proposal=proposal, slot=slot),
                    fallback=lambda: Appointment.objects.filter(proposal=proposal).first(),
                )
                if appointment is not None:
                    self.live.append(appointment.pk)
            else:
                self._run(
                    "withdraw", lambda: proposal_withdraw(proposal=proposal, by=proposal.recruiter)
                )
            return 1
        recruiter = self.rng.choice(self.world.recruiters)
        slots = sorted({self._when() for _ in range(self.rng.randint(2, 3))})
        application = factories.application(
            company=self.world.company,
            email=f"vorschlag{len(self.open)}@bewerber.example",
            last_name=self._unique_name(),
        )
        self.candidates.append(application.candidate_id)
        fields = self._kind_fields()
        proposal = self._run(
            "proposal",
            lambda: proposal_create(
                by=recruiter,
                application=application,
                recruiter=recruiter,
                observers=self._observers(),
                slots=slots,
                title=f"Vorschlag {self.count.ops}",
                **fields,
            ),  # fmt: skip
            fallback=lambda: Proposal.objects.filter(application=application).first(),
        )
        if proposal is not None:
            self.open.append(proposal.pk)
        return 1

    def _unique_name(self) -> str:
        # No name is a part of another (Q0001Z is not inside Q0011Z): the oracle searches for it.
        # A counter of its own: candidates leave `self.candidates` without being erased too
        # (an Outlook-side change), so the list's length must not number the names.
        self.names += 1
        return f"Q{self.names:04d}Z"

    def _erase(self) -> int:
        """GDPR erasure (issue 15) by the company admin; upcoming appointments are cancelled."""
        from ebms.recruiting.models import Candidate

        candidate = Candidate.objects.get(
            pk=self.candidates.pop(self.rng.randrange(len(self.candidates)))
        )
        mode = self.rng.choice([Erasure.Mode.DELETED, Erasure.Mode.ANONYMISED])
        live = set(
            Appointment.objects.filter(application__candidate=candidate).values_list(
                "pk", flat=True
            )
        )
        proposals = set(
            Proposal.objects.filter(application__candidate=candidate).values_list("pk", flat=True)
        )
        name = candidate.last_name
        erased_at = sim_clock.now()
        self._run(
            "erase",
            lambda: candidate_erase(
                candidate=candidate, by=self.world.admin, mode=mode, cancel_upcoming=True
            ),
        )
        if Erasure.objects.filter(candidate_ref=candidate.pk).exists():
            self.erased_names.append(name)
            self.erased_at[name] = erased_at
            self.live = [pk for pk in self.live if pk not in live]
            self.open = [pk for pk in self.open if pk not in proposals]
        else:
            self.candidates.append(candidate.pk)  # refused or rolled back: still there
        return 1

    # -- Outlook-side changes (issue 13) -----------------------------------------------------
    def _outlook_candidates(self) -> list[CalendarEvent]:
        """Records of live, upcoming appointments that are synced and idle (not leased)."""
        now = timezone.now()
        return list(
            CalendarEvent.objects.filter(
                appointment_id__in=self.live,
                appointment__starts_at__gt=now + timedelta(days=1),
                synced_version=F("wanted_version"),
                removed=False,
            )
            .exclude(graph_id="")
            .exclude(lease_until__gt=now)
            .select_related("appointment")
            .order_by("pk")
        )

    def _outlook(self) -> int:
        """Something changes on the Outlook side of a synced appointment: its organizer moves
        it (by 15..120 min) or deletes it, the booked room declines, or an observer answers.
        The kind is drawn first, then an appointment it fits (else a move)."""
        kind = self.rng.choices([k for k, _w in OUTLOOK_MIX], [w for _k, w in OUTLOOK_MIX])[0]
        fitting = self._outlook_fitting(kind) or self._outlook_fitting(kind := "moved")
        if not fitting:
            return 0  # no event there (yet): counted as nothing
        record, event, targets = self.rng.choice(fitting)
        appointment_id = record.appointment_id
        # EBMS does not touch it again (no time change, cancel or erasure of its candidate):
        # a later EBMS change would rightly reset the answers and the drift it is judged by.
        self.live.remove(appointment_id)
        candidate_id = Appointment.objects.filter(pk=appointment_id).values_list(
            "application__candidate_id", flat=True
        )[0]
        if candidate_id in self.candidates:
            self.candidates.remove(candidate_id)
        change = OutlookChange(appointment_id=appointment_id, kind=kind, at=0.0)
        if kind == "moved":
            change.start = self._outlook_move(event)
        elif kind == "deleted":
            self._outlook_delete(event)
        elif kind == "room_declined":
            self._outlook_answer(event, targets[0], "declined")
        else:
            change.address = self.rng.choice(targets)
            change.response = self.rng.choice(("accepted", "tentativelyAccepted", "declined"))
            self._outlook_answer(event, change.address, change.response)
        change.at = time.time()
        self.outlook_changes.append(change)
        return 1

    def _outlook_fitting(self, kind: str) -> list[tuple[CalendarEvent, Event, list[str]]]:
        """(record, organizer event, who answers) for each candidate the kind fits: any
        event for a move or delete; a booked room that has accepted (and has no answer
        pending that would overwrite a decline); observers of the tenant without an answer."""
        from m365sim.models import Event, PendingChange

        records = self._outlook_candidates()
        ids = [r.graph_id for r in records]
        events = {}
        for event in Event.objects.filter(is_organizer=True).filter(
            Q(graph_id__in=ids) | Q(immutable_id__in=ids)
        ):
            events[event.graph_id] = events[event.immutable_id] = event
        pending = set(
            PendingChange.objects.filter(event__in=list(events.values())).values_list(
                "event_id", flat=True
            )
        )
        fitting = []
        for record in records:
            event = events.get(record.graph_id)
            if event is None:
                continue
            if kind == "room_declined":
                room = (record.appointment.room_email or "").lower()
                accepted = any(
                    a["address"] == room and a["response"] == "accepted"
                    for a in _attendees(event, room=True)
                )
                targets = [room] if room and accepted and event.pk not in pending else []
            elif kind == "answered":
                targets = [
                    a["address"]
                    for a in _attendees(event)
                    if a["response"] in ("", "none") and a["address"].endswith(f"@{DOMAIN}")
                ]
            else:
                targets = [""]
            if targets:
                fitting.append((record, event, targets))
        return fitting

    @property
    def outlook_diverged(self) -> set[int]:
        """Appointments whose Outlook event was moved or deleted on purpose: the calendars
        oracle leaves them out (answers leave the event as EBMS wants it)."""
        return {c.appointment_id for c in self.outlook_changes if c.kind in ("moved", "deleted")}

    def _outlook_move(self, event: Event) -> datetime:
        from m365sim.graph import events

        shift = timedelta(minutes=self.rng.choice((15, 30, 60, 120)))
        fmt = "%Y-%m-%dT%H:%M:%S"
        start, end = event.start + shift, event.end + shift
        data = {
            "start": {"dateTime": start.astimezone(UTC).strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": end.astimezone(UTC).strftime(fmt), "timeZone": "UTC"},
        }
        self._run("outlook", lambda: events.event_update(event=event, data=data))
        return start

    def _outlook_delete(self, event: Event) -> None:
        from m365sim.graph import events

        self._run("outlook", lambda: events.event_delete(event=event))

    def _outlook_answer(self, event: Event, address: str, response: str) -> None:
        """The attendee (a room's delegate, an observer) answers from his calendar, as the
        simulator's calendar page does: scheduled now, applied at once."""
        from m365sim.graph import later
        from m365sim.models import Mailbox

        def answer() -> None:
            attendee = Mailbox.objects.get(email=address)
            later.attendee_answer_schedule(event=event, attendee=attendee, response=response)
            later.apply_due()

        self._run("outlook", answer)


def _attendees(event: Event, *, room: bool = False) -> list[dict]:
    """The organizer event's attendees as {"address", "response"}: observers, or with
    room=True the resources."""
    return [
        {
            "address": ((a.get("emailAddress") or {}).get("address") or "").lower(),
            "response": (a.get("status") or {}).get("response") or "",
        }
        for a in event.attendees or []
        if (a.get("type") == "resource") == room
    ]
