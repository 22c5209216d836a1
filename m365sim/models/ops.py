"""Operational state of the simulated Graph: injected faults and the request log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["FaultKind", "FaultRule", "RequestLogEntry"]


class FaultKind(models.TextChoices):
    THROTTLE = "throttle", _("429 Too Many Requests (mit Retry-After)")
    UNAVAILABLE = "unavailable", _("503 Service Unavailable")
    GATEWAY_TIMEOUT = "gateway_timeout", _("504 Gateway Timeout")
    SLOW = "slow", _("Langsame Antwort")
    DROP = "drop", _("Verbindung abbrechen (keine Antwort)")
    APPLIED_THEN_FAILED = "applied_then_failed", _("Ausgeführt, dann Fehler")
    # The create answers isOnlineMeeting true without onlineMeeting; the join URL appears on
    # the event `delay_ms` (simulated time, default 30 s) later.
    JOIN_URL_LATE = "join_url_late", _("Teams-Link kommt später")
    # concepts/errors.md: 409 "The current state conflicts with what the request expects".
    CONFLICT = "conflict", _("409 Conflict")


class FaultRule(models.Model):
    """A fault the Graph front door injects into matching requests.

    Matching: active, mailbox (empty = every mailbox), HTTP method (empty = any) and a
    substring of the path. Whether a matching request is hit is drawn from a random
    generator seeded with `seed`, so a test run is reproducible.
    """

    kind = models.CharField(_("Art"), max_length=24, choices=FaultKind.choices)
    mailbox = models.CharField(
        _("Postfach (leer = alle)"), max_length=254, blank=True, help_text=_("UPN")
    )
    method = models.CharField(_("Methode (leer = alle)"), max_length=8, blank=True)
    path_contains = models.CharField(_("Pfad enthält"), max_length=200, blank=True)
    probability = models.FloatField(_("Wahrscheinlichkeit"), default=1.0)
    remaining = models.PositiveIntegerField(
        _("Noch so oft (leer = unbegrenzt)"), null=True, blank=True
    )
    retry_after = models.FloatField(_("Retry-After (Sekunden)"), default=2)
    delay_ms = models.PositiveIntegerField(_("Verzögerung (ms)"), default=0)
    status = models.PositiveSmallIntegerField(
        _("Status bei 'ausgeführt, dann Fehler'"), default=504
    )
    seed = models.IntegerField(_("Startwert des Zufalls"), default=1)
    active = models.BooleanField(_("Aktiv"), default=True)
    hits = models.PositiveIntegerField(_("Ausgelöst"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.mailbox or '*'}"


class RequestLogEntry(models.Model):
    """One Graph call as the simulator saw it (batch sub-requests included)."""

    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=2000)
    mailbox = models.CharField(max_length=254, blank=True, db_index=True)
    status = models.PositiveSmallIntegerField()  # 0 = connection dropped
    duration_ms = models.PositiveIntegerField(default=0)
    request_id = models.CharField(max_length=64)
    client_request_id = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    fault = models.CharField(max_length=24, blank=True)
    batch_request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"
