"""Ops page: change-notification subscriptions per mailbox, their fault switches,
lifecycle events on demand, delta invalidation and the delivery log; and the mailbox
owner's own changes in the Outlook week view (move, delete), which notify like any other."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m365sim import clock
from m365sim.graph import delivery, events
from m365sim.graph import delta as delta_api
from m365sim.models import Delivery, Event, Mailbox, Subscription

LOG_ROWS = 100


def subscription_list(request):
    now = clock.now()
    subs = Subscription.objects.select_related("mailbox").order_by("mailbox__email", "created_at")
    context = {
        "subscriptions": [(s, s.expires_at > now) for s in subs],
        "deliveries": Delivery.objects.select_related("mailbox")[:LOG_ROWS],
        "queued": delivery.pending(now),
        "mailboxes": Mailbox.objects.order_by("email"),
        "lifecycle_events": delivery.LIFECYCLE_EVENTS,
    }
    return render(request, "m365sim/ops_ui/subscriptions.html", context)


@require_POST
def subscription_faults(request, pk: str):
    sub = get_object_or_404(Subscription, pk=pk)
    try:
        sub.delay_seconds = max(int(request.POST.get("delay_seconds") or 0), 0)
    except ValueError:
        sub.delay_seconds = 0
    sub.duplicate = bool(request.POST.get("duplicate"))
    sub.reorder = bool(request.POST.get("reorder"))
    sub.drop = bool(request.POST.get("drop"))
    sub.save(update_fields=["delay_seconds", "duplicate", "reorder", "drop"])
    messages.success(request, _("Zustellfehler gespeichert."))
    return redirect("m365sim:ops-subscriptions")


@require_POST
def subscription_lifecycle(request, pk: str):
    sub = get_object_or_404(Subscription.objects.select_related("mailbox"), pk=pk)
    try:
        delivery.lifecycle(sub, request.POST.get("event", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("m365sim:ops-subscriptions")


@require_POST
def deliver_now(request):
    sent = delivery.drain()
    messages.success(request, _("%(n)d Benachrichtigungen zugestellt.") % {"n": sent})
    return redirect("m365sim:ops-subscriptions")


@require_POST
def delta_invalidate(request, pk: int):
    mailbox = get_object_or_404(Mailbox, pk=pk)
    count = delta_api.invalidate(mailbox)
    messages.success(
        request, _("%(n)d Delta-Token von %(m)s verworfen.") % {"n": count, "m": mailbox.email}
    )
    return redirect("m365sim:ops-subscriptions")


@require_POST
def owner_move(request, pk: int):
    """The organizer moves his event in Outlook by `minutes` (attendees and rooms follow)."""
    event = get_object_or_404(Event.objects.select_related("mailbox"), pk=pk, is_organizer=True)
    try:
        minutes = int(request.POST.get("minutes") or 0)
    except ValueError:
        minutes = 0
    fmt = "%Y-%m-%dT%H:%M:%S"
    shift = timedelta(minutes=minutes)
    events.event_update(
        event=event,
        data={
            "start": {"dateTime": (event.start + shift).strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": (event.end + shift).strftime(fmt), "timeZone": "UTC"},
        },
    )
    messages.success(request, _("Termin verschoben."))
    return redirect("m365sim:ops-calendar", pk=event.mailbox_id)


@require_POST
def owner_delete(request, pk: int):
    """The organizer deletes his event in Outlook (a meeting is cancelled for attendees)."""
    event = get_object_or_404(Event.objects.select_related("mailbox"), pk=pk, is_organizer=True)
    mailbox_id = event.mailbox_id
    events.event_delete(event=event)
    messages.success(request, _("Termin gelöscht."))
    return redirect("m365sim:ops-calendar", pk=mailbox_id)
