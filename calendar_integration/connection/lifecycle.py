"""Connection lifecycle: lost (erneut verbinden), disconnected, kept alive, paused by the feature.

States: aktiv, ohne Räume, erneut verbinden (refresh failed), getrennt. A lost connection
sends the recruiter ONE e-mail; syncs wait until he reconnects.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.models import User
from ebms.accounts.services import feature_active

from ..microsoft.consent import Problem
from ..microsoft.errors import GraphError
from ..microsoft.identity import connection_mark_lost, token_for, token_state_clear
from ..models import USABLE_STATES, AuthFlow, ConnectionState, MicrosoftConnection, planner_usable
from ..sync.push import subscription_drop
from .selectors import Unusable, connection_unusable

logger = logging.getLogger(__name__)

KEEP_ALIVE_AFTER = timedelta(days=30)
FLOW_RETENTION = timedelta(days=2)

__all__ = [
    "KEEP_ALIVE_AFTER",
    "auth_flows_purge",
    "connection_disconnect",
    "connection_lost",
    "reconnect_mail_once",
    "connections_keep_alive",
    "sync_paused_reason",
]


def connection_lost(connection: MicrosoftConnection, *, problem: Problem) -> None:
    """Mark "erneut verbinden" after a failed refresh; the recruiter gets one e-mail
    (identity sends token_lost, `reconnect_mail_once` answers it)."""
    connection_mark_lost(connection, problem=problem)


def reconnect_mail_once(
    sender: object, *, connection: MicrosoftConnection, **kwargs: object
) -> None:
    """identity.token_lost receiver: e-mail the recruiter once per loss of the connection."""
    now = timezone.now()
    # Claimed with a conditional UPDATE: two workers failing on the same dead token at
    # once must not both e-mail (each may hold a stale copy of the row).
    send = bool(
        MicrosoftConnection.objects.filter(
            pk=connection.pk, reconnect_mail_sent_at__isnull=True
        ).update(reconnect_mail_sent_at=now)
    )
    if send:
        connection.reconnect_mail_sent_at = now
        _reconnect_mail(connection)


def _reconnect_mail(connection: MicrosoftConnection) -> None:
    link = settings.SITE_URL + reverse("calendar_integration:connect")
    send_mail(
        subject=_("EBMS: Bitte verbinden Sie Ihr Microsoft-Konto erneut"),
        message=_(
            "Hallo %(name)s,\n\n"
            "die Verbindung zwischen EBMS und Ihrem Microsoft-Konto (%(upn)s) ist nicht mehr "
            "gültig (%(code)s). Ihre Termine werden so lange nicht mit Outlook abgeglichen; "
            "nichts geht verloren.\n\n"
            "Bitte verbinden Sie Ihr Konto erneut: %(link)s\n\n"
            "Danach werden alle wartenden Termine automatisch übertragen.\n"
        )
        % {
            "name": connection.user,
            "upn": connection.upn,
            "code": connection.last_error_code or "invalid_grant",
            "link": link,
        },
        from_email=None,
        recipient_list=[connection.user.email],
    )


def connection_disconnect(*, connection: MicrosoftConnection) -> None:
    """Delete the Graph subscription (while the token still works), then the tokens; the
    row stays (history, admin overview) as "getrennt"."""
    subscription_drop(connection=connection)
    token_state_clear(
        connection,
        state=ConnectionState.DISCONNECTED,
        oid=None,  # the Microsoft account may now be linked to someone else
        granted_scopes=[],
    )


def connection_end_for_former_planner(*, user: User) -> bool:
    """Delete the tokens of a user who was deactivated or downgraded to observer.

    The tenant admin's temporary recruiter account is deactivated or downgraded after the
    first setup: his delegated refresh token must not live on. True when one was deleted.
    """
    if user.can_plan:
        return False
    connection = MicrosoftConnection.objects.filter(user=user, state__in=USABLE_STATES).first()
    if connection is None:
        return False
    connection_disconnect(connection=connection)
    return True


@dataclass(frozen=True)
class KeepAliveResult:
    refreshed: int
    failed: int


def connections_keep_alive(*, now: datetime | None = None) -> KeepAliveResult:
    """Refresh tokens unused for 30 days, so Microsoft's 90-day inactivity expiry never hits."""
    now = now or timezone.now()
    due = MicrosoftConnection.objects.filter(planner_usable()).filter(
        Q(last_refresh_at__isnull=True) | Q(last_refresh_at__lt=now - KEEP_ALIVE_AFTER)
    )
    refreshed = failed = 0
    booked: dict[int, bool] = {}
    for connection in due.select_related("user", "company"):
        if connection.company_id not in booked:
            booked[connection.company_id] = feature_active(company=connection.company)
        if not booked[connection.company_id]:
            continue
        try:
            token_for(connection, force_refresh=True)
            refreshed += 1
        except GraphError as exc:
            # connection_lost already e-mailed the recruiter for a dead refresh token.
            failed += 1
            logger.warning(
                "keep-alive refresh failed for connection %s: %s", connection.pk, exc.code
            )
    return KeepAliveResult(refreshed=refreshed, failed=failed)


def sync_paused_reason(*, connection: MicrosoftConnection | None) -> str | None:
    """Why syncing for this recruiter waits (None when it may run)."""
    if connection is None or connection.state == ConnectionState.DISCONNECTED:
        return _("Kein Microsoft-Konto verbunden.")
    unusable = connection_unusable(connection)
    if unusable == Unusable.NOT_BOOKED:
        return _(
            "Die Kalender Integration ist für Ihre Firma nicht mehr gebucht; die Verbindung "
            "bleibt bestehen, die Synchronisierung ruht."
        )
    if unusable == Unusable.RECONNECT:
        return _("Die Microsoft-Anmeldung ist abgelaufen: bitte erneut verbinden.")
    return None


def auth_flows_purge(*, now: datetime | None = None) -> int:
    """Delete finished or abandoned sign-in flows (their encrypted PKCE verifiers) after 2 days."""
    now = now or timezone.now()
    deleted, _ = AuthFlow.objects.filter(created_at__lt=now - FLOW_RETENTION).delete()
    return deleted
