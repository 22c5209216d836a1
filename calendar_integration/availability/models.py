"""The company's meeting rooms as Microsoft's Places API lists them (F10).

Rooms are keyed by e-mail address: Places ids may change with mailbox moves, the SMTP
address is what getSchedule and the room booking use.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ebms.accounts.models import Company

__all__ = ["Room", "RoomDirectory"]


class Room(models.Model):
    """One room of the company's tenant, as last seen in /places/microsoft.graph.room."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="rooms")
    email = models.EmailField(_("E-Mail"))
    name = models.CharField(_("Name"), max_length=200)
    capacity = models.PositiveIntegerField(_("Kapazität"), null=True, blank=True)
    building = models.CharField(_("Gebäude"), max_length=200, blank=True)
    floor_label = models.CharField(_("Etage"), max_length=100, blank=True)
    floor_number = models.IntegerField(_("Etage (Nummer)"), null=True, blank=True)
    is_wheelchair_accessible = models.BooleanField(_("Rollstuhlgerecht"), default=False)
    # "reserved" rooms are first come, first served: Exchange declines bookings.
    booking_type = models.CharField(_("Buchungsart"), max_length=16, default="standard")
    graph_id = models.CharField(max_length=200, blank=True)
    # False once a refresh no longer lists the room (kept: appointments may still name it).
    is_listed = models.BooleanField(_("In der Raumliste"), default=True)
    first_seen_at = models.DateTimeField(_("Zuerst gesehen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("Zuletzt gesehen"))

    class Meta:
        verbose_name = _("Besprechungsraum")
        verbose_name_plural = _("Besprechungsräume")
        ordering = ["company", "name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["company", "email"], name="one_room_per_company_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_bookable(self) -> bool:
        return self.booking_type != "reserved"


class RoomDirectory(models.Model):
    """When and how the company's room list was last refreshed (one row per company)."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="room_directory")
    refreshed_at = models.DateTimeField(_("Zuletzt aktualisiert"), null=True, blank=True)
    # Every attempt, successful or not: the per-company rate limit counts from here.
    attempted_at = models.DateTimeField(null=True, blank=True)
    room_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(_("Letzter Fehler"), max_length=500, blank=True)
    last_error_code = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("Raumliste")
        verbose_name_plural = _("Raumlisten")

    def __str__(self) -> str:
        return f"{self.company}: {self.room_count}"
