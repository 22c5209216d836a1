"""The calendar module's app shell."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarIntegrationConfig(AppConfig):
    name = "calendar_integration"
    verbose_name = _("Kalender-Integration (Office 365)")

    def ready(self) -> None:
        """Register the system checks and wire the features to recruiting and each other."""
        # Imported here: models must be loaded first (Django's app registry).
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            tasks,  # noqa: F401  (registers the tasks the outbox sends by name)
        )
        from .availability import wiring as availability_wiring
        from .connection import signals as connection_signals
        from .sync import wiring as sync_wiring

        connection_signals.connect()
        sync_wiring.connect()
        availability_wiring.connect()
