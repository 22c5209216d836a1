"""Demo calendars: realistic existing appointments for the coming two weeks.

`seed_events(tenant)` fills every user mailbox of the tenant with a stand-up, meetings,
tentative invitations, out-of-office and working-elsewhere blocks, and books the rooms
through meetings that invite them. Deterministic per mailbox and idempotent: each event
carries a transactionId derived from its day and slot, so running it again adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from m365sim import clock
from m365sim.graph import events, later
from m365sim.graph.timezones import UnknownTimeZone, zone
from m365sim.models import Mailbox, MailboxKind, Tenant

MEETINGS = [
    "Projektbesprechung",
    "Kundentermin",
    "1:1 mit Teamleitung",
    "Budgetrunde",
    "Abstimmung Marketing",
    "Planung Quartal",
    "Schulung Arbeitssicherheit",
]
TENTATIVE = ["Optional: Tech-Talk", "Vorschlag: Mittagessen mit Vertrieb", "Webinar (vorläufig)"]
ROOM_MEETINGS = ["Bewerberrunde", "Workshop", "Teammeeting", "Lieferantengespräch"]
FMT = "%Y-%m-%dT%H:%M:%S"


def _tz(mailbox: Mailbox):
    try:
        return zone(mailbox.time_zone or "Europe/Berlin")
    except UnknownTimeZone:
        return zone("Europe/Berlin")


def _workdays(start: date, days: int = 14) -> list[date]:
    return [
        start + timedelta(days=i) for i in range(days) if (start + timedelta(days=i)).weekday() < 5
    ]


def _create(
    mailbox: Mailbox, day: date, slot: str, begin: time, minutes: int, subject: str, **extra
) -> None:
    tz = _tz(mailbox)
    start = datetime.combine(day, begin, tzinfo=tz)
    if start < clock.now():
        return
    end = start + timedelta(minutes=minutes)
    data = {
        "subject": subject,
        "body": {"contentType": "HTML", "content": ""},
        "start": {
            "dateTime": start.strftime(FMT),
            "timeZone": mailbox.time_zone or "Europe/Berlin",
        },
        "end": {"dateTime": end.strftime(FMT), "timeZone": mailbox.time_zone or "Europe/Berlin"},
        "transactionId": f"seed-{day.isoformat()}-{slot}",
        **extra,
    }
    events.event_create(organizer=mailbox, data=data)


def _seed_user(mailbox: Mailbox, today: date) -> None:
    rng = random.Random(mailbox.email)
    days = _workdays(today)
    away = rng.choice(days[5:]) if len(days) > 5 else None
    elsewhere = rng.choice(days[:5]) if days else None
    for day in days:
        if day == away:
            _create(mailbox, day, "oof", time(8), 9 * 60, "Urlaub", showAs="oof")
            continue
        if day == elsewhere:
            _create(mailbox, day, "we", time(8), 9 * 60, "Homeoffice", showAs="workingElsewhere")
        _create(mailbox, day, "standup", time(9), 15, "Team-Standup")
        for n in range(rng.randint(1, 2)):
            hour = rng.choice([10, 11, 13, 14, 15, 16])
            _create(
                mailbox,
                day,
                f"m{n}",
                time(hour, rng.choice([0, 30])),
                rng.choice([30, 60]),
                rng.choice(MEETINGS),
            )
        if rng.random() < 0.3:
            _create(mailbox, day, "t", time(12), 60, rng.choice(TENTATIVE), showAs="tentative")
        if rng.random() < 0.1:
            _create(
                mailbox,
                day,
                "doc",
                time(7, 30),
                90,
                "Arzttermin",
                showAs="oof",
                sensitivity="private",
            )


def _seed_room(room: Mailbox, organizers: list[Mailbox], today: date) -> None:
    if not organizers:
        return
    rng = random.Random(room.email)
    for n, day in enumerate(rng.sample(_workdays(today), k=min(5, len(_workdays(today))))):
        organizer = rng.choice(organizers)
        _create(
            organizer,
            day,
            f"room-{room.pk}-{n}",
            time(rng.choice([8, 10, 14, 16])),
            60,
            rng.choice(ROOM_MEETINGS),
            location={"displayName": room.display_name, "locationEmailAddress": room.email},
            attendees=[
                {
                    "emailAddress": {"address": room.email, "name": room.display_name},
                    "type": "resource",
                }
            ],
        )


def seed_events(tenant: Tenant) -> None:
    """Existing appointments for the coming two weeks in the tenant's mailboxes (idempotent)."""
    # From tomorrow: today's slots may already have passed.
    today = clock.now().date() + timedelta(days=1)
    users = list(
        Mailbox.objects.filter(tenant=tenant, kind=MailboxKind.USER, mailbox_enabled=True).order_by(
            "email"
        )
    )
    for user in users:
        _seed_user(user, today)
    for room in Mailbox.objects.filter(tenant=tenant, kind=MailboxKind.ROOM).order_by("email"):
        _seed_room(room, users, today)
    # The seeded bookings are old news: their rooms answered long ago.
    later.apply_due(clock.now() + timedelta(days=1))
