"""Demo mail page: every stored e-mail (DEBUG only; 404 in production)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import StoredMail


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


def mail_list(request):
    _require_debug()
    return render(request, "mail/list.html", {"mails": StoredMail.objects.all()[:200]})


def mail_detail(request, pk: int):
    _require_debug()
    mail = get_object_or_404(StoredMail, pk=pk)
    return render(request, "mail/detail.html", {"mail": mail})


def mail_html(request, pk: int):
    """The HTML part alone, shown in a sandboxed iframe on the detail page."""
    _require_debug()
    mail = get_object_or_404(StoredMail, pk=pk)
    response = render(request, "mail/raw_html.html", {"html": mail.html_body})
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
