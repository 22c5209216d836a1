"""Push (issue 13): one Graph change-notification subscription per connected mailbox.

Graph POSTs to our endpoint (sync/webhooks.py) when an event of the mailbox changes; the
endpoint only verifies the clientState and asks for one delta pull of the mailbox
(sync/delta.py), coalesced: the first notification of a burst sets `pull_requested_at` with
a conditional UPDATE and sends the task, the pull clears it. The beat job
`subscriptions_maintain` (every 5 minutes) creates missing subscriptions (also for
connections made before push existed), renews them a day before expiry and drops them when
the mailbox may no longer be used; the beat job `pulls_due` (every minute) asks for the pull
of each mailbox not pulled within `poll_interval()`: the delta safety net (hourly) or, with
M365_NOTIFICATIONS=off, the poll.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ebms.accounts.services import bookings_active

from ..availability.cache import address_bump
from ..connection.selectors import connection_unusable
from ..microsoft import crypto, errors
from ..microsoft.graph import GraphClient, Recorder
from ..models import USABLE_STATES, MicrosoftConnection, planner_usable
from .models import MailboxPause, MailboxSubscription
from .outbox import enqueue_task

logger = logging.getLogger(__name__)

RESOURCE = "me/events"
CHANGE_TYPE = "created,updated,deleted"
# Outlook event subscriptions: the stored docs allow 4,230 minutes (< 3 days), newer tables
# 10,080; the smaller is safe under either rule (graph-facts §9.2).
LIFETIME = timedelta(minutes=4230)
RENEW_BEFORE = timedelta(hours=24)
SAFETY_NET = timedelta(hours=1)  # a delta pull per mailbox even when no notification came
STALE_REQUEST = timedelta(minutes=10)  # a requested pull whose task got lost is sent again
RETRY_FAILED = timedelta(hours=1)  # a refused create (e.g. URL not reachable) is retried hourly
BEAT_TICK = timedelta(minutes=1)  # how often the beat runs `pulls_due` (ebms/celery.py)
PULL_TASK = "calendar_integration.sync.tasks.delta_pull"
SUBSCRIBE_TASK = "calendar_integration.sync.tasks.mailbox_subscribe"
REAUTHORIZE_TASK = "calendar_integration.sync.tasks.subscription_reauthorize"

__all__ = [
    "PULL_TASK",
    "Refused",
    "lifecycle_receive",
    "notifications_on",
    "notifications_receive",
    "poll_interval",
    "pull_request",
    "pulls_due",
    "subscription_create",
    "subscription_drop",
    "subscription_reauthorize",
    "subscription_request",
    "subscriptions_maintain",
]


def notifications_on() -> bool:
    """settings.M365_NOTIFICATIONS: "on" (push + hourly safety net) or "off" (polling)."""
    return getattr(settings, "M365_NOTIFICATIONS", "on") == "on"


def poll_interval() -> timedelta:
    """How often each mailbox is pulled: the safety net, or the poll without push."""
    if notifications_on():
        # settings.M365_SAFETY_NET_SECONDS shortens it (the chaos run); default 1 h.
        return timedelta(seconds=getattr(settings, "M365_SAFETY_NET_SECONDS", 0)) or SAFETY_NET
    # A fraction of a minute is taken too (the benchmark's polling latency).
    return timedelta(minutes=float(getattr(settings, "M365_POLL_MINUTES", 5)))


def _url(name: str) -> str:
    return settings.SITE_URL + reverse(f"calendar_integration:{name}")


def _graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def _parse_time(value: object, default: datetime) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return default


def _row(connection: MicrosoftConnection) -> MailboxSubscription:
    row, _ = MailboxSubscription.objects.get_or_create(connection=connection)
    return row


def subscription_request(*, connection: MicrosoftConnection) -> None:
    """After a sign-in: create the subscription in a task (Graph calls our URL meanwhile);
    polling only: the row the next minute's `pulls_due` finds (its first pull)."""
    if notifications_on():
        enqueue_task(SUBSCRIBE_TASK, connection.pk)
    else:
        _row(connection)


def subscription_create(*, connection: MicrosoftConnection) -> MailboxSubscription | None:
    """POST /subscriptions for the mailbox (keeps a live one); None when push is off or
    the connection may not be used. A failure is stored on the row; the beat retries."""
    if not notifications_on() or connection_unusable(connection) is not None:
        return None
    row = _row(connection)
    now = timezone.now()
    if row.status == row.Status.ACTIVE and row.expires_at and row.expires_at > now:
        return row
    secret = secrets.token_urlsafe(32)
    expires = now + LIFETIME
    try:
        with GraphClient(connection, recorder=Recorder(operation="subscribe")) as client:
            answer = client.create_subscription(
                resource=RESOURCE,
                change_type=CHANGE_TYPE,
                notification_url=_url("sync_notifications"),
                lifecycle_url=_url("sync_lifecycle"),
                expires=_graph_time(expires),
                client_state=secret,
            )
    except errors.GraphError as exc:
        logger.warning("subscription of connection %s failed: %s", connection.pk, exc.code)
        MailboxSubscription.objects.filter(pk=row.pk).update(
            status=row.Status.FAILED, last_error=exc.code[:200]
        )
        row.status = row.Status.FAILED
        return row
    row.subscription_id = str(answer.get("id", ""))[:64]
    row.expires_at = _parse_time(answer.get("expirationDateTime"), expires)
    row.client_state_encrypted = crypto.encrypt(secret)
    row.status = row.Status.ACTIVE
    row.last_error = ""
    row.save(
        update_fields=[
            "subscription_id",
            "expires_at",
            "client_state_encrypted",
            "status",
            "last_error",
            "updated_at",
        ]
    )
    # Changes between the last pull and now came without notification.
    pull_request(row)
    return row


def _renew(row: MailboxSubscription, *, now: datetime) -> None:
    """PATCH the expiry to `now` + LIFETIME (the clock that found it due); a subscription
    Graph no longer knows is created anew."""
    expires = now + LIFETIME
    try:
        with GraphClient(row.connection, recorder=Recorder(operation="renew")) as client:
            answer = client.renew_subscription(
                subscription_id=row.subscription_id, expires=_graph_time(expires)
            )
    except errors.NotFound:
        MailboxSubscription.objects.filter(pk=row.pk).update(status=row.Status.REMOVED)
        subscription_create(connection=row.connection)
        return
    except errors.GraphError as exc:
        logger.warning("renewal of connection %s failed: %s", row.connection_id, exc.code)
        MailboxSubscription.objects.filter(pk=row.pk).update(last_error=exc.code[:200])
        return
    MailboxSubscription.objects.filter(pk=row.pk).update(
        expires_at=_parse_time(answer.get("expirationDateTime"), expires), last_error=""
    )


def subscription_reauthorize(*, connection_id: int) -> str:
    """After reauthorizationRequired: POST /subscriptions/{id}/reauthorize (recreate if gone)."""
    row = (
        MailboxSubscription.objects.select_related("connection__company")
        .filter(connection_id=connection_id)
        .exclude(subscription_id="")
        .first()
    )
    if row is None or connection_unusable(row.connection) is not None:
        return "skipped"
    try:
        with GraphClient(row.connection, recorder=Recorder(operation="reauthorize")) as client:
            client.reauthorize_subscription(subscription_id=row.subscription_id)
    except errors.NotFound:
        MailboxSubscription.objects.filter(pk=row.pk).update(status=row.Status.REMOVED)
        subscription_create(connection=row.connection)
        return "recreated"
    except errors.GraphError as exc:
        MailboxSubscription.objects.filter(pk=row.pk).update(last_error=exc.code[:200])
        return "failed"
    return "reauthorized"


def subscription_drop(*, connection: MicrosoftConnection) -> bool:
    """DELETE the mailbox's subscription (disconnect, role lost, booking ended) while the
    tokens still exist; the row forgets it either way. True when Graph was asked."""
    row = MailboxSubscription.objects.filter(connection=connection).first()
    if row is None:
        return False
    asked = False
    if row.subscription_id:
        asked = True
        try:
            with GraphClient(connection, recorder=Recorder(operation="unsubscribe")) as client:
                client.delete_subscription(subscription_id=row.subscription_id)
        except errors.GraphError as exc:  # gone already, or no token: it expires by itself
            logger.info("subscription of connection %s not deleted: %s", connection.pk, exc.code)
    MailboxSubscription.objects.filter(pk=row.pk).update(
        subscription_id="",
        status=row.Status.NONE,
        client_state_encrypted=b"",
        expires_at=None,
        delta_link="",
        pull_requested_at=None,
    )
    return asked


def pull_request(row: MailboxSubscription, *, resync: bool = False) -> bool:
    """Ask for one delta pull of the mailbox; True when this call sent the task (the first
    of a burst: later ones find `pull_requested_at` set until the pull starts)."""
    if resync:
        MailboxSubscription.objects.filter(pk=row.pk).update(resync=True)
    taken = MailboxSubscription.objects.filter(pk=row.pk, pull_requested_at__isnull=True).update(
        pull_requested_at=timezone.now()
    )
    if taken:
        enqueue_task(PULL_TASK, row.connection_id)
    return bool(taken)


# --- the endpoints' services ---------------------------------------------------------------


class Refused(Exception):
    """A notification body we do not accept: 400 (malformed) or 403 (unknown or forged)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class _Verified:
    row: MailboxSubscription
    items: list[dict[str, Any]] = field(default_factory=list)


def _verified(body: bytes) -> list[_Verified]:
    """Every item's subscription and clientState checked before anything changes."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "no JSON") from None
    items = data.get("value") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise Refused(400, "no value[]")
    found: dict[int, _Verified] = {}
    for item in items:
        if not isinstance(item, dict):
            raise Refused(400, "item is no object")
        sid, state = item.get("subscriptionId"), item.get("clientState")
        if not isinstance(sid, str) or not sid or not isinstance(state, str):
            raise Refused(400, "subscriptionId or clientState missing")
        row = (
            MailboxSubscription.objects.select_related("connection__user")
            .filter(subscription_id=sid)
            .first()
        )
        if row is None or not row.client_state_encrypted:
            raise Refused(403, "unknown subscription")
        try:
            secret = crypto.decrypt(row.client_state_encrypted)
        except crypto.InvalidToken:
            raise Refused(403, "clientState unreadable") from None
        if not hmac.compare_digest(secret.encode(), state.encode()):
            raise Refused(403, "clientState differs")
        found.setdefault(row.pk, _Verified(row)).items.append(item)
    return list(found.values())


def _bump_rows(row: MailboxSubscription) -> None:
    """The recruiter's own free/busy row is stale (only his mailbox is subscribed)."""
    connection = row.connection
    address_bump(
        company_id=connection.company_id, addresses=[connection.upn, connection.user.email]
    )


def notifications_receive(body: bytes) -> None:
    """Change notifications: one coalesced pull per mailbox. Raises Refused."""
    for verified in _verified(body):
        _bump_rows(verified.row)
        pull_request(verified.row)


def lifecycle_receive(body: bytes) -> None:
    """Lifecycle notifications: reauthorize, recreate after removal, resync after missed."""
    for verified in _verified(body):
        row = verified.row
        for item in verified.items:
            event = item.get("lifecycleEvent")
            if event == "reauthorizationRequired":
                enqueue_task(REAUTHORIZE_TASK, row.connection_id)
            elif event == "subscriptionRemoved":
                MailboxSubscription.objects.filter(pk=row.pk).update(status=row.Status.REMOVED)
                enqueue_task(SUBSCRIBE_TASK, row.connection_id)
                pull_request(row)
            elif event == "missed":
                pull_request(row, resync=True)


# --- the beat jobs --------------------------------------------------------------------------


def _due_filter(now: datetime, tick: timedelta) -> Q:
    """Rows whose pull is due at the tick `now`, or whose requested pull got lost.

    A pull records the moment it was asked for (delta.py: the tick's `now`, or the first
    notification of a burst), so the next one is due `poll_interval()` later; one that did
    not end well is due at its `retry_at` instead. Half a tick of tolerance: a tick that runs
    a little later or earlier than the one before still finds it due at the same tick
    (exactly every interval, never a tick early or late); at most a tenth of the interval,
    for intervals shorter than the tick (the chaos run)."""
    interval = poll_interval()
    tolerance = min(tick / 2, interval / 10)
    on_schedule = Q(retry_at__isnull=True) & (
        Q(last_pull_at__isnull=True) | Q(last_pull_at__lte=now - interval + tolerance)
    )
    waiting = Q(pull_requested_at__isnull=True) & (on_schedule | Q(retry_at__lte=now + tolerance))
    return waiting | Q(pull_requested_at__lte=now - STALE_REQUEST)


def pulls_due(*, now: datetime | None = None, tick: timedelta = BEAT_TICK) -> int:
    """Beat (every `tick`): ask for the pull of every due mailbox that may be used; one
    query finds and locks the due rows, one UPDATE claims them. Returns how many."""
    now = now or timezone.now()
    booked = bookings_active(at=now).filter(company_id=OuterRef("connection__company_id"))
    # Microsoft asked (429/503 Retry-After) to leave the mailbox alone: due when that ends.
    paused = MailboxPause.objects.filter(connection_id=OuterRef("connection_id"), until__gt=now)
    due = MailboxSubscription.objects.filter(
        _due_filter(now, tick),
        Exists(booked),
        ~Exists(paused),
        planner_usable("connection__"),
    )
    # One transaction: on PostgreSQL the rows are locked (a notification's conditional
    # claim waits, then finds the row claimed); SQLite's IMMEDIATE transactions take the
    # write lock at BEGIN, so nothing interleaves there either.
    with transaction.atomic():
        # Skip rows a notification is claiming right now: it sends the pull itself.
        rows = list(
            due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", "connection_id")
        )
        if rows:
            MailboxSubscription.objects.filter(pk__in=[pk for pk, _ in rows]).update(
                pull_requested_at=now
            )
        for _, connection_id in rows:
            enqueue_task(PULL_TASK, connection_id)
    return len(rows)


def subscriptions_maintain(*, now: datetime | None = None) -> dict[str, int]:
    """Beat (every 5 minutes): create, renew, drop; then the due pulls (`pulls_due`)."""
    now = now or timezone.now()
    counts = {"created": 0, "renewed": 0, "dropped": 0, "pulls": 0}
    push = notifications_on()
    connections = MicrosoftConnection.objects.filter(state__in=USABLE_STATES).select_related(
        "user", "company"
    )
    rows = {r.connection_id: r for r in MailboxSubscription.objects.all()}
    for connection in connections:
        row = rows.get(connection.pk)
        usable = connection_unusable(connection) is None and connection.user.can_plan
        if not usable or not push:
            if row is not None and row.subscription_id:
                subscription_drop(connection=connection)
                counts["dropped"] += 1
            if not usable:
                continue
        failed_lately = (
            row is not None
            and row.status == row.Status.FAILED
            and row.updated_at > now - RETRY_FAILED
        )
        if (
            push
            and not failed_lately
            and (row is None or row.status != row.Status.ACTIVE or not row.expires_at)
        ):
            subscription_create(connection=connection)
            counts["created"] += 1
        elif push and row is not None and row.expires_at and row.expires_at - now < RENEW_BEFORE:
            row.connection = connection
            _renew(row, now=now)
            counts["renewed"] += 1
        elif row is None:
            _row(connection)  # polling: the row `pulls_due` finds
    # Subscriptions of connections no longer usable at all (disconnected elsewhere).
    for row in MailboxSubscription.objects.exclude(subscription_id="").exclude(
        Q(connection__state__in=USABLE_STATES)
    ):
        subscription_drop(connection=row.connection)
        counts["dropped"] += 1
    counts["pulls"] = pulls_due(now=now)
    return counts
