"""Reactions to changes that concern Microsoft tokens: a user who may no longer plan, and a
connection whose refresh token died (identity.token_lost)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

from ebms.accounts.models import User

from ..microsoft.identity import token_lost
from .lifecycle import connection_end_for_former_planner, reconnect_mail_once


def connect() -> None:
    """Register the receivers (called once from AppConfig.ready)."""
    post_save.connect(user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="ci-user-saved")
    token_lost.connect(reconnect_mail_once, dispatch_uid="ci-reconnect-mail")


def user_saved(sender: type[User], instance: User, created: bool, **kwargs: object) -> None:
    """A user deactivated or downgraded to observer: his Microsoft tokens are deleted."""
    if created or instance.can_plan:
        return
    transaction.on_commit(lambda: connection_end_for_former_planner(user=instance))
