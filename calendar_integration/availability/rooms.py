"""Services of the room list (F10): refresh from Places, rate-limited per company.

Microsoft's Places API shows new or changed rooms only after 24-48 hours; the list is
therefore stored with "last seen", refreshed daily and on request, and a room that is
not listed yet can still be typed by its e-mail address (getSchedule knows it at once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User
from ebms.accounts.services import feature_active

from ..connection.access import company_of
from ..connection.selectors import connection_unusable
from ..microsoft import errors
from ..microsoft.graph import GraphClient
from ..models import USABLE_STATES, MicrosoftConnection, planner_usable
from .models import Room, RoomDirectory

__all__ = [
    "REFRESH_EVERY",
    "RefreshResult",
    "room_connection_for",
    "rooms_refresh",
    "rooms_refresh_first",
    "rooms_refresh_all",
    "rooms_refresh_request",
]

logger = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class RefreshResult:
    ok: bool
    message: str
    count: int = 0
    retry_at: datetime | None = None


def _int(value: object) -> int | None:
    try:
        return int(value) if isinstance(value, int | float | str) else None
    except (TypeError, ValueError):
        return None


def refresh_claim(company: Company, now: datetime) -> datetime | None:
    """Take the company's refresh slot (conditional UPDATE); returns the retry time if taken."""
    directory, _created = RoomDirectory.objects.get_or_create(company=company)
    claimed = (
        RoomDirectory.objects.filter(pk=directory.pk)
        .filter(Q(attempted_at__isnull=True) | Q(attempted_at__lte=now - REFRESH_EVERY))
        .update(attempted_at=now)
    )
    if claimed:
        return None
    directory.refresh_from_db(fields=["attempted_at"])
    return (directory.attempted_at or now) + REFRESH_EVERY


def rooms_refresh(*, connection: MicrosoftConnection, now: datetime | None = None) -> RefreshResult:
    """Read all pages of /places/microsoft.graph.room and store them by e-mail address."""
    now = now or timezone.now()
    company = connection.company
    try:
        with GraphClient(connection) as client:
            listed = client.list_rooms()
    except errors.GraphError as exc:
        message = _("Raumliste konnte nicht gelesen werden (%(code)s).") % {"code": exc.code}
        if isinstance(exc, errors.PermissionDenied):
            message = _(
                "Microsoft verweigert die Raumliste (%(code)s): für Räume muss ein "
                "Administrator die Berechtigung Place.Read.All erteilen."
            ) % {"code": exc.code}
        RoomDirectory.objects.filter(company=company).update(
            last_error=message[:500], last_error_code=exc.code[:64]
        )
        logger.info("room list refresh failed for company %s: %s", company.pk, exc.code)
        return RefreshResult(False, message)
    seen: dict[str, dict] = {}
    for place in listed:
        email = str(place.get("emailAddress") or "").strip().lower()
        if email:
            seen[email] = place
    with transaction.atomic():
        existing = {r.email: r for r in Room.objects.filter(company=company)}
        for email, place in seen.items():
            room = existing.get(email) or Room(company=company, email=email)
            room.name = str(place.get("displayName") or email)[:200]
            room.capacity = _int(place.get("capacity"))
            room.building = str(place.get("building") or "")[:200]
            room.floor_label = str(place.get("floorLabel") or "")[:100]
            room.floor_number = _int(place.get("floorNumber"))
            room.is_wheelchair_accessible = bool(place.get("isWheelChairAccessible"))
            room.booking_type = str(place.get("bookingType") or "standard")[:16]
            room.graph_id = str(place.get("id") or "")[:200]
            room.is_listed = True
            room.last_seen_at = now
            room.save()
        Room.objects.filter(company=company).exclude(email__in=list(seen)).update(is_listed=False)
        RoomDirectory.objects.update_or_create(
            company=company,
            defaults={"refreshed_at": now, "room_count": len(seen), "last_error": "",
                      "last_error_code": ""},
        )  # fmt: skip
    return RefreshResult(True, _("%(n)d Räume geladen.") % {"n": len(seen)}, count=len(seen))


def room_connection_for(*, company: Company) -> MicrosoftConnection | None:
    """A usable connection of the company with room permission (most recently used first)."""
    candidates = MicrosoftConnection.objects.filter(planner_usable(), company=company).order_by(
        "-last_used_at", "-pk"
    )
    return next((c for c in candidates if c.has_rooms), None)


def rooms_refresh_first(*, connection: MicrosoftConnection) -> RefreshResult | None:
    """After a connection with rooms: load the company's room list if it never was."""
    if RoomDirectory.objects.filter(
        company=connection.company, refreshed_at__isnull=False
    ).exists():
        return None
    return rooms_refresh(connection=connection)


def rooms_refresh_request(*, user: User, now: datetime | None = None) -> RefreshResult:
    """The "Raumliste aktualisieren" button: the user's own connection, at most every 5 min."""
    now = now or timezone.now()
    connection = MicrosoftConnection.objects.filter(user=user).first()
    if not feature_active(company=user.company):
        return RefreshResult(False, _("Die Kalender Integration ist nicht gebucht."))
    if connection is None or connection_unusable(connection) or not connection.has_rooms:
        return RefreshResult(False, _(
            "Die Raumliste kann nur mit einem Konto gelesen werden, das mit "
            "„Account verbinden (+Räume)“ verbunden ist."
        ))  # fmt: skip
    company = company_of(user)
    retry_at = refresh_claim(company, now)
    if retry_at is not None:
        return RefreshResult(
            False,
            _("Die Raumliste wurde gerade erst aktualisiert; wieder möglich ab %(time)s.")
            % {"time": timezone.localtime(retry_at, company.zone).strftime("%H:%M")},
            retry_at=retry_at,
        )
    return rooms_refresh(connection=connection, now=now)


def rooms_refresh_all(*, now: datetime | None = None) -> dict:
    """Daily: refresh every company that has the feature and a connection with rooms."""
    now = now or timezone.now()
    done = failed = 0
    company_ids = (
        MicrosoftConnection.objects.filter(state__in=USABLE_STATES)
        .values_list("company_id", flat=True)
        .distinct()
    )
    for company in Company.objects.filter(pk__in=list(company_ids)):
        if not feature_active(company=company, at=now):
            continue
        connection = room_connection_for(company=company)
        if connection is None or refresh_claim(company, now) is not None:
            continue
        result = rooms_refresh(connection=connection, now=now)
        done, failed = (done + 1, failed) if result.ok else (done, failed + 1)
    return {"refreshed": done, "failed": failed}
