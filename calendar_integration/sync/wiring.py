"""Registers the sync with recruiting: the hooks listeners, the Teams join-info provider, the
appointment page and planning panels, the list's row flags and the sync-state badges (called
once from AppConfig.ready)."""

from __future__ import annotations

from ebms.recruiting import hooks

from .outbox import on_recruiting_event
from .row_flags import row_flags
from .scrub import on_privacy_event
from .services import provides_join_info
from .states import appointment_states

PANEL = "calendar_integration/sync/panel.html"
PLANNING_PANEL = "calendar_integration/sync/planning_paused.html"


def connect() -> None:
    """Register with recruiting hooks (idempotent)."""
    hooks.listen(on_recruiting_event)
    hooks.listen(on_privacy_event)
    hooks.provide_join_info(provides_join_info)
    hooks.provide_panel("appointment_detail", PANEL)
    hooks.provide_row_flags(row_flags)
    hooks.provide_panel("planning", PLANNING_PANEL)
    hooks.provide_sync_states(appointment_states)
