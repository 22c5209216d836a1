"""Celery tasks of availability (thin): the daily room list refresh."""

from __future__ import annotations

import logging

from celery import shared_task

from .rooms import rooms_refresh_all

__all__ = ["rooms_refresh_daily"]

logger = logging.getLogger(__name__)


@shared_task(name="calendar_integration.availability.tasks.rooms_refresh_daily")
def rooms_refresh_daily() -> dict:
    """Daily: re-read each company's room list from Microsoft's Places API."""
    result = rooms_refresh_all()
    if result["failed"]:
        logger.warning("room list refresh failed for %d company(ies)", result["failed"])
    return result
