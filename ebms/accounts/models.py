"""Companies, their users and roles, and premium feature bookings (F1)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebms.timezones import validate_windows_zone

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in available_timezones() if "/" in tz)


class Company(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    time_zone = models.CharField(
        _("Zeitzone"), max_length=64, default="Europe/Berlin", choices=TIME_ZONE_CHOICES
    )
    # Set by the first successful Microsoft connection; later connections must match it.
    microsoft_tenant_id = models.CharField(_("Microsoft-Tenant-ID"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Firma")
        verbose_name_plural = _("Firmen")
        ordering = ["name"]
        permissions = [("manage_feature_bookings", _("Kann Premium-Features buchen"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Outlook gets the zone's Windows name; a zone without one is refused here, not at sync.
        try:
            validate_windows_zone(self.time_zone)
        except ValidationError as exc:
            raise ValidationError({"time_zone": exc.messages}) from exc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Role(models.TextChoices):
    COMPANY_ADMIN = "admin", _("Firmen-Administrator")
    RECRUITER = "recruiter", _("Recruiter")
    OBSERVER = "observer", _("Beobachter")


class User(AbstractUser):
    """An EBMS login: e-mail as user name, one company, one role in it.

    Deactivated users (is_active=False) keep their appointments and history.
    Community managers are staff without a company.
    """

    username = None
    email = models.EmailField(_("E-Mail"), unique=True)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(_("Rolle"), max_length=16, choices=Role.choices, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def can_plan(self) -> bool:
        """Recruiters and company admins plan appointments; observers only read."""
        return self.is_active and self.role in (Role.RECRUITER, Role.COMPANY_ADMIN)

    @property
    def is_company_admin(self) -> bool:
        return self.is_active and self.role == Role.COMPANY_ADMIN


class Feature(models.TextChoices):
    CALENDAR_O365 = "calendar_o365", _("Kalender Integration (Office 365)")


TRIAL_DAYS = 7


class FeatureBooking(models.Model):
    """A premium feature booked for a company: a 7-day trial or a paid period.

    Active from `starts_at` until the earlier of `ends_at` and `ended_at`
    (the latter set when a community manager ends it early).
    """

    class Kind(models.TextChoices):
        TRIAL = "trial", _("7-Tage-Demo")
        PAID = "paid", _("Buchung")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="bookings")
    feature = models.CharField(
        _("Feature"), max_length=32, choices=Feature.choices, default=Feature.CALENDAR_O365
    )
    kind = models.CharField(_("Art"), max_length=8, choices=Kind.choices)
    starts_at = models.DateTimeField(_("Beginn"), default=timezone.now)
    ends_at = models.DateTimeField(_("Ende"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Vorzeitig beendet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Feature-Buchung")
        verbose_name_plural = _("Feature-Buchungen")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["company", "feature", "starts_at"])]
        constraints = [
            # One trial per company and feature, also when two managers click at once.
            models.UniqueConstraint(
                fields=["company", "feature"],
                condition=models.Q(kind="trial"),
                name="one_trial_per_company_feature",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_feature_display()} ({self.get_kind_display()})"

    @property
    def effective_end(self):
        ends = [t for t in (self.ends_at, self.ended_at) if t is not None]
        return min(ends) if ends else None

    def is_active_at(self, at) -> bool:
        end = self.effective_end
        return self.starts_at <= at and (end is None or at < end)

    @classmethod
    def trial_end(cls, start):
        return start + timedelta(days=TRIAL_DAYS)


class BookingChange(models.Model):
    """Audit trail: who changed which booking when."""

    class Action(models.TextChoices):
        TRIAL_STARTED = "trial_started", _("7-Tage-Demo gestartet")
        ACTIVATED = "activated", _("Buchung aktiviert")
        ENDED = "ended", _("Buchung beendet")
        EDITED = "edited", _("Bearbeitet")

    booking = models.ForeignKey(FeatureBooking, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=16, choices=Action.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("Buchungsänderung")
        verbose_name_plural = _("Buchungsänderungen")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class FormSubmission(models.Model):
    """A one-time key a state-changing form carries: the first submit stores what it
    created, a repeated submit (double click, reload, second tab) lands on that result."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, unique=True)
    # Which form sent it (e.g. "appointment_create") and the id of what it created or changed.
    action = models.CharField(max_length=40)
    result_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.key[:8]}…"
