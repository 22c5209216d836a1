"""Positions, candidates, applications, appointments, proposals and candidate e-mails (F5, F6)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ebms.accounts.models import Company

# The recruiter must leave this text in an online appointment's candidate message; it is
# replaced 1:1 by the meeting join information (from Microsoft, or the typed link).
JOIN_INFO_PLACEHOLDER = "[[Online-Meeting-Teilnahme]]"

MAX_TEXT = 5000


class Language(models.TextChoices):
    DE = "de", _("Deutsch")
    EN = "en", _("Englisch")


class Position(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("Titel"), max_length=200)
    location = models.CharField(_("Standort"), max_length=200, blank=True)
    is_open = models.BooleanField(_("Offen"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="candidates")
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    language = models.CharField(
        _("Sprache"), max_length=2, choices=Language.choices, default=Language.DE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the candidate was anonymised (GDPR erasure, services/erasure.py).
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Bewerber")
        verbose_name_plural = pgettext_lazy("Mehrzahl", "Bewerber")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Application(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Neu")
        INTERVIEW = "interview", _("Im Gespräch")
        HIRED = "hired", _("Eingestellt")
        REJECTED = "rejected", _("Abgesagt")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default="new")
    created_at = models.DateTimeField(auto_now_add=True)
    # Hired or rejected since: the retention period runs from here (services/retention.py).
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Bewerbung")
        verbose_name_plural = _("Bewerbungen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "position"], name="one_application_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.position}"


class AppointmentKind(models.TextChoices):
    ON_SITE = "onsite", _("Vor-Ort-Termin")
    ONLINE = "online", _("Online-Besprechung")
    PHONE = "phone", _("Telefon")


class MeetingDetails(models.Model):
    """What an appointment and a proposal share: kind, place, texts (abstract)."""

    kind = models.CharField(_("Art"), max_length=8, choices=AppointmentKind.choices)
    location = models.CharField(_("Ort"), max_length=300, blank=True)
    room_email = models.EmailField(_("Raum (E-Mail)"), blank=True)
    room_name = models.CharField(_("Raum"), max_length=200, blank=True)
    title = models.CharField(_("Titel"), max_length=200)
    internal_description = models.TextField(_("Interne Beschreibung"), blank=True)
    candidate_message = models.TextField(_("Nachricht an den Bewerber"), blank=True)
    # Typed by the recruiter when no calendar integration creates the meeting.
    meeting_link = models.URLField(_("Meeting-Link"), blank=True)

    class Meta:
        abstract = True


# The meeting's own fields, declared once (above): forms, services and the pick copy use this.
MEETING_FIELDS: tuple[str, ...] = tuple(field.name for field in MeetingDetails._meta.fields)


class Appointment(MeetingDetails):
    """An interview. The candidate gets his own invitation (CandidateEmail), never the
    internal description or the observers.

    `sequence` is the iCalendar SEQUENCE: raised on every time change and on cancellation.
    `version` is raised on every change the candidate or Outlook must learn about.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        CANCELLED = "cancelled", _("abgesagt")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="appointments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="appointments"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_appointments"
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="observed_appointments"
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    # Join information for online appointments, set by the calendar module (or the typed link).
    join_url = models.URLField(max_length=2000, blank=True)
    join_info_html = models.TextField(blank=True)
    join_info_text = models.TextField(blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("Absagegrund"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    proposal = models.OneToOneField(
        "Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(MeetingDetails.Meta):
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["company", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_online(self) -> bool:
        return self.kind == AppointmentKind.ONLINE


class AppointmentChange(models.Model):
    """Change history of an appointment: who changed what, when."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    # None when the candidate acted (picked a proposal slot) or the system did.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    # {"field": [old, new]} with values as displayed strings.
    changes = models.JSONField(default=dict)
    # The appointment's version after this change (None for rows older than the field).
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class Proposal(MeetingDetails):
    """Terminvorschläge: 2-5 slots offered to the candidate through a signed link."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        PICKED = "picked", _("angenommen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")
        EXPIRED = "expired", _("abgelaufen")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="proposals")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="proposals")
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="observed_proposals"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # Random value in the signed link; cleared once used so a link works only once.
    token_nonce = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(_("Gültig bis"))
    picked_slot = models.ForeignKey(
        "ProposalSlot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta(MeetingDetails.Meta):
        verbose_name = _("Terminvorschlag")
        verbose_name_plural = _("Terminvorschläge")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProposalSlot(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%H:%M} UTC"


class CandidateEmail(models.Model):
    """Outbox of e-mails to candidates: one row per appointment version (or proposal),
    sent exactly once; online invitations wait until the join information is known."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Einladung")
        UPDATE = "update", _("Änderung")
        CANCELLATION = "cancellation", _("Absage")
        PROPOSAL = "proposal", _("Terminvorschläge")
        PROPOSAL_WITHDRAWN = "proposal_withdrawn", _("Vorschläge zurückgezogen")

    class Status(models.TextChoices):
        WAITING = "waiting", _("wartet auf Teilnahme-Informationen")
        PENDING = "pending", _("wartet auf Versand")
        # Claimed by one task run (conditional UPDATE) until `claimed_until`.
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        SUPERSEDED = "superseded", _("überholt")
        FAILED = "failed", _("fehlgeschlagen")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(default=1)
    to = models.EmailField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Lease of the task run that claimed the row; an expired lease means the worker died.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Candidate-visible fields changed since the last mail (update mails name them).
    changed = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "version"],
                condition=models.Q(appointment__isnull=False),
                name="one_candidate_email_per_appointment_version",
            ),
            models.UniqueConstraint(
                fields=["proposal", "kind"],
                condition=models.Q(proposal__isnull=False),
                name="one_candidate_email_per_proposal_kind",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} -> {self.to}"


from .privacy import Erasure, PrivacySettings  # noqa: E402, F401  (GDPR models, own module)
