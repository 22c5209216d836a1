"""The simulator in production: never served, except in an opted-in public demo."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

SIMULATOR = "/m365/"
# What the product and the browser's sign-in need from "Microsoft" (public in a demo).
MICROSOFT_ENDPOINTS = ("/m365/login/", "/m365/graph/")


class SimulatorGuard:
    """settings.M365_SIMULATOR_PAGES: "open" (demo), "staff" (public demo: the simulator's own
    pages need a staff login), "off" (production: /m365/ is 404)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mode = settings.M365_SIMULATOR_PAGES
        if mode != "open" and request.path.startswith(SIMULATOR):
            if mode != "staff":
                raise Http404
            if not request.path.startswith(MICROSOFT_ENDPOINTS) and not request.user.is_staff:
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
