"""Registers the sync with recruiting: the hooks listener, the Teams join-info provider, the
appointment page panel and the sync-state badges (called once from AppConfig.ready)."""

from __future__ import annotations

PANEL = "calendar_integration/sync/panel.html"
PLANNING_PANEL = "calendar_integration/sync/planning_paused.html"


def connect() -> None:
    """Register with recruiting hooks (idempotent)."""
    from ebms.recruiting import hooks

    from .outbox import on_recruiting_event
    from .services import provides_join_info
    from .states import appointment_states

    hooks.listen(on_recruiting_event)
    hooks.provide_join_info(provides_join_info)
    hooks.provide_panel("appointment_detail", PANEL)
    hooks.provide_panel("planning", PLANNING_PANEL)
    hooks.provide_sync_states(appointment_states)
