"""Ops page: change-notification subscriptions per mailbox, their fault switches,
lifecycle events on demand, delta invalidation and the delivery log. (The mailbox owner's
own changes in the week view, which notify like any other, are event_edit.py.)"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m365sim import clock
from m365sim.graph import delivery
from m365sim.graph import delta as delta_api
from m365sim.models import Delivery, Mailbox, Subscription

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
