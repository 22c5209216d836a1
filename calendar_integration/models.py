"""A recruiter's Microsoft connection, its function checks, and the pending sign-in flows.

Token material (the MSAL token cache, the PKCE verifier of a flow) is stored only encrypted
(see crypto.py); the admin and the templates never see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ebms.accounts.models import Company, Role


class ConnectionState(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    NO_ROOMS = "no_rooms", _("Ohne Räume")
    RECONNECT = "reconnect", _("Erneut verbinden")
    DISCONNECTED = "disconnected", _("Getrennt")


USABLE_STATES = (ConnectionState.ACTIVE, ConnectionState.NO_ROOMS)
# Only these roles use their connection (observers and deactivated users keep no tokens).
PLANNER_ROLES = (Role.RECRUITER, Role.COMPANY_ADMIN)


def planner_usable(prefix: str = "") -> models.Q:
    """Connections EBMS may use for a planner (usable tokens, an active user with a planning
    role) as a filter; `prefix` reaches them through a relation ("connection__")."""
    return models.Q(
        **{
            f"{prefix}state__in": USABLE_STATES,
            f"{prefix}user__is_active": True,
            f"{prefix}user__role__in": PLANNER_ROLES,
        }
    )


class MicrosoftConnection(models.Model):
    """One EBMS user's link to one Microsoft work account (delegated permissions)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="microsoft_connection"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="microsoft_connections"
    )
    tenant_id = models.CharField(_("Tenant-ID"), max_length=64)
    # Null after disconnect so the Microsoft account can be linked to someone else.
    oid = models.CharField(_("Objekt-ID (oid)"), max_length=64, unique=True, null=True)
    upn = models.CharField(_("Microsoft-Konto"), max_length=254, blank=True)
    display_name = models.CharField(_("Anzeigename"), max_length=200, blank=True)
    with_rooms = models.BooleanField(_("Räume angefragt"), default=False)
    requested_scopes = models.JSONField(default=list)
    granted_scopes = models.JSONField(_("Erteilte Berechtigungen"), default=list)
    state = models.CharField(
        _("Status"), max_length=16, choices=ConnectionState.choices, default=ConnectionState.ACTIVE
    )
    token_cache_encrypted = models.BinaryField(default=b"", editable=False)
    connected_at = models.DateTimeField(_("Verbunden am"), null=True, blank=True)
    last_refresh_at = models.DateTimeField(_("Letzte Token-Erneuerung"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Zuletzt benutzt"), null=True, blank=True)
    last_error = models.CharField(_("Letzter Fehler"), max_length=500, blank=True)
    last_error_code = models.CharField(_("Fehlercode"), max_length=32, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # One e-mail per loss of the connection, not one per failed call.
    reconnect_mail_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Microsoft-Verbindung")
        verbose_name_plural = _("Microsoft-Verbindungen")
        ordering = ["company", "user"]

    def __str__(self) -> str:
        return f"{self.user} → {self.upn or '-'} ({self.get_state_display()})"

    @property
    def is_usable(self) -> bool:
        return self.state in USABLE_STATES

    @property
    def has_rooms(self) -> bool:
        return "Place.Read.All" in self.granted_scopes


class CheckStatus(models.TextChoices):
    OK = "ok", _("OK")
    WARNING = "warning", _("Warnung")
    FAILED = "failed", _("Fehlgeschlagen")


class FunctionCheck(models.Model):
    """The result of one function check (F4): a list of items, each with status and hint."""

    connection = models.ForeignKey(
        MicrosoftConnection, on_delete=models.CASCADE, related_name="checks"
    )
    checked_at = models.DateTimeField(_("Geprüft am"), auto_now_add=True)
    # [{"key", "label", "status", "hint", "code", "label_id", "hint_id", "hint_args"}]
    items = models.JSONField(default=list)

    class Meta:
        verbose_name = _("Funktionstest")
        verbose_name_plural = _("Funktionstests")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.connection} @ {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def worst(self) -> str:
        statuses = {item["status"] for item in self.items}
        for status in (CheckStatus.FAILED, CheckStatus.WARNING):
            if status in statuses:
                return status
        return CheckStatus.OK


class AuthFlow(models.Model):
    """A started sign-in (MSAL auth-code flow), kept server-side and redeemed at most once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=64, unique=True)
    flow_encrypted = models.BinaryField(editable=False)
    with_rooms = models.BooleanField(default=False)
    next_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # How the flow ended (consent.Outcome kind); drives "no second redirect in a row".
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.outcome or 'offen'})"


# Models of the sync (outbox) and availability (rooms) concerns live in their packages.
from .availability.models import *  # noqa: E402, F403
from .sync.models import *  # noqa: E402, F403
