"""Error pages 400/403/404/500 and the CSRF failure page in the product's layout.

German by default, English when the user chose English (LocaleMiddleware has activated the
language already); never the exception's text. The 500 page renders without the request and
without the database (both may be what broke), and falls back to plain HTML.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MINIMAL = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>EBMS</title></head>'
    "<body><h1>{title}</h1><p>{text}</p></body></html>"
)


def _page(request: HttpRequest | None, status: int, title: str, text: str) -> HttpResponse:
    """The layout with the request's context, else without it, else plain HTML."""
    context = {"status": status, "title": title, "text": text}
    for with_request in ((request,) if request is not None else ()) + (None,):
        try:
            html = loader.render_to_string("errors/error.html", context, request=with_request)
            return HttpResponse(html, status=status)
        except Exception:  # the page of an error must not fail itself
            logger.exception("error page %s could not be rendered", status)
    return HttpResponse(MINIMAL.format(title=title, text=text), status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        400,
        _("Ungültige Anfrage"),
        _("Diese Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie die Adresse."),
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        403,
        _("Kein Zugriff"),
        _("Sie haben keine Berechtigung für diese Seite."),
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Seite nicht gefunden"),
        _("Diese Seite gibt es nicht (mehr). Vielleicht ist der Link veraltet."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: an old or foreign form, explained without internals."""
    return _page(
        request,
        403,
        _("Formular abgelaufen"),
        _(
            "Das Formular war zu alt oder kam nicht von dieser Seite. Bitte laden Sie die Seite "
            "neu und senden Sie es noch einmal."
        ),
    )


def server_error(request: HttpRequest | None = None) -> HttpResponse:
    """No request context and no database: only the layout and the active language."""
    text = _(
        "Das hat nicht geklappt. Wir wurden benachrichtigt; bitte versuchen Sie es in einigen "
        "Minuten noch einmal."
    )
    return _page(None, 500, _("Ein Fehler ist aufgetreten"), text)
