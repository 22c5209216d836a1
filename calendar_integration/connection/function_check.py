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
from django.utils.translation import gettext_noop

from ebms.accounts.models import User

from ..microsoft import errors
from ..microsoft.graph import GraphClient
from ..microsoft.time import graph_utc
from ..models import CheckStatus, FunctionCheck, MicrosoftConnection

logger = logging.getLogger(__name__)

__all__ = ["function_check_run"]

TEST_SUBJECT = "EBMS Funktionstest"


def _item(
    key: str,
    label: str,
    status: str,
    hint: str = "",
    code: str = "",
    args: list[Any] | dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One result row. `label` and `hint` are untranslated (German) message ids, stored with
    `args` so the page shows them in the reader's language (`item_text`)."""
    return {
        "key": key,
        "status": status,
        "code": code,
        "label_id": label,
        "hint_id": hint,
        "hint_args": args,
        **item_text({"label_id": label, "hint_id": hint, "hint_args": args}),
    }


def item_text(item: dict[str, Any]) -> dict[str, str]:
    """`label` and `hint` of a stored item in the active language (old rows as stored)."""
    if "label_id" not in item:
        return {"label": item.get("label", ""), "hint": item.get("hint", "")}
    hint = _(item["hint_id"]) if item["hint_id"] else ""
    if item.get("hint_args") is not None:
        args = item["hint_args"]
        hint = hint % (tuple(args) if isinstance(args, list) else args)
    return {"label": _(item["label_id"]), "hint": hint}


def _failure_hint(exc: errors.GraphError) -> str:
    if isinstance(exc, errors.ReconnectNeeded):
        return gettext_noop(
            "Die Anmeldung bei Microsoft ist nicht mehr gültig. Bitte erneut verbinden."
        )
    if isinstance(exc, errors.PermissionDenied):
        return gettext_noop(
            "Microsoft verweigert den Zugriff. Bitte Berechtigungen und Lizenz prüfen."
        )
    if isinstance(exc, errors.Throttled) and exc.status == 429:
        return gettext_noop("Microsoft drosselt gerade die Anfragen. Bitte später erneut prüfen.")
    if isinstance(exc, (errors.Throttled, errors.Transient)):
        return gettext_noop("Microsoft ist gerade nicht erreichbar. Bitte später erneut prüfen.")
    return gettext_noop("Microsoft meldet einen Fehler.")


def _check_profile(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    me = client.me()
    context["me"] = me
    name = me.get("displayName") or me.get("userPrincipalName", "")
    return _item(
        "profile",
        gettext_noop("Profil"),
        CheckStatus.OK,
        gettext_noop("Angemeldet als %s."),
        args=[name],
    )


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
            gettext_noop("Kalender schreiben"),
            CheckStatus.WARNING,
            gettext_noop(
                "Testtermin angelegt, aber nicht gelöscht: bitte „%s“ in Outlook löschen."
            ),
            exc.code,
            args=[TEST_SUBJECT],
        )
    return _item(
        "write",
        gettext_noop("Kalender schreiben"),
        CheckStatus.OK,
        gettext_noop("Testtermin angelegt und gelöscht."),
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
            gettext_noop("Frei/Gebucht lesen"),
            CheckStatus.WARNING,
            gettext_noop("Für %(address)s liefert Microsoft keine Verfügbarkeit: %(message)s"),
            str(first["error"].get("responseCode", "")),
            args={
                "address": first.get("scheduleId", ""),
                "message": first["error"].get("message", ""),
            },
        )
    if len(schedules) == 1:
        return _item(
            "free_busy",
            gettext_noop("Frei/Gebucht lesen"),
            CheckStatus.OK,
            gettext_noop("Eigene Verfügbarkeit lesbar (kein Kollege zum Vergleich vorhanden)."),
        )
    return _item(
        "free_busy",
        gettext_noop("Frei/Gebucht lesen"),
        CheckStatus.OK,
        gettext_noop("Verfügbarkeit von Ihnen und %s lesbar."),
        args=[schedules[1]],
    )


def _check_teams(client: GraphClient, context: dict[str, Any]) -> dict[str, str]:
    providers = client.calendar().get("allowedOnlineMeetingProviders") or []
    if "teamsForBusiness" in providers:
        return _item(
            "teams",
            gettext_noop("Teams-Besprechungen"),
            CheckStatus.OK,
            gettext_noop("Teams ist verfügbar."),
        )
    return _item(
        "teams",
        gettext_noop("Teams-Besprechungen"),
        CheckStatus.FAILED,
        gettext_noop(
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
            gettext_noop("Räume"),
            CheckStatus.WARNING,
            gettext_noop("Ohne Räume verbunden. Für Räume „Account verbinden (+Räume)“ nutzen."),
            "Place.Read.All",
        )
    rooms = client.list_rooms()
    if not rooms:
        return _item(
            "rooms",
            gettext_noop("Räume"),
            CheckStatus.WARNING,
            gettext_noop(
                "Microsoft liefert noch keine Räume. Neu angelegte oder geänderte Räume "
                "erscheinen erst nach 24–48 Stunden in der Raumliste (bekannte Verzögerung "
                "bei Microsoft)."
            ),
        )
    return _item(
        "rooms",
        gettext_noop("Räume"),
        CheckStatus.OK,
        gettext_noop("%d Räume gefunden."),
        args=[len(rooms)],
    )


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
                items.append(_item(key, label, CheckStatus.FAILED, _failure_hint(exc), exc.code))
    return FunctionCheck.objects.create(connection=connection, items=items)
