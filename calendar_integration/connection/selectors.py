"""Reads for the connection pages: one user's connection, the company overview."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import OuterRef, Subquery

from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import feature_active

from ..models import USABLE_STATES, ConnectionState, FunctionCheck, MicrosoftConnection

__all__ = [
    "Unusable",
    "company_connection_overview",
    "connection_for",
    "connection_unusable",
    "latest_check",
    "needs_reconnect",
]


class Unusable(StrEnum):
    """Why a connection may not be used now."""

    NOT_CONNECTED = "not_connected"
    NOT_BOOKED = "not_booked"
    RECONNECT = "reconnect"


def connection_unusable(connection: MicrosoftConnection | None) -> Unusable | None:
    """The one rule "may EBMS use this connection now?": None when it may.

    A connection exists, its company has the feature booked, and its tokens are usable
    (aktiv or ohne Räume).
    """
    if connection is None:
        return Unusable.NOT_CONNECTED
    if not feature_active(company=connection.company):
        return Unusable.NOT_BOOKED
    if not connection.is_usable:
        return Unusable.RECONNECT
    return None


def connection_for(*, user: User) -> MicrosoftConnection | None:
    return MicrosoftConnection.objects.filter(user=user).first()


def latest_check(*, connection: MicrosoftConnection | None) -> FunctionCheck | None:
    if connection is None:
        return None
    return connection.checks.order_by("-checked_at", "-pk").first()


def needs_reconnect(*, user: User) -> bool:
    """For the banner: the user's connection was lost and waits for him."""
    if not user.is_authenticated:
        return False
    return MicrosoftConnection.objects.filter(user=user, state=ConnectionState.RECONNECT).exists()


def connected_upn(*, user: User) -> str:
    """The Microsoft account of the user's usable connection ("" when there is none)."""
    upn = (
        MicrosoftConnection.objects.filter(user=user, state__in=USABLE_STATES)
        .values_list("upn", flat=True)
        .first()
    )
    return upn or ""


@dataclass(frozen=True)
class OverviewRow:
    user: User
    connection: MicrosoftConnection | None
    check: FunctionCheck | None


def company_connection_overview(*, company: Company) -> list[OverviewRow]:
    """Every planner of the company with connection state, last check and last refresh."""
    users = User.objects.filter(
        company=company, role__in=[Role.RECRUITER, Role.COMPANY_ADMIN]
    ).order_by("last_name", "first_name", "email")
    # The latest check of every connection in one query (not one per planner).
    latest = FunctionCheck.objects.filter(
        pk=Subquery(
            FunctionCheck.objects.filter(connection=OuterRef("connection"))
            .order_by("-checked_at", "-pk")
            .values("pk")[:1]
        ),
        connection__company=company,
    )
    checks = {check.connection_id: check for check in latest}
    connections = {c.user_id: c for c in MicrosoftConnection.objects.filter(company=company)}
    rows = []
    for user in users:
        connection = connections.get(user.pk)
        check = checks.get(connection.pk) if connection is not None else None
        rows.append(OverviewRow(user, connection, check))
    return rows
