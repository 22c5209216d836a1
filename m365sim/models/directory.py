"""Directory state of the simulated Microsoft 365: tenants, mailboxes, the EBMS app, consent.

Mirrors the Entra ID objects the identity platform works with: a tenant with a verified
domain, users and room mailboxes, the multi-tenant app registration, its service principal
per tenant (created at the first sign-in attempt), delegated permission grants
(oauth2PermissionGrant: consentType AllPrincipals or Principal), authorization codes and
refresh tokens. Times come from m365sim.clock.now(), never from the wall clock directly.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "EBMS_CLIENT_ID",
    "AutoAcceptPolicy",
    "AuthorizationCode",
    "BookingType",
    "ConsentRequest",
    "EnterpriseApp",
    "Grant",
    "Mailbox",
    "MailboxKind",
    "RefreshToken",
    "ServicePrincipal",
    "SigningKey",
    "SimClock",
    "Tenant",
]

EBMS_CLIENT_ID = "c0ec60b5-60a8-4768-8053-870f11315492"


class Tenant(models.Model):
    """An Entra ID tenant (directory) with one verified domain.

    Consent settings are tenant-wide in Entra ("Enterprise applications > Consent and
    permissions"), so they live here, not on the service principal.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(_("Name"), max_length=200)
    domain = models.CharField(_("Verifizierte Domäne"), max_length=200, unique=True)
    users_may_consent = models.BooleanField(
        _("Benutzer dürfen Apps zustimmen"),
        default=True,
        help_text=_("Aus: jede Zustimmung braucht einen Administrator (AADSTS90094)."),
    )
    admin_consent_workflow = models.BooleanField(
        _("Workflow für Administratorzustimmung"),
        default=False,
        help_text=_("An: Benutzer können eine Genehmigung anfordern (AADSTS90095)."),
    )
    strict_refresh_rotation = models.BooleanField(
        _("Alte Aktualisierungstoken sofort ungültig"),
        default=False,
        help_text=_(
            "Microsoft lässt ein benutztes Aktualisierungstoken gültig; an = strenger Test, "
            "ob der Client das neue Token speichert."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.domain})"


class MailboxKind(models.TextChoices):
    USER = "user", _("Benutzer")
    ROOM = "room", _("Raum")


class BookingType(models.TextChoices):
    """room.bookingType in Graph: standard = reservable, reserved = first come first served."""

    STANDARD = "standard", _("Buchbar (standard)")
    RESERVED = "reserved", _("Nicht buchbar (reserved)")


class AutoAcceptPolicy(models.TextChoices):
    """Calendar processing of a room mailbox (Set-CalendarProcessing, simplified)."""

    ACCEPT_IF_FREE = "accept_if_free", _("Annehmen wenn frei, Konflikte ablehnen")
    ALWAYS_ACCEPT = "always_accept", _("Immer annehmen (Konflikte erlaubt)")
    DECLINE_ALL = "decline_all", _("Alles ablehnen")
    MANUAL = "manual", _("Keine automatische Antwort")


class Mailbox(models.Model):
    """A user (with sign-in) or a room mailbox; `email` is the UPN and primary SMTP address."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="mailboxes")
    kind = models.CharField(max_length=8, choices=MailboxKind.choices, default=MailboxKind.USER)
    object_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("E-Mail (UPN)"), unique=True)
    display_name = models.CharField(_("Anzeigename"), max_length=200)
    given_name = models.CharField(_("Vorname"), max_length=100, blank=True)
    surname = models.CharField(_("Nachname"), max_length=100, blank=True)
    job_title = models.CharField(_("Position"), max_length=100, blank=True)
    # Windows or IANA name, as mailboxSettings.timeZone; empty = not configured.
    time_zone = models.CharField(_("Zeitzone"), max_length=64, default="W. Europe Standard Time")

    # Users
    password = models.CharField(max_length=128, blank=True)
    account_enabled = models.BooleanField(_("Anmeldung erlaubt"), default=True)
    is_tenant_admin = models.BooleanField(_("Globaler Administrator"), default=False)
    teams_licensed = models.BooleanField(_("Teams-Lizenz"), default=True)
    mailbox_enabled = models.BooleanField(_("Postfach aktiv"), default=True)

    # Rooms
    capacity = models.PositiveIntegerField(_("Kapazität"), null=True, blank=True)
    building = models.CharField(_("Gebäude"), max_length=100, blank=True)
    floor_label = models.CharField(_("Etage (Bezeichnung)"), max_length=50, blank=True)
    floor_number = models.IntegerField(_("Etage (Nummer)"), null=True, blank=True)
    is_wheelchair_accessible = models.BooleanField(_("Rollstuhlgerecht"), default=False)
    booking_type = models.CharField(
        _("Buchungsart"), max_length=10, choices=BookingType.choices, default=BookingType.STANDARD
    )
    auto_accept = models.CharField(
        _("Automatische Antwort"),
        max_length=16,
        choices=AutoAcceptPolicy.choices,
        default=AutoAcceptPolicy.ACCEPT_IF_FREE,
    )
    # The booking assistant processes a request after the create/PATCH answered (Exchange's
    # resource booking is asynchronous; the 201 shows the room's response as "none").
    answer_delay_seconds = models.PositiveIntegerField(
        _("Antwort des Raums nach (Sekunden, simulierte Zeit)"), default=5
    )
    # Set-CalendarProcessing: BookingWindowInDays (default 180) and BookInPolicy (empty here =
    # everybody may book, Exchange's AllBookInPolicy default).
    booking_window_days = models.PositiveIntegerField(_("Buchungsfenster (Tage)"), default=180)
    book_in_policy = models.TextField(
        _("Nur diese Organisatoren (E-Mail-Adressen, leer = alle)"), blank=True
    )
    # The Places API reads a copy synced from the directory: new rooms show up ~24-48 h later
    # (github.com/microsoftgraph/microsoft-graph-docs/issues/6410). Null = listed at once.
    places_visible_from = models.DateTimeField(_("Erscheint in Places ab"), null=True, blank=True)

    # Both: the default sharing lets everyone in the organisation see free/busy.
    freebusy_shared = models.BooleanField(_("Frei/Gebucht für alle sichtbar"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "display_name"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_room(self) -> bool:
        return self.kind == MailboxKind.ROOM

    @property
    def upn(self) -> str:
        return self.email

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)

    def visible_in_places(self, at: datetime) -> bool:
        return self.is_room and (self.places_visible_from is None or self.places_visible_from <= at)


class EnterpriseApp(models.Model):
    """The multi-tenant app registration (lives in the vendor's home tenant)."""

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    display_name = models.CharField(max_length=200, default="EBMS Kalenderintegration")
    publisher = models.CharField(max_length=200, default="EBMS")
    # Kept in clear text: the simulator shows it in its UI; never do this with real secrets.
    client_secret = models.CharField(max_length=200)
    redirect_uris = models.JSONField(default=list)
    # The registration's "API permissions" (what /.default means), short Graph names.
    required_scopes = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.display_name


class ServicePrincipal(models.Model):
    """The app's instance in one tenant ("Enterprise application")."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="service_principals")
    app = models.ForeignKey(EnterpriseApp, on_delete=models.CASCADE, related_name="principals")
    object_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enabled_for_sign_in = models.BooleanField(_("Anmeldung für Benutzer aktiviert"), default=True)
    assignment_required = models.BooleanField(_("Zuweisung erforderlich"), default=False)
    assigned = models.ManyToManyField(Mailbox, blank=True, related_name="app_assignments")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "app"], name="m365sim_sp_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.app} @ {self.tenant.domain}"


class Grant(models.Model):
    """oauth2PermissionGrant: delegated scopes, tenant-wide (principal null) or for one user."""

    service_principal = models.ForeignKey(
        ServicePrincipal, on_delete=models.CASCADE, related_name="grants"
    )
    principal = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    scopes = models.JSONField(default=list)  # short Graph names, e.g. "Calendars.ReadWrite"
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_principal"],
                condition=Q(principal__isnull=True),
                name="m365sim_grant_one_tenant_wide",
            ),
            models.UniqueConstraint(
                fields=["service_principal", "principal"], name="m365sim_grant_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        who = self.principal.email if self.principal_id else "AllPrincipals"
        return f"{who}: {' '.join(self.scopes)}"

    @property
    def is_tenant_wide(self) -> bool:
        return self.principal_id is None


class ConsentRequest(models.Model):
    """A user's request for admin approval (admin consent workflow, AADSTS90095)."""

    service_principal = models.ForeignKey(
        ServicePrincipal, on_delete=models.CASCADE, related_name="consent_requests"
    )
    requested_by = models.ForeignKey(Mailbox, on_delete=models.CASCADE)
    scopes = models.JSONField(default=list)
    justification = models.TextField(blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"request by {self.requested_by_id}"


class AuthorizationCode(models.Model):
    """A single-use code from /authorize, bound to client, redirect URI and PKCE challenge."""

    code_hash = models.CharField(max_length=64, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE)
    client_id = models.CharField(max_length=64)
    redirect_uri = models.CharField(max_length=500)
    scopes = models.JSONField(default=list)  # as requested (raw strings)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    nonce = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.mailbox_id}"


class RefreshToken(models.Model):
    """An issued refresh token (stored as a hash). Inactive for 90 days -> AADSTS700082."""

    token_hash = models.CharField(max_length=64, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="refresh_tokens")
    client_id = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when it was redeemed; only strict rotation (Tenant) rejects a replaced token.
    replaced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refresh token of {self.mailbox_id}"


class SigningKey(models.Model):
    """The RSA key that signs id and access tokens (published at /discovery/v2.0/keys)."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    certificate_pem = models.TextField()  # self-signed, for the JWKS "x5c" member
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kid


class SimClock(models.Model):
    """Singleton: the simulator's time = wall clock + offset (see m365sim.clock)."""

    offset_seconds = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"offset {self.offset_seconds}s"
