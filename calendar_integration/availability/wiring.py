"""Registers the picker panel, the room check and the cache invalidation with recruiting's hooks."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ebms.recruiting import delays, hooks

from .cache import generation_bump
from .conflicts import conflicts_check
from .room_check import room_check

PANEL = "calendar_integration/availability/panel.html"


def on_recruiting_event(event: str, **payload: Any) -> None:
    """EBMS booked, moved or cancelled an appointment, or offered/released proposal slots:
    the company's cached free/busy is stale."""
    subject = payload.get("appointment") or payload.get("proposal")
    if subject is None:
        return
    company_id = subject.company_id
    # After commit only: the cache (Redis) is never part of the change's transaction, and
    # a cache outage never turns a saved appointment into an error.
    transaction.on_commit(lambda: _bump(company_id))


def _bump(company_id: int) -> None:
    if not generation_bump(company_id):
        delays.background_delayed("cache")


def connect() -> None:
    """Register with recruiting hooks (called once from AppConfig.ready)."""
    hooks.listen(on_recruiting_event)
    hooks.provide_panel("planning", PANEL)
    hooks.provide_room_check(room_check)
    hooks.provide_conflict_check(conflicts_check)
