"""The one Microsoft Graph client: a recruiter's delegated calls through MicrosoftSession.

Bearer tokens come from identity.token_for; a 401 triggers one forced refresh and one retry.
Every failure leaves this module as an exception from graph/errors.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
from django.conf import settings

from .. import identity
from ..http import MicrosoftSession
from ..models import MicrosoftConnection
from . import errors

__all__ = ["GraphClient"]

# Ids that survive moving an event between folders (Graph: Prefer IdType="ImmutableId").
IMMUTABLE_IDS = 'IdType="ImmutableId"'


class GraphClient:
    """Graph v1.0 on behalf of `connection`'s user."""

    def __init__(self, connection: MicrosoftConnection, *, session: MicrosoftSession | None = None):
        self.connection = connection
        self.session = session or MicrosoftSession()
        self.base = settings.M365_GRAPH_BASE.rstrip("/") + "/v1.0"

    # --- plumbing -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict | None = None,
        headers: dict | None = None,
    ) -> requests.Response:
        """Send one request; returns the 2xx response or raises a graph.errors exception."""
        url = path if path.startswith("http") else self.base + path
        prefer = [IMMUTABLE_IDS]
        extra = dict(headers or {})
        if "Prefer" in extra:
            prefer.append(extra.pop("Prefer"))
        for attempt in (1, 2):
            token = identity.token_for(self.connection, force_refresh=attempt == 2)
            try:
                response = self.session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Prefer": ", ".join(prefer),
                        **extra,
                    },
                )
            except requests.RequestException as exc:
                raise errors.from_exception(exc)
            if response.status_code == 401 and attempt == 1:
                continue
            if response.status_code >= 400:
                raise errors.from_response(response)
            return response
        raise AssertionError("unreachable")

    def _json(self, method: str, path: str, **kwargs) -> dict:
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else {}

    def _pages(self, path: str, *, params: dict | None = None) -> Iterator[dict]:
        """Items of a collection, following @odata.nextLink."""
        data = self._json("GET", path, params=params)
        while True:
            yield from data.get("value", [])
            next_link = data.get("@odata.nextLink")
            if not next_link:
                return
            data = self._json("GET", next_link)

    # --- endpoints ----------------------------------------------------------------------

    def me(self) -> dict:
        """GET /me — https://learn.microsoft.com/graph/api/user-get"""
        return self._json("GET", "/me")

    def calendar(self) -> dict:
        """GET /me/calendar (allowedOnlineMeetingProviders) — https://learn.microsoft.com/graph/api/calendar-get"""
        return self._json("GET", "/me/calendar")

    def create_event(self, *, event: dict) -> dict:
        """POST /me/events — https://learn.microsoft.com/graph/api/user-post-events"""
        return self._json("POST", "/me/events", json=event)

    def delete_event(self, *, event_id: str) -> None:
        """DELETE /me/events/{id} — https://learn.microsoft.com/graph/api/event-delete"""
        self.request("DELETE", f"/me/events/{event_id}")

    def get_schedule(
        self, *, schedules: list[str], start: dict, end: dict, interval: int = 30
    ) -> list[dict]:
        """POST /me/calendar/getSchedule — https://learn.microsoft.com/graph/api/calendar-getschedule

        `start`/`end` are dateTimeTimeZone dicts; per-address errors stay inside the items.
        """
        body = {
            "schedules": schedules,
            "startTime": start,
            "endTime": end,
            "availabilityViewInterval": interval,
        }
        return self._json("POST", "/me/calendar/getSchedule", json=body).get("value", [])

    def list_rooms(self) -> list[dict]:
        """GET /places/microsoft.graph.room (all pages) — https://learn.microsoft.com/graph/api/place-list"""
        return list(self._pages("/places/microsoft.graph.room"))
