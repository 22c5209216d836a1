"""Microsoft Graph's callbacks (public, no login, no CSRF token: Graph cannot send one).

Both URLs answer the validation handshake (`?validationToken=` -> 200 text/plain echo) and
otherwise accept only bodies whose clientState matches a subscription (push.py); they answer
202 at once and leave the work to the delta pull. Bad bodies get 400, forged ones 403.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .push import Refused, lifecycle_receive, notifications_receive

logger = logging.getLogger(__name__)

MAX_TOKEN = 1024  # a validation token is an opaque string of modest length


def _handle(request: HttpRequest, receive: Callable[[bytes], None]) -> HttpResponse:
    token = request.GET.get("validationToken")
    if token is not None:
        # Plain text, never HTML (X-Content-Type-Options: nosniff is set by SecurityMiddleware).
        return HttpResponse(token[:MAX_TOKEN], content_type="text/plain; charset=utf-8")
    try:
        receive(request.body)
    except Refused as refused:
        # The reason only: a body may carry a forged clientState, never logged.
        logger.warning("graph notification refused (%s): %s", refused.status, refused)
        return HttpResponse(status=refused.status)
    return HttpResponse(status=202)


@csrf_exempt
@require_POST
def notifications(request: HttpRequest) -> HttpResponse:
    """notificationUrl: change notifications of the subscribed mailboxes."""
    return _handle(request, notifications_receive)


@csrf_exempt
@require_POST
def lifecycle(request: HttpRequest) -> HttpResponse:
    """lifecycleNotificationUrl: reauthorizationRequired, subscriptionRemoved, missed."""
    return _handle(request, lifecycle_receive)
