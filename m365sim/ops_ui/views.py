"""Ops pages of the simulator: mailbox week calendar, fault injection, request log."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m365sim import clock
from m365sim.graph import faults, later
from m365sim.models import Event, FaultRule, Mailbox, PendingChange

from . import selectors, weekgrid
from .forms import FaultRuleForm, RespondForm


def _monday(raw: str | None, today: date) -> date:
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


def calendar_week(request, pk: int):
    later.apply_due()  # what fell due on the simulator clock shows up like in Outlook
    mailbox = get_object_or_404(Mailbox.objects.select_related("tenant"), pk=pk)
    today = clock.now().astimezone(selectors.mailbox_zone(mailbox)).date()
    monday = _monday(request.GET.get("woche"), today)
    context_days = selectors.week_of(mailbox, monday=monday)
    context = {
        "mailbox": mailbox,
        "mailboxes": Mailbox.objects.filter(tenant=mailbox.tenant).order_by("kind", "display_name"),
        "days": weekgrid.grid_days(context_days),
        "hours": selectors.hours(),
        "grid_height": int(
            (selectors.DAY_END_HOUR - selectors.DAY_START_HOUR) * 60 * selectors.PX_PER_MINUTE
        ),
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "today": today,
        "now": clock.now(),
        "pending": PendingChange.objects.filter(
            event__ical_uid__in=[b.event.ical_uid for d in context_days for b in d.blocks]
        ).select_related("attendee", "event"),
        "respond_form": RespondForm(),
        "day_start_hour": selectors.DAY_START_HOUR,
        "px_per_minute": selectors.PX_PER_MINUTE,
    }
    return render(request, "m365sim/ops_ui/calendar_week.html", context)


@require_POST
def event_respond(request, pk: int):
    """An attendee answers from his calendar (Outlook's accept/tentative/decline/propose)."""
    copy = get_object_or_404(Event.objects.select_related("mailbox"), pk=pk, is_organizer=False)
    form = RespondForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        propose = data.get("propose_start")
        organizer_item = Event.objects.filter(ical_uid=copy.ical_uid, is_organizer=True).first()
        try:
            if organizer_item is None:
                raise ValueError(_("Der Organisator hat den Termin nicht mehr."))
            later.attendee_answer_schedule(
                event=organizer_item,
                attendee=copy.mailbox,
                response=data["response"],
                after=timedelta(minutes=data["minutes"]),
                proposed_start=propose,
                proposed_end=propose + timedelta(minutes=data["propose_minutes"] or 60)
                if propose
                else None,
            )
            messages.success(request, _("Antwort geplant."))
        except ValueError as exc:
            messages.error(request, str(exc))
    return redirect("m365sim:ops-calendar", pk=copy.mailbox_id)


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
