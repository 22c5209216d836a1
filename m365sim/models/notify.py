"""Change tracking, change-notification subscriptions and delta state of the simulated Graph.

- EventChange: one row per change of an event item (created/updated/deleted), numbered by
  its autoincrement id; the source of both webhooks and calendarView delta (so state
  survives restarts).
- Subscription: https://learn.microsoft.com/graph/api/resources/subscription (me/events).
- Delivery: one notification POST (change or lifecycle), queued and logged.
- DeltaToken: the opaque $deltatoken/$skiptoken of calendarView delta (event-delta).
"""

from __future__ import annotations

import uuid

from django.db import models

__all__ = ["DeltaToken", "Delivery", "EventChange", "Subscription"]


class EventChange(models.Model):
    """An event item of `mailbox` was created, updated or deleted (tombstone for deletes)."""

    class Kind(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"
        DELETED = "deleted", "deleted"

    mailbox = models.ForeignKey("m365sim.Mailbox", on_delete=models.CASCADE, related_name="+")
    event_pk = models.BigIntegerField(db_index=True)
    graph_id = models.CharField(max_length=200)
    immutable_id = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    start = models.DateTimeField()  # the item's time then: delta's window test for tombstones
    end = models.DateTimeField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["mailbox", "id"], name="m365sim_change_mbx_seq")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.graph_id[:12]}"


class Subscription(models.Model):
    """A change-notification subscription on one mailbox's events (delegated)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    mailbox = models.ForeignKey(
        "m365sim.Mailbox", on_delete=models.CASCADE, related_name="subscriptions"
    )
    application_id = models.CharField(max_length=64)
    resource = models.CharField(max_length=300)  # as the client sent it
    change_type = models.CharField(max_length=40)
    notification_url = models.CharField(max_length=2000)
    lifecycle_url = models.CharField(max_length=2000, blank=True)
    client_state = models.CharField(max_length=128, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    latest_tls = models.CharField(max_length=8, default="v1_2")
    # Created with `Prefer: IdType="ImmutableId"`: notifications carry immutable ids
    # (https://learn.microsoft.com/graph/outlook-immutable-id).
    immutable_ids = models.BooleanField(default=False)
    # A reauthorizationRequired lifecycle event was sent and not yet answered.
    reauthorization_required = models.BooleanField(default=False)
    # Fault switches (tests and the ops page): each applies to change notifications.
    delay_seconds = models.PositiveIntegerField(default=0)
    duplicate = models.BooleanField(default=False)
    reorder = models.BooleanField(default=False)
    drop = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.id} {self.resource}"

    def change_types(self) -> set[str]:
        return {c.strip() for c in self.change_type.split(",") if c.strip()}


class Delivery(models.Model):
    """One notification POST: queued, then delivered, retried, given up or dropped."""

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "failed (gave up)"
        DROPPED = "dropped", "dropped (fault)"

    subscription_id = models.UUIDField(db_index=True)  # stays in the log after a delete
    mailbox = models.ForeignKey("m365sim.Mailbox", on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=2000)
    payload = models.JSONField()
    kind = models.CharField(max_length=32)  # created/updated/deleted or the lifecycle event
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)  # simulator clock
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(default=0)  # 0 = no answer
    last_error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.url} ({self.state})"


class DeltaToken(models.Model):
    """A state token of calendarView delta: the window, the change sequence it stands at,
    and for skip tokens the page offset of the round in progress."""

    token = models.CharField(max_length=64, unique=True)
    mailbox = models.ForeignKey("m365sim.Mailbox", on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    since_seq = models.BigIntegerField(null=True)  # None: initial (full) round
    upto_seq = models.BigIntegerField()  # changes up to here belong to this round
    offset = models.PositiveIntegerField(default=0)  # skip tokens only
    is_skip = models.BooleanField(default=False)
    page_size = models.PositiveIntegerField(default=10)
    created_at = models.DateTimeField()
    # Forced out of the sync state cache (harness invalidate_delta, ops page): answers 410.
    invalidated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"delta {self.token[:8]} @ {self.upto_seq}"
