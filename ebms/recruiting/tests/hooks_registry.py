"""Test helpers that undo registrations with `ebms.recruiting.hooks` (product code registers
once, at start-up, and never unregisters, so these live with the tests)."""

from __future__ import annotations

from collections.abc import Callable

from ebms.recruiting import hooks

__all__ = ["stop_providing_join_info", "stop_providing_panel", "unlisten"]


def unlisten(listener: hooks.Listener) -> None:
    """Remove a listener registered with `hooks.listen` (no error if absent)."""
    if listener in hooks._listeners:
        hooks._listeners.remove(listener)


def stop_providing_join_info(provider: Callable[..., bool]) -> None:
    """Remove a provider registered with `hooks.provide_join_info` (no error if absent)."""
    if provider in hooks._join_info_providers:
        hooks._join_info_providers.remove(provider)


def stop_providing_panel(slot: str, template_name: str) -> None:
    """Remove a panel registered with `hooks.provide_panel` (no error if absent)."""
    if template_name in hooks._panels.get(slot, ()):
        hooks._panels[slot].remove(template_name)
