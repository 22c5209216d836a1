"""Every change of an event item becomes an EventChange row (the mailbox's change
sequence, deletes as tombstones) and, for active subscriptions of that mailbox, queued
notifications. Whoever changed it (a Graph call, the owner in Outlook, a room's booking
assistant, an attendee's answer) goes through Event.save()/delete() or `touched()`.

Nothing is sent here: m365sim.graph.delivery drains the queue outside the request
(resources/changenotification; concepts/change-notifications-delivery-webhooks.md).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from m365sim import clock
from m365sim.models import Event, EventChange

__all__ = ["record", "touched"]


def record(event: Event, kind: str) -> EventChange:
    """Number one change of `event` and queue its notifications."""
    change = EventChange.objects.create(
        mailbox_id=event.mailbox_id,
        event_pk=event.pk,
        graph_id=event.graph_id,
        immutable_id=event.immutable_id,
        kind=kind,
        start=event.start,
        end=event.end,
        at=clock.now(),
    )
    from . import delivery

    delivery.enqueue_change(change, change_key=event.change_key)
    return change


def touched(event_id: int) -> None:
    """An `Event.objects.filter(...).update(...)` changed this item (no signal fires)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is not None:
        record(event, EventChange.Kind.UPDATED)


@receiver(post_save, sender=Event, dispatch_uid="m365sim-event-saved")
def _saved(sender, instance: Event, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    record(instance, EventChange.Kind.CREATED if created else EventChange.Kind.UPDATED)


@receiver(post_delete, sender=Event, dispatch_uid="m365sim-event-deleted")
def _deleted(sender, instance: Event, origin=None, **kwargs) -> None:
    from django.db.models import QuerySet

    # A mailbox or tenant being removed takes its events along: nobody to notify.
    if isinstance(origin, Event) or (isinstance(origin, QuerySet) and origin.model is Event):
        record(instance, EventChange.Kind.DELETED)
