"""Who is busy at a planned time: the appointment form's "Trotzdem planen?" (issue 14, 8).

Registered with recruiting's hooks (`provide_conflict_check`); the same rows as the
picker's timeline, so the form asks about exactly what the timeline shows in red.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import Company, User
from ebms.recruiting.models import Appointment

from .models import Room
from .rows import fetch_window, rows_build
from .selectors import STATUS_LABELS, outlook_for

# Unknown availability is no busy time: it is said in the picker, not asked about here.
ASKED_STATUSES = ("busy", "oof", "tentative")


def _hhmm(value: datetime) -> str:
    return formats.time_format(timezone.localtime(value), "H:i")


def conflicts_check(
    *,
    company: Company,
    planner: User,
    recruiter: User,
    observers: list[User],
    room_email: str,
    starts_at: datetime,
    ends_at: datetime,
    exclude: Appointment | None = None,
) -> list[str]:
    """One line per person or room busy (or tentative, or away) in [starts_at, ends_at)."""
    outlook = outlook_for(user=planner)
    room = None
    if room_email:
        known = Room.objects.filter(company=company, email__iexact=room_email).first()
        room = (room_email.lower(), known.name if known else "")
    window = fetch_window(starts_at.astimezone(company.zone).date(), company.zone)
    if not (window[0] <= starts_at and ends_at <= window[1]):
        return []
    rows, _extra, _answer = rows_build(
        company=company,
        connection=outlook.connection,
        outlook_reason=outlook.reason,
        recruiter=recruiter,
        observers=observers,
        room=room,
        extra_rooms=[],
        start=window[0],
        end=window[1],
        exclude=exclude,
    )
    lines = []
    for row in rows:
        for begin, stop, status, _source in row.blocks:
            if status in ASKED_STATUSES and begin < ends_at and stop > starts_at:
                lines.append(
                    _("%(who)s: %(status)s %(start)s–%(end)s")
                    % {
                        "who": row.label,
                        "status": STATUS_LABELS[status],
                        "start": _hhmm(begin),
                        "end": _hhmm(stop),
                    }
                )
    return lines
