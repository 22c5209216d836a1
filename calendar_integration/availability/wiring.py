"""Registers the picker panel, the room check and the cache invalidation with recruiting's hooks."""

from __future__ import annotations

from django.db import transaction

from ebms.recruiting import hooks

from .cache import generation_bump
from .room_check import room_check

PANEL = "calendar_integration/availability/panel.html"


def on_recruiting_event(event: str, **payload) -> None:
    """EBMS booked, moved or cancelled an appointment, or offered/released proposal slots:
    the company's cached free/busy is stale."""
    subject = payload.get("appointment") or payload.get("proposal")
    if subject is None:
        return
    company_id = subject.company_id
    generation_bump(company_id)
    # Again after commit: a picker that read the cache meanwhile must not keep old data.
    transaction.on_commit(lambda: generation_bump(company_id))


def connect() -> None:
    """Register with recruiting hooks (called once from AppConfig.ready)."""
    hooks.listen(on_recruiting_event)
    hooks.provide_panel("planning", PANEL)
    hooks.provide_room_check(room_check)
