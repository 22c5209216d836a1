"""Calendars and events of simulated mailboxes (Outlook's event resource, reduced).

Every mailbox has one default calendar; an event belongs to one mailbox. A meeting exists
as one copy per participating mailbox of the tenant (organizer + attendees): each copy has
its own `graph_id` and shares the `ical_uid`, as in Exchange
(https://learn.microsoft.com/graph/api/resources/event).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

__all__ = ["Event", "PendingChange", "ShowAs"]


class ShowAs(models.TextChoices):
    """freeBusyStatus (https://learn.microsoft.com/graph/api/resources/event)."""

    FREE = "free", "free"
    TENTATIVE = "tentative", "tentative"
    BUSY = "busy", "busy"
    OOF = "oof", "oof"
    WORKING_ELSEWHERE = "workingElsewhere", "workingElsewhere"
    UNKNOWN = "unknown", "unknown"


class Event(models.Model):
    """One event item in one mailbox's default calendar."""

    mailbox = models.ForeignKey("m365sim.Mailbox", on_delete=models.CASCADE, related_name="events")
    graph_id = models.CharField(max_length=200, unique=True)
    # The id answered with `Prefer: IdType="ImmutableId"` (own format, "AAkALgAA...";
    # https://learn.microsoft.com/graph/outlook-immutable-id); set on first save.
    immutable_id = models.CharField(max_length=200, blank=True, db_index=True)
    ical_uid = models.CharField(max_length=200, db_index=True)
    # Graph remembers the client's transactionId per mailbox to make a retried create
    # idempotent (https://learn.microsoft.com/graph/api/user-post-events).
    transaction_id = models.CharField(max_length=200, null=True, blank=True)
    change_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()

    subject = models.CharField(max_length=255, blank=True)
    body_content_type = models.CharField(max_length=4, default="html")  # html | text
    body_content = models.TextField(blank=True)
    start = models.DateTimeField(db_index=True)  # UTC
    end = models.DateTimeField(db_index=True)
    original_start_tz = models.CharField(max_length=64, default="UTC")
    original_end_tz = models.CharField(max_length=64, default="UTC")
    is_all_day = models.BooleanField(default=False)
    location = models.JSONField(default=dict, blank=True)
    locations = models.JSONField(default=list, blank=True)
    # [{"type", "status": {"response", "time"}, "emailAddress": {"name", "address"}}]
    attendees = models.JSONField(default=list, blank=True)
    organizer_name = models.CharField(max_length=200, blank=True)
    organizer_address = models.CharField(max_length=254, blank=True)
    is_organizer = models.BooleanField(default=True)
    # This copy's own answer: organizer | none | notResponded | accepted | declined | ...
    response = models.CharField(max_length=32, default="organizer")
    response_time = models.DateTimeField(null=True, blank=True)

    is_online_meeting = models.BooleanField(default=False)
    online_meeting_provider = models.CharField(max_length=32, default="unknown")
    online_meeting = models.JSONField(null=True, blank=True)  # onlineMeetingInfo

    show_as = models.CharField(max_length=20, choices=ShowAs.choices, default=ShowAs.BUSY)
    sensitivity = models.CharField(max_length=16, default="normal")
    importance = models.CharField(max_length=8, default="normal")
    categories = models.JSONField(default=list, blank=True)
    is_cancelled = models.BooleanField(default=False)
    response_requested = models.BooleanField(default=True)
    allow_new_time_proposals = models.BooleanField(default=True)
    hide_attendees = models.BooleanField(default=False)
    is_reminder_on = models.BooleanField(default=True)
    reminder_minutes = models.IntegerField(default=15)
    # singleValueLegacyExtendedProperty: [{"id": "String {guid} Name x", "value": "..."}]
    extended_properties = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "transaction_id"],
                condition=Q(transaction_id__isnull=False),
                name="m365sim_event_transaction_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.start:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self.immutable_id:
            import base64
            import secrets

            self.immutable_id = (
                "AAkALgAA" + base64.urlsafe_b64encode(secrets.token_bytes(66)).decode()
            )
        super().save(*args, **kwargs)

    @property
    def is_meeting(self) -> bool:
        return bool(self.attendees)


class PendingChange(models.Model):
    """Something Exchange does after the request that caused it answered: a room's booking
    assistant answers, an attendee responds (or proposes a time), a Teams join URL arrives.

    Applied by the first Graph request (or ops page) after `due_at` on the simulator clock
    (m365sim.graph.later.apply_due).
    """

    class Kind(models.TextChoices):
        ROOM_ANSWER = "room", "room answer"
        ATTENDEE_ANSWER = "attendee", "attendee answer"
        JOIN_URL = "join_url", "join URL"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pending")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    attendee = models.ForeignKey(
        "m365sim.Mailbox", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # accepted | tentativelyAccepted | declined (attendee answers; rooms decide when due)
    response = models.CharField(max_length=32, blank=True)
    proposed_start = models.DateTimeField(null=True, blank=True)
    proposed_end = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} @ {self.due_at:%H:%M:%S}"
