"""The sync outbox: one CalendarEvent per appointment (or proposal slot hold), the Graph call
history (SyncLog), per-mailbox throttling pauses, problem reports and a company setting.

A record is dirty while `synced_version < wanted_version`; recruiting's announcements bump
`wanted_version` in the same transaction as the change, the worker converges Outlook to the
current wanted state and sets `synced_version` only if nothing changed meanwhile.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ebms.accounts.models import Company

__all__ = [
    "CalendarEvent",
    "CompanySyncSettings",
    "MailboxPause",
    "MailboxSubscription",
    "ProblemReport",
    "SyncLog",
    "SyncStatus",
]


class SyncStatus(models.TextChoices):
    SYNCED = "synced", _("synchronisiert")
    PENDING = "pending", _("ausstehend")
    RETRYING = "retrying", _("wird wiederholt")
    FAILED = "failed", _("fehlgeschlagen")
    RECONNECT = "reconnect", _("wartet auf Neuverbindung")
    PAUSED = "paused", _("pausiert: Feature nicht aktiv")


class CalendarEvent(models.Model):
    """The Outlook event EBMS wants for one appointment (kind "appointment") or one offered
    proposal slot (kind "hold"); a picked slot's hold becomes the appointment's event."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("Termin")
        HOLD = "hold", _("Vorschlag (vorgemerkt)")

    class Drift(models.TextChoices):
        NONE = "", _("keine")
        CHANGED = "changed", _("In Outlook geändert")
        DELETED = "deleted", _("In Outlook gelöscht oder abgesagt")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.APPOINTMENT)
    appointment = models.OneToOneField(
        "recruiting.Appointment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_event",
    )
    proposal = models.ForeignKey(
        "recruiting.Proposal", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    slot = models.OneToOneField(
        "recruiting.ProposalSlot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_hold",
    )
    # The organizer's mailbox (the recruiter's connection when the event was first written).
    connection = models.ForeignKey(
        "calendar_integration.MicrosoftConnection", on_delete=models.CASCADE, related_name="+"
    )
    # Holds: False once the hold must go (withdrawn, expired, another slot picked).
    wanted = models.BooleanField(default=True)
    wanted_version = models.PositiveIntegerField(default=1)
    synced_version = models.PositiveIntegerField(default=0)
    graph_id = models.CharField(max_length=300, blank=True)
    ical_uid = models.CharField(max_length=300, blank=True)
    # Raised when the event must be created anew (new transactionId, see transaction_id).
    generation = models.PositiveSmallIntegerField(default=1)
    # Set before a create is sent and cleared when its outcome is known: an ambiguous
    # create is looked up by the extended property before anything else is sent.
    create_sent_at = models.DateTimeField(null=True, blank=True)
    # What was last sent, per Graph property (PATCH sends only what differs from this).
    snapshot = models.JSONField(default=dict, blank=True)
    # Payload of a create whose outcome is unknown (becomes the snapshot when it is found).
    pending_snapshot = models.JSONField(default=dict, blank=True)
    removed = models.BooleanField(default=False)  # cancelled/deleted in Outlook by EBMS
    # GDPR erasure (sync/scrub.py): the record left its appointment/proposal and only has to
    # replace subject and body by `scrub_subject` (cancel too if `scrub_cancel`; holds go).
    erasure = models.ForeignKey(
        "recruiting.Erasure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scrub_subject = models.CharField(max_length=255, blank=True)
    scrub_cancel = models.BooleanField(default=False)
    scrub_result = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=12, choices=SyncStatus.choices, default=SyncStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    retry_reason = models.CharField(max_length=200, blank=True)
    last_error_code = models.CharField(max_length=100, blank=True)
    last_error_message = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=36, blank=True)
    # Teams (F9): the join URL Microsoft gave, the join block kept for body updates.
    join_url = models.URLField(max_length=2000, blank=True)
    join_block = models.TextField(blank=True)
    teams_missing = models.BooleanField(default=False)
    # The create promised a Teams meeting without its join URL yet ("Teams-Link ausstehend").
    teams_pending = models.BooleanField(default=False)
    join_url_changed_at = models.DateTimeField(null=True, blank=True)
    # Answers Exchange gives later (rooms, observers, a late join URL): read the event again at
    # `followup_at`, at most `followups_left` more times (sync/followup.py).
    followup_at = models.DateTimeField(null=True, blank=True, db_index=True)
    followups_left = models.PositiveSmallIntegerField(default=0)
    # The observers' answers as Outlook last showed them: [{"address", "name", "response"}].
    attendee_responses = models.JSONField(default=list, blank=True)
    # Drift (F7): what Outlook shows when it differs from EBMS.
    drift = models.CharField(max_length=8, choices=Drift.choices, blank=True, default="")
    outlook_start = models.DateTimeField(null=True, blank=True)
    outlook_end = models.DateTimeField(null=True, blank=True)
    room_declined = models.BooleanField(default=False)
    drift_checked_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Outlook-Termin (Sync)")
        verbose_name_plural = _("Outlook-Termine (Sync)")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(synced_version__lte=F("wanted_version")), name="sync_version_order"
            )
        ]

    def __str__(self) -> str:
        target = self.appointment_id or f"slot {self.slot_id}"
        return f"{self.get_kind_display()} {target} ({self.get_status_display()})"

    @property
    def is_dirty(self) -> bool:
        return self.synced_version < self.wanted_version

    @property
    def transaction_id(self) -> str:
        """Fixed per generation: a retried create is deduplicated by Graph."""
        return f"ebms-{self.key}-{self.generation}"

    @property
    def has_flags(self) -> bool:
        return bool(self.drift or self.room_declined or self.teams_missing or self.teams_pending)


class MailboxPause(models.Model):
    """Microsoft asked us (429/503 Retry-After) to leave this mailbox alone until `until`."""

    connection = models.OneToOneField(
        "calendar_integration.MicrosoftConnection", on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField()
    code = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.connection_id} bis {self.until:%H:%M:%S}"


class MailboxSubscription(models.Model):
    """A mailbox's Graph change-notification subscription (me/events) and its delta state.

    One per connection. `client_state_encrypted` is the secret Graph echoes in every
    notification (encrypted like tokens, compared in constant time); `pull_requested_at` is
    set by the first notification of a burst and cleared by the pull it starts (coalescing).
    """

    class Status(models.TextChoices):
        NONE = "none", _("kein Abonnement")
        ACTIVE = "active", _("aktiv")
        FAILED = "failed", _("fehlgeschlagen")
        REMOVED = "removed", _("von Microsoft entfernt")

    connection = models.OneToOneField(
        "calendar_integration.MicrosoftConnection",
        on_delete=models.CASCADE,
        related_name="subscription",
    )
    subscription_id = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    client_state_encrypted = models.BinaryField(default=b"", editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NONE)
    last_error = models.CharField(max_length=200, blank=True)
    # Delta (calendarView of [window_start, window_end]): the link to call next time.
    delta_link = models.TextField(blank=True, editable=False)
    window_start = models.DateTimeField(null=True, blank=True)
    # A full resync of the window is due (missed notifications, 410 Gone).
    resync = models.BooleanField(default=False)
    pull_requested_at = models.DateTimeField(null=True, blank=True)
    # When the last pull was asked for (the beat's tick or a notification).
    last_pull_at = models.DateTimeField(null=True, blank=True)
    # Set when a pull starts, cleared when it ends well: a failed, skipped (paused) or
    # killed pull is asked for again at this time (a notification still may earlier).
    retry_at = models.DateTimeField(null=True, blank=True)
    pulls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Outlook-Abonnement")
        verbose_name_plural = _("Outlook-Abonnements")

    def __str__(self) -> str:
        return f"{self.connection_id} ({self.get_status_display()})"


class SyncLog(models.Model):
    """One Graph call made for a record: the sync history shown on the appointment."""

    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="logs")
    at = models.DateTimeField(auto_now_add=True)
    operation = models.CharField(max_length=32)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField(default=0)  # 0 = no answer (dropped, timeout)
    duration_ms = models.PositiveIntegerField(default=0)
    request_id = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("Graph-Aufruf")
        verbose_name_plural = _("Graph-Aufrufe")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.operation} {self.status}"

    @property
    def operation_label(self) -> str:
        """The operation in words ("Termin angelegt"), not "create POST"."""
        return str(OPERATION_LABELS.get(self.operation, self.operation))

    @property
    def status_label(self) -> str:
        """The HTTP answer in words: OK, gedrosselt (429), nicht erreichbar (5xx), ..."""
        if self.status == 0:
            return str(_("keine Antwort"))
        if self.status < 400:
            return str(_("OK"))
        if self.status == 429:
            return str(_("gedrosselt"))
        if self.status in (401,):
            return str(_("Anmeldung abgelaufen"))
        if self.status == 404:
            return str(_("nicht gefunden"))
        if self.status >= 500:
            return str(_("nicht erreichbar"))
        return str(_("abgelehnt"))


# SyncLog.operation (what the engine records) -> what the call history says.
OPERATION_LABELS = {
    "create": _("Termin angelegt"),
    "update": _("Termin geändert"),
    "update time": _("Zeit geändert"),
    "cancel": _("Termin abgesagt"),
    "cancel (organizer changed)": _("Beim bisherigen Organisator abgesagt"),
    "lookup": _("Termin in Outlook gesucht"),
    "drift check": _("Abgleich mit Outlook"),
    "batch: create hold": _("Vorschlag vorgemerkt"),
    "batch: delete hold": _("Vormerkung entfernt"),
    "get": _("Abfrage"),
}


class ProblemReport(models.Model):
    """A recruiter's "Problem melden" (beta): the sync history, mailed to community managers."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        "recruiting.Appointment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("Beschreibung"), blank=True)
    # Status and Graph calls at the time of the report (no tokens, no candidate data).
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Problemmeldung")
        verbose_name_plural = _("Problemmeldungen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.company} {self.created_at:%Y-%m-%d %H:%M}"


class CompanySyncSettings(models.Model):
    """Per company: how EBMS events appear in Outlook."""

    class Sensitivity(models.TextChoices):
        PRIVATE = "private", _("Privat (Kollegen sehen nur „Gebucht“)")
        NORMAL = "normal", _("Normal")

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="+")
    sensitivity = models.CharField(
        _("Vertraulichkeit in Outlook"),
        max_length=8,
        choices=Sensitivity.choices,
        default=Sensitivity.PRIVATE,
    )

    class Meta:
        verbose_name = _("Sync-Einstellungen")
        verbose_name_plural = _("Sync-Einstellungen")

    def __str__(self) -> str:
        return str(self.company)
