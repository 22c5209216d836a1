"""The one Microsoft Graph client: a recruiter's delegated calls through MicrosoftSession.

Bearer tokens come from identity.token_for; a 401 triggers one forced refresh and one retry.
Every failure leaves this module as an exception from graph/errors.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from .. import identity
from ..http import MicrosoftSession
from ..models import MicrosoftConnection
from . import errors

__all__ = ["GraphClient"]

# Ids that survive moving an event between folders (Graph: Prefer IdType="ImmutableId").
IMMUTABLE_IDS = 'IdType="ImmutableId"'
ROOM_PAGE = 100  # place-list: "Use $top to customize the page size. The default page size is 100."


class GraphClient:
    """Graph v1.0 on behalf of `connection`'s user."""

    def __init__(
        self,
        connection: MicrosoftConnection,
        *,
        session: MicrosoftSession | None = None,
        on_call: Callable[..., None] | None = None,
        limiter: Callable[[], Any] | None = None,
    ):
        """`on_call(method=, path=, response=, error=, duration_ms=)` sees every HTTP
        attempt (sync history); `limiter()` returns a context manager held around each
        attempt (the per-mailbox concurrency cap)."""
        self.connection = connection
        self.session = session or MicrosoftSession()
        self.base = settings.M365_GRAPH_BASE.rstrip("/") + "/v1.0"
        self.on_call = on_call
        self.limiter = limiter
        # The access token of this client's life (a sync run, a page): read once, not per
        # request; a 401 fetches a fresh one.
        self._token: str | None = None

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
            if attempt == 2 or self._token is None:
                self._token = identity.token_for(self.connection, force_refresh=attempt == 2)
            token = self._token
            started = time.monotonic()
            try:
                with self.limiter() if self.limiter else nullcontext():
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
                error = errors.from_exception(exc)
                self._report(method, path, None, error, started)
                raise error
            self._report(method, path, response, None, started)
            if response.status_code == 401 and attempt == 1:
                continue
            if response.status_code >= 400:
                raise errors.from_response(response)
            return response
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close pooled connections (a client per sync run; nothing lingers)."""
        self.session.close()

    def _report(self, method, path, response, error, started) -> None:
        if self.on_call is not None:
            self.on_call(
                method=method,
                path=path.split("?")[0],
                response=response,
                error=error,
                duration_ms=int((time.monotonic() - started) * 1000),
            )

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
        self.request("DELETE", f"/me/events/{_id(event_id)}")

    def get_event(self, *, event_id: str, select: str = "") -> dict:
        """GET /me/events/{id} — https://learn.microsoft.com/graph/api/event-get"""
        params = {"$select": select} if select else None
        return self._json("GET", f"/me/events/{_id(event_id)}", params=params)

    def update_event(self, *, event_id: str, changes: dict) -> dict:
        """PATCH /me/events/{id} (only the given properties) — https://learn.microsoft.com/graph/api/event-update"""
        return self._json("PATCH", f"/me/events/{_id(event_id)}", json=changes)

    def cancel_event(self, *, event_id: str, comment: str = "") -> None:
        """POST /me/events/{id}/cancel (organizer; 202) — https://learn.microsoft.com/graph/api/event-cancel"""
        self.request("POST", f"/me/events/{_id(event_id)}/cancel", json={"comment": comment})

    def find_events_by_property(self, *, property_id: str, value: str) -> list[dict]:
        """GET /me/events?$filter=singleValueExtendedProperties/Any(...) —
        https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get"""
        quoted = value.replace("'", "''")
        params = {
            "$filter": (
                f"singleValueExtendedProperties/Any(ep: ep/id eq '{property_id}' "
                f"and ep/value eq '{quoted}')"
            ),
            "$select": (
                "id,iCalUId,subject,start,end,isCancelled,attendees,isOnlineMeeting,"
                "onlineMeeting,body"
            ),
        }
        return list(self._pages("/me/events", params=params))

    def batch(self, *, requests_: list[dict]) -> dict[str, dict]:
        """POST /$batch (max 20 items) — https://learn.microsoft.com/graph/json-batching

        Returns the sub-responses by id ({"status", "headers", "body"}); map failed ones
        with errors.from_batch_item.
        """
        if len(requests_) > 20:
            raise ValueError("a JSON batch holds at most 20 requests")
        data = self._json("POST", "/$batch", json={"requests": requests_})
        return {str(item["id"]): item for item in data.get("responses", [])}

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
        """GET /places/microsoft.graph.room?$top=100 (all pages) — https://learn.microsoft.com/graph/api/place-list

        With `$top`, because without it the room list has been answered with 100 rooms and
        no @odata.nextLink (Microsoft Q&A 1021419); nextLink is followed all the same.
        """
        return list(self._pages("/places/microsoft.graph.room", params={"$top": ROOM_PAGE}))


def _id(event_id: str) -> str:
    # Graph ids are URL-safe base64 but may contain "/" in other id formats.
    return quote(event_id, safe="=-_")
