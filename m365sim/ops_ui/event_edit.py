"""The mailbox owner moves, changes or deletes an event in the week view, as in Outlook.

Every change goes through the same service as a Graph PATCH or DELETE by the owner
(`m365sim.graph.events`): new changeKey, attendee copies and rooms follow, so EBMS's
drift check sees it exactly as it would see a change made in Outlook.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from m365sim.graph import events
from m365sim.graph.errors import GraphError
from m365sim.models import Event

from .selectors import mailbox_zone
from .weekgrid import SHOW_AS


class EventForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Betreff"), max_length=255, required=False)
    date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=gettext_lazy("Beginn"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=gettext_lazy("Ende"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    location = forms.CharField(label=gettext_lazy("Ort"), max_length=255, required=False)
    show_as = forms.ChoiceField(
        label=gettext_lazy("Anzeigen als"), choices=[(k, v) for k, v in SHOW_AS.items()]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Das Ende muss nach dem Beginn liegen."))
        return cleaned


def _initial(event: Event) -> dict:
    zone = mailbox_zone(event.mailbox)
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    return {
        "subject": event.subject,
        "date": start.date(),
        "start": start.time().replace(second=0, microsecond=0),
        "end": end.time().replace(second=0, microsecond=0),
        "location": (event.location or {}).get("displayName", ""),
        "show_as": event.show_as,
    }


def _when(value: datetime, zone) -> dict:
    return {"dateTime": value.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": zone.key}


def event_patch_by_owner(*, event: Event, changes: dict) -> Event:
    """Apply changed form values as the owner's PATCH body (only what changed)."""
    zone = mailbox_zone(event.mailbox)
    initial = _initial(event)
    merged = {**initial, **changes}
    data: dict = {}
    if merged["subject"] != initial["subject"]:
        data["subject"] = merged["subject"]
    if any(merged[k] != initial[k] for k in ("date", "start", "end")):
        start = datetime.combine(merged["date"], merged["start"], tzinfo=zone)
        end = datetime.combine(merged["date"], merged["end"], tzinfo=zone)
        data["start"], data["end"] = _when(start, zone), _when(end, zone)
    if merged["location"] != initial["location"]:
        data["location"] = {"displayName": merged["location"]}
    if merged["show_as"] != initial["show_as"]:
        data["showAs"] = merged["show_as"]
    return events.event_update(event=event, data=data) if data else event


def _week_url(event: Event) -> str:
    monday = event.start.astimezone(mailbox_zone(event.mailbox)).date()
    monday -= timedelta(days=monday.weekday())
    url = reverse("m365sim:ops-calendar", kwargs={"pk": event.mailbox_id})
    return f"{url}?woche={monday.isoformat()}"


def _editable(pk: int) -> Event:
    # Only the organizer's own item: an attendee's copy follows the organizer.
    return get_object_or_404(
        Event.objects.select_related("mailbox"), pk=pk, is_organizer=True, is_cancelled=False
    )


def event_edit(request, pk: int):
    event = _editable(pk)
    form = EventForm(request.POST or None, initial=_initial(event))
    if request.method == "POST" and form.is_valid():
        try:
            event_patch_by_owner(event=event, changes=form.cleaned_data)
        except GraphError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Termin geändert (wie in Outlook)."))
            return redirect(_week_url(event))
    context = {"event": event, "form": form, "back": _week_url(event)}
    return render(request, "m365sim/ops_ui/event_edit.html", context)


class MoveForm(forms.Form):
    date = forms.DateField()
    start = forms.TimeField()


@require_POST
def event_move(request, pk: int):
    """Drag and drop in the grid: a new date and start, the duration kept."""
    event = _editable(pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Der Termin konnte nicht verschoben werden."))
    else:
        zone = mailbox_zone(event.mailbox)
        start = datetime.combine(form.cleaned_data["date"], form.cleaned_data["start"], zone)
        end = start + (event.end - event.start)
        if end.date() == start.date():
            event_patch_by_owner(
                event=event,
                changes={"date": start.date(), "start": start.time(), "end": end.time()},
            )
            messages.success(request, _("Termin verschoben (wie in Outlook)."))
        else:
            messages.error(request, _("Ein Termin kann nicht über Mitternacht verschoben werden."))
    return redirect(_week_url(event))


@require_POST
def event_remove(request, pk: int):
    event = _editable(pk)
    back = _week_url(event)
    events.event_delete(event=event)
    messages.success(request, _("Termin gelöscht (wie in Outlook)."))
    return redirect(back)
