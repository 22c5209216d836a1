"""Demo mail page: the stored e-mails (DEBUG or a public demo only; 404 in production).

Login required: a company admin sees his company's mails, a community manager all of them.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import StoredMail

COMMUNITY_MANAGER_PERMISSION = "accounts.manage_feature_bookings"


def _demo_only(view):
    """404 outside the demo, before anything else (even the login)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (settings.DEBUG or settings.EBMS_PUBLIC_DEMO):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def visible_mails(user) -> QuerySet[StoredMail]:
    """All mails for a community manager, the company's for a company admin, else refused."""
    if user.has_perm(COMMUNITY_MANAGER_PERMISSION):
        return StoredMail.objects.all()
    if user.company_id and user.is_company_admin:
        return StoredMail.objects.filter(company_id=user.company_id)
    raise PermissionDenied


@_demo_only
@login_required
def mail_list(request):
    mails = visible_mails(request.user)[:200]
    return render(request, "mail/list.html", {"mails": mails})


@_demo_only
@login_required
def mail_detail(request, pk: int):
    mail = get_object_or_404(visible_mails(request.user), pk=pk)
    return render(request, "mail/detail.html", {"mail": mail})


@_demo_only
@login_required
def mail_html(request, pk: int):
    """The HTML part alone, shown in a sandboxed iframe on the detail page."""
    mail = get_object_or_404(visible_mails(request.user), pk=pk)
    response = render(request, "mail/raw_html.html", {"html": mail.html_body})
    # No scripts, no requests; same origin only so that the page can size the frame to
    # the whole mail (static/js/mail.js reads its height).
    response["Content-Security-Policy"] = (
        "sandbox allow-same-origin; default-src 'none'; style-src 'unsafe-inline'"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@_demo_only
@login_required
def mail_ics(request, pk: int):
    """The mail's calendar attachment (the invitation's .ics) as a download."""
    mail = get_object_or_404(visible_mails(request.user), pk=pk)
    ics = next((a for a in mail.attachments if a.get("mimetype") == "text/calendar"), None)
    if ics is None:
        raise Http404
    response = HttpResponse(ics["content"], content_type="text/calendar; charset=utf-8")
    filename = (ics.get("filename") or "einladung.ics").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
