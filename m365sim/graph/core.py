"""Request/response values shared by the HTTP view, the front door and $batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

GRAPH_ROOT = "https://graph.microsoft.com/v1.0"


class Headers(dict):
    """Case-insensitive header dict (keys stored lower-cased)."""

    def __init__(self, items=None):
        super().__init__()
        for key, value in dict(items or {}).items():
            self[key] = value

    def __setitem__(self, key, value):
        super().__setitem__(str(key).lower(), str(value))

    def get(self, key, default=None):
        return super().get(str(key).lower(), default)


@dataclass
class GraphRequest:
    method: str
    path: str  # after /v1.0/, without the query string, e.g. "me/events"
    query: dict[str, str]
    headers: Headers
    body: bytes = b""
    in_batch: bool = False
    batch_request_id: str = ""
    request_id: str = ""  # set by the front door

    @classmethod
    def from_relative_url(
        cls, *, method: str, url: str, headers: Headers, body: bytes = b"", **kw
    ) -> GraphRequest:
        parts = urlsplit(url)
        path = parts.path.lstrip("/")
        if path.lower().startswith("v1.0/"):
            path = path[5:]
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return cls(method=method.upper(), path=path, query=query, headers=headers, body=body, **kw)

    @property
    def display_path(self) -> str:
        from urllib.parse import urlencode

        qs = urlencode(self.query, safe="$,'()/ :=")
        return f"/v1.0/{self.path}" + (f"?{qs}" if qs else "")


@dataclass
class GraphResponse:
    status: int
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error_code: str = ""


@dataclass(frozen=True)
class Caller:
    """Who calls: the signed-in user (delegated token) and the token's scopes."""

    tenant_id: str
    mailbox_id: int
    upn: str
    scopes: frozenset[str]
    app_id: str = ""  # the token's appid (subscriptions belong to the app that made them)

    def has_any(self, scopes: tuple[str, ...]) -> bool:
        have = {s.lower() for s in self.scopes}
        return any(s.lower() in have for s in scopes)
