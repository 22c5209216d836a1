"""Ops pages of the simulator: mailbox week calendar, fault injection, request log."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m365sim import clock
from m365sim.graph import faults
from m365sim.models import FaultRule, Mailbox

from . import selectors, weekgrid
from .forms import FaultRuleForm


def _monday(raw: str | None, today: date) -> date:
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


def calendar_week(request, pk: int):
    mailbox = get_object_or_404(Mailbox.objects.select_related("tenant"), pk=pk)
    today = clock.now().astimezone(selectors.mailbox_zone(mailbox)).date()
    monday = _monday(request.GET.get("woche"), today)
    context = {
        "mailbox": mailbox,
        "mailboxes": Mailbox.objects.filter(tenant=mailbox.tenant).order_by("kind", "display_name"),
        "days": weekgrid.grid_days(selectors.week_of(mailbox, monday=monday)),
        "hours": selectors.hours(),
        "grid_height": int(
            (selectors.DAY_END_HOUR - selectors.DAY_START_HOUR) * 60 * selectors.PX_PER_MINUTE
        ),
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "today": today,
        "day_start_hour": selectors.DAY_START_HOUR,
        "px_per_minute": selectors.PX_PER_MINUTE,
    }
    return render(request, "m365sim/ops_ui/calendar_week.html", context)


def fault_list(request):
    form = FaultRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Fehlerregel angelegt."))
        return redirect("m365sim:ops-faults")
    rules = [(rule, faults.uses_left(rule)) for rule in faults.rules()]
    return render(request, "m365sim/ops_ui/faults.html", {"form": form, "rules": rules})


@require_POST
def fault_toggle(request, pk: int):
    rule = get_object_or_404(FaultRule, pk=pk)
    rule.active = not rule.active
    rule.save(update_fields=["active"])
    return redirect("m365sim:ops-faults")


@require_POST
def fault_delete(request, pk: int):
    get_object_or_404(FaultRule, pk=pk).delete()
    return redirect("m365sim:ops-faults")


@require_POST
def fault_clear(request):
    faults.clear()
    messages.success(request, _("Alle Fehlerregeln gelöscht."))
    return redirect("m365sim:ops-faults")


def request_log(request):
    mailbox = request.GET.get("postfach", "").strip()
    context = {
        "entries": selectors.log_entries(mailbox=mailbox),
        "mailbox": mailbox,
        "mailboxes": Mailbox.objects.order_by("email").values_list("email", flat=True),
    }
    return render(request, "m365sim/ops_ui/request_log.html", context)
