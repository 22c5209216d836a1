"""The one outgoing HTTP session for Microsoft (identity platform and Graph).

Product code always names Microsoft's real hosts. In simulator mode the session maps
those hosts onto the simulator's mount points, so MSAL and the Graph client run the same
code paths against the simulator as against Microsoft.
"""

from __future__ import annotations

from typing import Any

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

    def __init__(
        self, timeout: tuple[float, float] = DEFAULT_TIMEOUT, mapping: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.mapping = host_map() if mapping is None else mapping

    def map_url(self, url: str) -> str:
        """`url` with a Microsoft host replaced by the simulator's mount point."""
        for real, simulated in self.mapping.items():
            if url == real or url.startswith(real + "/"):
                return simulated + url[len(real) :]
        return url

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        target = url.decode() if isinstance(url, bytes) else url
        return super().request(method, self.map_url(target), *args, **kwargs)
