"""GDPR models (issue 15): the company's privacy settings and one erasure record per candidate.

Kept out of models.py so the recruiting models stay small; models.py imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebms.accounts.models import Company

DEFAULT_RETENTION_MONTHS = 6


class OutlookCandidateData(models.TextChoices):
    FULL = "full", _("Vollständiger Name")
    INITIALS = "initials", _("Nur Initialen")
    NONE = "none", _("Keine (nur Titel und Stelle)")


class PrivacySettings(models.Model):
    """Per company: what reaches Outlook, how long closed applications are kept, who erases."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="+")
    outlook_candidate_data = models.CharField(
        _("Bewerberdaten in Outlook"),
        max_length=8,
        choices=OutlookCandidateData.choices,
        default=OutlookCandidateData.FULL,
    )
    retention_months = models.PositiveSmallIntegerField(
        _("Aufbewahrungsfrist nach Abschluss (Monate, 0 = aus)"),
        default=DEFAULT_RETENTION_MONTHS,
    )
    recruiters_may_erase = models.BooleanField(
        _("Recruiter dürfen Bewerber löschen und anonymisieren"), default=False
    )

    class Meta:
        verbose_name = _("Datenschutz-Einstellungen")
        verbose_name_plural = _("Datenschutz-Einstellungen")

    def __str__(self) -> str:
        return str(self.company)


class Erasure(models.Model):
    """Who erased which (former) candidate, when and why; no personal data of the candidate.

    The Outlook counts are written by the calendar module while its scrubs run.
    """

    class Reason(models.TextChoices):
        REQUEST = "request", _("Auf Anfrage (Art. 17 DSGVO)")
        RETENTION = "retention", _("Aufbewahrungsfrist abgelaufen")

    class Mode(models.TextChoices):
        DELETED = "deleted", _("gelöscht")
        ANONYMISED = "anonymised", _("anonymisiert")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    # The former candidate's id (a number without meaning outside this EBMS).
    candidate_ref = models.PositiveIntegerField(_("Bewerber-Nr."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    at = models.DateTimeField(_("am"), default=timezone.now)
    reason = models.CharField(_("Grund"), max_length=12, choices=Reason.choices)
    mode = models.CharField(_("Art"), max_length=12, choices=Mode.choices)
    applications = models.PositiveIntegerField(_("Bewerbungen"), default=0)
    appointments = models.PositiveIntegerField(_("Termine"), default=0)
    appointments_cancelled = models.PositiveIntegerField(_("dabei abgesagt"), default=0)
    outlook_scrubbed = models.PositiveIntegerField(_("Outlook: bereinigt"), default=0)
    outlook_pending = models.PositiveIntegerField(_("Outlook: ausstehend"), default=0)
    outlook_failed = models.PositiveIntegerField(_("Outlook: fehlgeschlagen"), default=0)
    # Cancelled before the erasure: the observers' cancelled copies are out of EBMS's reach.
    outlook_unreachable = models.PositiveIntegerField(_("Outlook: nicht erreichbar"), default=0)
    outlook_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Löschprotokoll")
        verbose_name_plural = _("Löschprotokolle")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.candidate_ref} {self.get_mode_display()} {self.at:%Y-%m-%d}"
