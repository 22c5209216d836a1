"""Template filters that show the module's records as people read them (models import no code
of the module, so the display rules live here)."""

from __future__ import annotations

from typing import Any

from django import template

from ebms.recruiting.hooks import SyncState

from ..connection.function_check import item_text
from ..models import FunctionCheck
from ..sync.models import CalendarEvent
from ..sync.states import record_state

register = template.Library()


@register.filter
def shown_state(record: CalendarEvent) -> SyncState:
    """The state people read: a drift is a problem, never "synced"."""
    return record_state(record)


@register.filter
def shown_items(check: FunctionCheck) -> list[dict[str, Any]]:
    """A function check's items with label and hint in the active language."""
    return [{**item, **item_text(item)} for item in check.items]
