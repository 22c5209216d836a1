"""Delivery of change and lifecycle notifications to subscribers: a queue (Delivery rows)
drained outside the request that caused the change, by a daemon thread started lazily in
the simulator's process, or synchronously by tests (`drain()`, harness
`m365.deliver_notifications()`).

Bodies as documented (resources/changenotification.md, changenotificationcollection.md,
concepts/change-notifications-lifecycle-events.md): a POST with `{"value": [...]}`.
A non-2xx answer or no answer within 3 seconds is retried with exponential backoff for up
to 4 hours on the simulator clock (concepts/change-notifications-delivery-webhooks.md).
Fault switches per subscription: delay_seconds, duplicate, reorder, drop.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F

from m365sim import clock
from m365sim.models import Delivery, EventChange, Mailbox, Subscription

from .serializers import graph_timestamp

log = logging.getLogger(__name__)

DB = "m365sim"
ANSWER_TIMEOUT = 3.0  # seconds the subscriber has to answer with 2xx
RETRY_FOR = timedelta(hours=4)
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")

__all__ = [
    "LIFECYCLE_EVENTS",
    "drain",
    "enqueue_change",
    "lifecycle",
    "pending",
    "start_thread",
    "stop_thread",
    "wait_idle",
]


def _resource(mailbox: Mailbox, item_id: str) -> str:
    return f"Users/{mailbox.object_id}/Events/{item_id}"


def change_payload(sub: Subscription, change: EventChange, change_key: str) -> dict:
    """One changeNotification (resources/changenotification.md, Outlook event example)."""
    item_id = change.immutable_id if sub.immutable_ids else change.graph_id
    resource = _resource(sub.mailbox, item_id)
    return {
        "subscriptionId": str(sub.id),
        "subscriptionExpirationDateTime": graph_timestamp(sub.expires_at),
        "changeType": change.kind,
        "resource": resource,
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": resource,
            "@odata.etag": f'W/"{change_key}"',
            "id": item_id,
        },
        "clientState": sub.client_state or None,
        "tenantId": str(sub.mailbox.tenant_id),
    }


def enqueue_change(change: EventChange, *, change_key: str) -> None:
    """Queue the notifications of one change for every live subscription of the mailbox."""
    now = clock.now()
    subs = Subscription.objects.select_related("mailbox").filter(
        mailbox_id=change.mailbox_id, expires_at__gt=now
    )
    queued = False
    for sub in subs:
        if change.kind not in sub.change_types():
            continue
        body = {"value": [change_payload(sub, change, change_key)]}
        copies = 2 if sub.duplicate else 1
        for _ in range(copies):
            Delivery.objects.create(
                subscription_id=sub.id,
                mailbox_id=sub.mailbox_id,
                url=sub.notification_url,
                payload=body,
                kind=change.kind,
                state=Delivery.State.DROPPED if sub.drop else Delivery.State.QUEUED,
                created_at=now,
                due_at=now + timedelta(seconds=sub.delay_seconds),
                finished_at=now if sub.drop else None,
            )
        queued = queued or not sub.drop
    if queued:
        transaction.on_commit(_kick, using=DB)


def lifecycle(sub: Subscription, event: str) -> Delivery:
    """Queue a lifecycle notification (to lifecycleNotificationUrl, which must be set).

    subscriptionRemoved also removes the subscription; reauthorizationRequired marks it
    until POST /subscriptions/{id}/reauthorize (or a PATCH) answers it."""
    if event not in LIFECYCLE_EVENTS:
        raise ValueError(f"lifecycle event must be one of {LIFECYCLE_EVENTS}")
    if not sub.lifecycle_url:
        raise ValueError("the subscription has no lifecycleNotificationUrl")
    now = clock.now()
    item = {
        "subscriptionId": str(sub.id),
        "subscriptionExpirationDateTime": graph_timestamp(sub.expires_at),
        "tenantId": str(sub.mailbox.tenant_id),
        "clientState": sub.client_state or None,
        "lifecycleEvent": event,
    }
    delivery = Delivery.objects.create(
        subscription_id=sub.id,
        mailbox_id=sub.mailbox_id,
        url=sub.lifecycle_url,
        payload={"value": [item]},
        kind=event,
        created_at=now,
        due_at=now,
    )
    if event == "subscriptionRemoved":
        sub.delete()
    elif event == "reauthorizationRequired":
        Subscription.objects.filter(pk=sub.pk).update(reauthorization_required=True)
    transaction.on_commit(_kick, using=DB)
    return delivery


def pending(now: datetime | None = None) -> int:
    """How many notifications are queued and due (simulator clock)."""
    return Delivery.objects.filter(
        state=Delivery.State.QUEUED, due_at__lte=now or clock.now()
    ).count()


def drain(now: datetime | None = None) -> int:
    """POST every due notification once (failures are rescheduled); returns how many were
    delivered. Subscriptions with `reorder` get their due notifications newest first."""
    now = now or clock.now()
    due = list(Delivery.objects.filter(state=Delivery.State.QUEUED, due_at__lte=now).order_by("pk"))
    reorder = set(
        Subscription.objects.filter(
            pk__in={d.subscription_id for d in due}, reorder=True
        ).values_list("pk", flat=True)
    )
    ordered = [d for d in due if d.subscription_id not in reorder]
    for sub_id in reorder:
        ordered += [d for d in reversed(due) if d.subscription_id == sub_id]
    delivered = 0
    for item in ordered:
        delivered += _attempt(item, now)
    return delivered


def _attempt(item: Delivery, now: datetime) -> int:
    # Claim by compare-and-set on attempts: the thread and a test's drain never both send.
    claimed = Delivery.objects.filter(
        pk=item.pk, state=Delivery.State.QUEUED, attempts=item.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return 0
    is_change = item.kind in EventChange.Kind.values
    sub = Subscription.objects.filter(pk=item.subscription_id).first()
    if is_change and (sub is None or sub.expires_at <= now):
        Delivery.objects.filter(pk=item.pk).update(
            state=Delivery.State.FAILED,
            last_error="subscription expired or deleted",
            finished_at=now,
        )
        return 0
    status, error = _post(item.url, item.payload)
    if 200 <= status < 300:
        Delivery.objects.filter(pk=item.pk).update(
            state=Delivery.State.DELIVERED, last_status=status, last_error="", finished_at=now
        )
        return 1
    attempts = item.attempts + 1
    if now - item.created_at >= RETRY_FOR:
        Delivery.objects.filter(pk=item.pk).update(
            state=Delivery.State.FAILED, last_status=status, last_error=error, finished_at=now
        )
        return 0
    backoff = timedelta(seconds=min(10 * 2 ** (attempts - 1), 3600))
    Delivery.objects.filter(pk=item.pk).update(
        last_status=status, last_error=error, due_at=now + backoff
    )
    return 0


def _post(url: str, payload: dict) -> tuple[int, str]:
    try:
        response = requests.post(
            url,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=ANSWER_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return 0, f"{type(exc).__name__}: {exc}"[:300]
    return response.status_code, "" if response.ok else response.text[:300]


# -- the background thread -------------------------------------------------------------------
_thread: threading.Thread | None = None
_thread_lock = threading.Lock()
_wake = threading.Event()
_stop = threading.Event()
POLL_SECONDS = 0.5


def thread_enabled() -> bool:
    return bool(getattr(settings, "M365SIM_DELIVERY_THREAD", True))


def _kick() -> None:
    if thread_enabled():
        start_thread()
        _wake.set()


def start_thread() -> threading.Thread:
    """Start the delivery thread once per process (daemon; idempotent)."""
    global _thread
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _stop.clear()
            _thread = threading.Thread(target=_loop, name="m365sim-delivery", daemon=True)
            _thread.start()
        return _thread


def stop_thread(timeout: float = 5.0) -> None:
    """Stop the delivery thread (tests, before their database goes away)."""
    global _thread
    with _thread_lock:
        thread, _thread = _thread, None
    if thread is not None:
        _stop.set()
        _wake.set()
        thread.join(timeout)


def _loop() -> None:
    while not _stop.is_set():
        _wake.wait(POLL_SECONDS)
        _wake.clear()
        if _stop.is_set():
            break
        try:
            close_old_connections()
            drain()
        except Exception:  # keep delivering after a bad round (database busy, ...)
            log.exception("m365sim notification delivery failed")
    close_old_connections()


def wait_idle(timeout: float = 10.0) -> bool:
    """Block until nothing due is queued (the thread delivered it); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pending():
            return True
        _wake.set()
        time.sleep(0.05)
    return not pending()
