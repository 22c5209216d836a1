"""Is a typed address a room of the company's tenant? ("Raum (E-Mail)" in the forms, F10).

The room becomes a resource attendee of the Outlook event and receives its body (the
internal description), so only a room of the company's own tenant passes:

1. a room of the stored list (Places, refreshed daily and on request), or
2. an address in the tenant's domain that Graph knows, asked in this order: a fresh read
   of the room list (Places; at most every 5 minutes per company), then getSchedule, which
   resolves a mailbox at once while Places lists new rooms only after 24-48 hours. A
   person EBMS knows (a user, a candidate) is never taken for a room.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User
from ebms.recruiting.models import Candidate

from ..microsoft import errors
from ..microsoft.graph import GraphClient
from ..microsoft.time import graph_utc
from ..models import PLANNER_ROLES, USABLE_STATES, MicrosoftConnection
from .models import Room
from .rooms import refresh_claim, room_connection_for, rooms_refresh

logger = logging.getLogger(__name__)

# getSchedule's per-address answer for an address no mailbox of the tenant has.
UNKNOWN_MAILBOX = "5009"


def tenant_domains(company: Company) -> set[str]:
    """The company's Microsoft e-mail domains: its connected accounts' and its rooms'."""
    upns = (
        MicrosoftConnection.objects.filter(company=company)
        .exclude(upn="")
        .values_list("upn", flat=True)
    )
    rooms = Room.objects.filter(company=company).values_list("email", flat=True)
    return {address.rsplit("@", 1)[-1].lower() for address in [*upns, *rooms]}


def _listed_after_refresh(company: Company, email: str) -> bool:
    connection = room_connection_for(company=company)
    if connection is None or refresh_claim(company, timezone.now()) is not None:
        return False
    return (
        rooms_refresh(connection=connection).ok
        and Room.objects.filter(company=company, email=email, is_listed=True).exists()
    )


def _schedule_connection(company: Company, recruiter: User | None) -> MicrosoftConnection | None:
    usable = MicrosoftConnection.objects.filter(
        company=company, state__in=USABLE_STATES, user__is_active=True
    )
    own = usable.filter(user=recruiter).first() if recruiter is not None else None
    return own or usable.filter(user__role__in=PLANNER_ROLES).order_by("-last_used_at").first()


def _mailbox_known(company: Company, recruiter: User | None, email: str) -> bool | None:
    """True/False as getSchedule answers; None when Graph cannot be asked now."""
    connection = _schedule_connection(company, recruiter)
    if connection is None:
        return None
    start = timezone.now().replace(microsecond=0)
    try:
        with GraphClient(connection) as client:
            items = client.get_schedule(
                schedules=[email],
                start=graph_utc(start),
                end=graph_utc(start + timedelta(hours=1)),
                interval=60,
            )
    except errors.GraphError as exc:
        logger.info("room lookup failed for company %s: %s", company.pk, exc.code)
        return None
    answer = next((i for i in items if str(i.get("scheduleId", "")).lower() == email), None)
    if answer is None:
        return False
    # "No free/busy access" still means the mailbox exists; only "unresolvable" is unknown.
    return (answer.get("error") or {}).get("responseCode") != UNKNOWN_MAILBOX


def room_check(*, company: Company, recruiter: User | None, email: str) -> str:
    """ "" when `email` is a room of the company's tenant, else the message for the form."""
    email = email.strip().lower()
    if Room.objects.filter(company=company, email=email).exists():
        return ""
    if email.rsplit("@", 1)[-1] not in tenant_domains(company):
        return _(
            "%(email)s ist kein Raum Ihrer Firma: bitte einen Raum aus der Raumliste Ihres "
            "Microsoft-365-Mandanten angeben."
        ) % {"email": email}
    is_person = (
        User.objects.filter(company=company, email__iexact=email).exists()
        or Candidate.objects.filter(company=company, email__iexact=email).exists()
    )
    if is_person:
        return _("%(email)s ist eine Person, kein Raum.") % {"email": email}
    if _listed_after_refresh(company, email):
        return ""
    known = _mailbox_known(company, recruiter, email)
    if known is None:
        return _(
            "Der Raum konnte gerade nicht bei Microsoft geprüft werden. Bitte versuchen Sie es "
            "in einigen Minuten erneut oder wählen Sie einen Raum aus der Raumliste."
        )
    if not known:
        return _("Microsoft kennt %(email)s nicht als Raum Ihrer Firma.") % {"email": email}
    return ""
