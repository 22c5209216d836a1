"""Reactions to changes outside the module that concern Microsoft tokens."""

from __future__ import annotations

from django.db import transaction

from .lifecycle import connection_end_for_former_planner


def user_saved(sender, instance, created: bool, **kwargs) -> None:
    """A user deactivated or downgraded to observer: his Microsoft tokens are deleted."""
    if created or instance.can_plan:
        return
    transaction.on_commit(lambda: connection_end_for_former_planner(user=instance))
