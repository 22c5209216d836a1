"""Access and time zone for the recruiting pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from ebms.accounts.access import company_member_required, planner_required
from ebms.accounts.submissions import KEY_FIELD, Outcome, submission_once, submission_seen

from .. import delays


def _in_company_zone(view):
    # Pages render inside the view, so every time shown is in the company's zone.
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(request.user.company.zone):
            return view(request, *args, **kwargs)

    return wrapper


def company_page(view):
    """Any member of the company (observers read)."""
    return company_member_required(_in_company_zone(view))


def planner_page(view):
    """Recruiters and company admins only; observers get 403."""
    return planner_required(_in_company_zone(view))


def submitted_before(request, *, action: str, target: str) -> HttpResponse | None:
    """For a POST whose one-time key was used already: the redirect to the first result."""
    if request.method != "POST":
        return None
    outcome = submission_seen(
        company=request.user.company, key=request.POST.get(KEY_FIELD, ""), action=action
    )
    return None if outcome is None else _landing(request, outcome, target)


def submitted_once(request, form, *, action: str, run, target: str) -> tuple[object, object]:
    """Run a form's write once per submission key (ebms.accounts.submissions).

    Returns (result, None) for the first submit, or (None, redirect) for a repeated one
    (a parallel twin): it lands on what the first submit created (`target`: its page).
    """
    with notice_delays(request):
        outcome = submission_once(
            company=request.user.company,
            key=form.cleaned_data.get(KEY_FIELD, ""),
            action=action,
            run=run,
        )
    if not outcome.repeated:
        return outcome.result, None
    return None, _landing(request, outcome, target)


def _landing(request, outcome: Outcome, target: str) -> HttpResponse:
    if outcome.result is None:
        messages.warning(request, _("Dieses Formular wurde bereits abgesendet."))
        return redirect("dashboard")
    messages.info(request, _("Dieses Formular wurde bereits abgesendet; hier ist das Ergebnis."))
    return redirect(target, pk=outcome.result)


@contextmanager
def notice_delays(request) -> Iterator[None]:
    """Around a write: if waking the workers failed after the commit (Redis down), say so."""
    with delays.watching() as delayed:
        yield
    if delayed:
        messages.warning(
            request,
            _(
                "Gespeichert. Die Übertragung nach Outlook und die E-Mail an den Bewerber "
                "verzögern sich gerade, weil ein interner Dienst nicht erreichbar ist; "
                "sie werden automatisch nachgeholt."
            ),
        )
