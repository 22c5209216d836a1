"""Registers the sync with recruiting: the hooks listener, the Teams join-info provider and
the appointment page panel and the list's row flags (called once from AppConfig.ready)."""

from __future__ import annotations

from ebms.recruiting import hooks

from .outbox import on_recruiting_event
from .row_flags import row_flags
from .scrub import on_privacy_event
from .services import provides_join_info

PANEL = "calendar_integration/sync/panel.html"


def connect() -> None:
    """Register with recruiting hooks (idempotent)."""
    hooks.listen(on_recruiting_event)
    hooks.listen(on_privacy_event)
    hooks.provide_join_info(provides_join_info)
    hooks.provide_panel("appointment_detail", PANEL)
    hooks.provide_row_flags(row_flags)
