"""Function check (F4): try each capability for real and store one result per item.

Items: profile, write calendar, free/busy, Teams meetings, rooms. Each is ok / warning /
failed with a German hint and Microsoft's error code, so the recruiter (and the company
admin) see exactly what works right after connecting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import User

from ..microsoft import errors
from ..microsoft.graph import GraphClient
from ..microsoft.time import graph_utc
from ..models import CheckStatus, FunctionCheck, MicrosoftConnection

logger = logging.getLogger(__name__)

__all__ = ["function_check_run"]

TEST_SUBJECT = "EBMS Funktionstest"


def _item(key: str, label: str, status: str, hint: str = "", code: str = "") -> dict[str, str]:
    return {"key": key, "label": label, "status": status, "hint": hint, "code": code}


def _failure_hint(exc: errors.GraphError) -> str:
    if isinstance(exc, errors.ReconnectNeeded):
        return _("Die Anmeldung bei Microsoft ist nicht mehr gültig. Bitte erneut verbinden.")
    if isinstance(exc, errors.PermissionDenied):
        return _("Microsoft verweigert den Zugriff. Bitte Berechtigungen und Lizenz prüfen.")
    if isinstance(exc, (errors.Throttled, errors.Transient)):
        return _("Microsoft ist gerade nicht erreichbar. Bitte später erneut prüfen.")
    return _("Microsoft meldet einen Fehler.")


def _check_profile(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    me = client.me()
    context["me"] = me
    name = me.get("displayName") or me.get("userPrincipalName", "")
    return _item("profile", _("Profil"), CheckStatus.OK, _("Angemeldet als %s.") % name)


def _check_write(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    event = client.create_event(
        event={
            "subject": TEST_SUBJECT,
            "body": {"contentType": "text", "content": _("Automatischer Test von EBMS.")},
            "start": graph_utc(start),
            "end": graph_utc(start + timedelta(minutes=15)),
            "sensitivity": "private",
            "showAs": "free",
            "isReminderOn": False,
            "responseRequested": False,
        }
    )
    try:
        client.delete_event(event_id=event["id"])
    except errors.GraphError as exc:
        return _item(
            "write",
            _("Kalender schreiben"),
            CheckStatus.WARNING,
            _("Testtermin angelegt, aber nicht gelöscht: bitte „%s“ in Outlook löschen.")
            % TEST_SUBJECT,
            exc.code,
        )
    return _item(
        "write", _("Kalender schreiben"), CheckStatus.OK, _("Testtermin angelegt und gelöscht.")
    )


def _check_free_busy(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    me = context.get("me") or client.me()
    own = (me.get("mail") or me.get("userPrincipalName") or "").lower()
    schedules = [own] + [c for c in context["colleagues"] if c.lower() != own][:1]
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    results = client.get_schedule(
        schedules=schedules, start=graph_utc(start), end=graph_utc(start + timedelta(hours=8))
    )
    failed = [r for r in results if r.get("error")]
    if failed:
        first = failed[0]
        return _item(
            "free_busy",
            _("Frei/Gebucht lesen"),
            CheckStatus.WARNING,
            _("Für %(address)s liefert Microsoft keine Verfügbarkeit: %(message)s")
            % {
                "address": first.get("scheduleId", ""),
                "message": first["error"].get("message", ""),
            },
            str(first["error"].get("responseCode", "")),
        )
    if len(schedules) == 1:
        return _item(
            "free_busy",
            _("Frei/Gebucht lesen"),
            CheckStatus.OK,
            _("Eigene Verfügbarkeit lesbar (kein Kollege zum Vergleich vorhanden)."),
        )
    return _item(
        "free_busy",
        _("Frei/Gebucht lesen"),
        CheckStatus.OK,
        _("Verfügbarkeit von Ihnen und %s lesbar.") % schedules[1],
    )


def _check_teams(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    providers = client.calendar().get("allowedOnlineMeetingProviders") or []
    if "teamsForBusiness" in providers:
        return _item("teams", _("Teams-Besprechungen"), CheckStatus.OK, _("Teams ist verfügbar."))
    return _item(
        "teams",
        _("Teams-Besprechungen"),
        CheckStatus.FAILED,
        _(
            "Ihr Kalender erlaubt keine Teams-Besprechungen (keine Teams-Lizenz?). "
            "Online-Termine sind so nicht möglich; bitte die IT um eine Teams-Lizenz bitten."
        ),
        "teamsForBusiness",
    )


def _check_rooms(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    connection = context["connection"]
    if not connection.has_rooms:
        return _item(
            "rooms",
            _("Räume"),
            CheckStatus.WARNING,
            _("Ohne Räume verbunden. Für Räume „Account verbinden (+Räume)“ nutzen."),
            "Place.Read.All",
        )
    rooms = client.list_rooms()
    if not rooms:
        return _item(
            "rooms",
            _("Räume"),
            CheckStatus.WARNING,
            _(
                "Microsoft liefert noch keine Räume. Neu angelegte oder geänderte Räume "
                "erscheinen erst nach 24–48 Stunden in der Raumliste (bekannte Verzögerung "
                "bei Microsoft)."
            ),
        )
    return _item("rooms", _("Räume"), CheckStatus.OK, _("%d Räume gefunden.") % len(rooms))


CHECKS: list[tuple[str, str, Callable[[GraphClient, dict[str, Any]], dict[str, str]]]] = [
    ("profile", "Profil", _check_profile),
    ("write", "Kalender schreiben", _check_write),
    ("free_busy", "Frei/Gebucht lesen", _check_free_busy),
    ("teams", "Teams-Besprechungen", _check_teams),
    ("rooms", "Räume", _check_rooms),
]


def _colleagues(connection: MicrosoftConnection) -> list[str]:
    """E-mail addresses of other active people of the company (connected ones first)."""
    connected = list(
        MicrosoftConnection.objects.filter(company=connection.company)
        .exclude(pk=connection.pk)
        .exclude(upn="")
        .values_list("upn", flat=True)
    )
    others = list(
        User.objects.filter(company=connection.company, is_active=True)
        .exclude(pk=connection.user_id)
        .values_list("email", flat=True)
    )
    return connected + others


def function_check_run(*, connection: MicrosoftConnection) -> FunctionCheck:
    """Run every check item against Microsoft and store the result."""
    context: dict[str, Any] = {"connection": connection, "colleagues": _colleagues(connection)}
    items = []
    with GraphClient(connection) as client:
        for key, label, check in CHECKS:
            try:
                items.append(check(client, context))
            except errors.GraphError as exc:
                logger.info("function check %s failed: %s", key, exc.code)
                items.append(_item(key, _(label), CheckStatus.FAILED, _failure_hint(exc), exc.code))
    return FunctionCheck.objects.create(connection=connection, items=items)
