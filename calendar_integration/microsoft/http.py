"""The one outgoing HTTP session for Microsoft (identity platform and Graph).

Product code always names Microsoft's real hosts. In simulator mode the session maps
those hosts onto the simulator's mount points, so MSAL and the Graph client run the same
code paths against the simulator as against Microsoft.
"""

from __future__ import annotations

import requests
from django.conf import settings

DEFAULT_TIMEOUT = (5, 30)  # connect, read (seconds)


def host_map() -> dict[str, str]:
    """Microsoft base URL -> simulator base URL (empty outside simulator mode)."""
    if not settings.M365_SIMULATOR:
        return {}
    base = settings.M365_SIMULATOR_URL.rstrip("/")
    return {
        settings.M365_AUTHORITY_HOST.rstrip("/"): f"{base}/login",
        settings.M365_GRAPH_BASE.rstrip("/"): f"{base}/graph",
    }


class MicrosoftSession(requests.Session):
    """requests.Session with a default timeout and the simulator host mapping.

    Usable as MSAL's `http_client` (MSAL calls `.get`/`.post`, which end in `request`).
    """

    def __init__(self, timeout=DEFAULT_TIMEOUT, mapping: dict[str, str] | None = None):
        super().__init__()
        self.timeout = timeout
        self.mapping = host_map() if mapping is None else mapping

    def map_url(self, url: str) -> str:
        for real, simulated in self.mapping.items():
            if url == real or url.startswith(real + "/"):
                return simulated + url[len(real) :]
        return url

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, self.map_url(url), *args, **kwargs)
