"""Health check for load balancers and docker-compose: database reachable -> 200.

Served by the first middleware, before host validation and the HTTPS redirect: the
container's own probe calls http://127.0.0.1:8000/healthz, which ALLOWED_HOSTS refuses.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse


def healthz(request) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


class HealthCheckMiddleware:
    """Answers /healthz itself; every other request passes on unchanged."""

    path = "/healthz"

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.path:
            return healthz(request)
        return self.get_response(request)
