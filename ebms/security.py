"""Security headers Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy.

Product pages get a strict policy (scripts only from our own static files). The Microsoft 365
simulator under /m365/ (simulator mode only, never in production) gets its own, looser policy:
its identity pages auto-submit a form_post response with an inline handler, as Microsoft's do.
A view that sets its own Content-Security-Policy (the sandboxed e-mail preview) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SIMULATOR_PREFIX = "/m365/"

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def product_policy() -> str:
    """The CSP of every product page.

    form-action lists Microsoft's sign-in host: browsers apply form-action to the redirect
    that follows "Account verbinden" (POST -> 302 to the authorize URL).
    """
    sign_in = {_origin(settings.M365_AUTHORITY_HOST)}
    if settings.M365_SIMULATOR:
        sign_in.add(_origin(settings.M365_SIMULATOR_URL))
    form_action = " ".join(["'self'", *sorted(o for o in sign_in if o)])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Inline style attributes (e-mail preview, a few templates) are harmless without
            # inline scripts; scripts stay strict.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action {form_action}",
            "frame-ancestors 'none'",
        ]
    )


# The simulator's pages: inline handlers allowed, form targets open (form_post goes to the
# registered redirect URI of any app), still never framed.
SIMULATOR_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds CSP, Permissions-Policy and Cross-Origin-Opener-Policy unless a view set them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        simulator = settings.M365_SIMULATOR and request.path.startswith(SIMULATOR_PREFIX)
        policy = SIMULATOR_POLICY if simulator else product_policy()
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
