"""The one Microsoft Graph client: a recruiter's delegated calls through MicrosoftSession.

Every call goes through `GraphClient.request`, which
- waits for a slot of the mailbox's concurrency cap and refuses to call while Microsoft's
  Retry-After for the mailbox runs (mailbox.py), and stores a new Retry-After there;
- records the call (SyncLog rows for the records the call is made for, a log line otherwise);
- gets the bearer token from identity.token_for (a 401 triggers one forced refresh and retry);
- turns every failure into an exception from errors.py.
Nothing else builds Graph URLs or $batch envelopes.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils import timezone

from ..models import MicrosoftConnection, SyncLog
from . import errors, identity
from .http import MicrosoftSession
from .mailbox import MAX_IN_FLIGHT, mailbox_pause, mailbox_pause_active, mailbox_slots

__all__ = [
    "BATCH_MAX",
    "IMMUTABLE_IDS",
    "BatchAnswer",
    "BatchRequest",
    "Delta",
    "GraphClient",
    "Recorder",
]

logger = logging.getLogger(__name__)

# Ids that survive moving an event between folders (Graph: Prefer IdType="ImmutableId").
IMMUTABLE_IDS = 'IdType="ImmutableId"'
BATCH_MAX = 20  # https://learn.microsoft.com/graph/json-batching
# Codes of a 503/504 with Retry-After (concepts/errors.md): an outage, not throttling.
OUTAGE_CODES = frozenset({"servicenotavailable", "serviceunavailable", "gatewaytimeout"})
ROOM_PAGE = 100  # place-list: "Use $top to customize the page size. The default page size is 100."
DELTA_PAGE = 50  # event-delta: Prefer odata.maxpagesize={x}


class Recorder:
    """Who a call is made for: one SyncLog row per HTTP attempt for `event_ids`."""

    def __init__(self, *event_ids: int, operation: str = "") -> None:
        self.event_ids: list[int] = list(event_ids)
        self.operation = operation

    def __call__(
        self,
        *,
        method: str,
        path: str,
        response: requests.Response | None,
        error: errors.GraphError | None,
        duration_ms: int,
    ) -> None:
        status = (
            response.status_code if response is not None else (error.status or 0 if error else 0)
        )
        if not self.event_ids:
            logger.debug("graph %s %s -> %s (%d ms)", method, _short(path), status, duration_ms)
            return
        request_id = response.headers.get("request-id", "") if response is not None else ""
        code = error.code if error is not None else ""
        SyncLog.objects.bulk_create(
            SyncLog(
                event_id=event_id,
                operation=self.operation or method.lower(),
                method=method,
                path=_short(path),
                status=status,
                duration_ms=duration_ms,
                request_id=request_id[:64],
                error_code=code[:100],
            )
            for event_id in self.event_ids
        )


def _short(path: str) -> str:
    marker = "/v1.0"
    if marker in path:
        path = path.split(marker, 1)[1]
    return path.split("?")[0][:300]


class BatchRequest(dict):
    """One item of a JSON batch: build with `GraphClient.batch_create` / `batch_delete`."""


class GraphClient:
    """Graph v1.0 on behalf of `connection`'s user, under the mailbox's limits."""

    def __init__(
        self,
        connection: MicrosoftConnection,
        *,
        session: MicrosoftSession | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        """`recorder` says which records the calls are made for (sync history)."""
        self.connection = connection
        self.session = session or MicrosoftSession()
        self.base = settings.M365_GRAPH_BASE.rstrip("/") + "/v1.0"
        self.recorder = recorder or Recorder()
        # The access token of this client's life (a sync run, a page): read once, not per
        # request; a 401 fetches a fresh one.
        self._token: str | None = None

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        slots: int = 1,
    ) -> requests.Response:
        """Send one request; returns the 2xx response or raises an errors.GraphError.

        Holds `slots` of the mailbox's 4 slots; raises Throttled without calling while the
        mailbox's Retry-After runs.
        """
        pause = mailbox_pause_active(self.connection.pk)
        if pause is not None:
            wait = (pause.until - timezone.now()).total_seconds()
            # The pause keeps the status that asked for it: 429 throttling, 503/504 an outage.
            outage = pause.code.lower() in OUTAGE_CODES
            raise errors.Paused(
                "mailbox paused (Retry-After)",
                retry_after=max(wait, 0.0),
                code="MailboxPaused",
                status=503 if outage else 429,
            )
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
                with mailbox_slots(self.connection.pk, slots):
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
                self._record(method, path, None, error, started)
                raise error
            # Mapped once: the recorded code and the raised exception are the same.
            failed = errors.from_response(response) if response.status_code >= 400 else None
            self._record(method, path, response, failed, started)
            if response.status_code == 401 and attempt == 1:
                continue
            if failed is not None:
                raise self._throttle(failed)
            return response
        raise AssertionError("unreachable")

    def _throttle(self, error: errors.GraphError) -> errors.GraphError:
        """Microsoft's Retry-After holds back every later call to this mailbox."""
        if isinstance(error, errors.Throttled):
            mailbox_pause(self.connection.pk, seconds=error.retry_after, code=error.code)
        return error

    def close(self) -> None:
        """Close pooled connections (a client per sync run or page; nothing lingers)."""
        self.session.close()

    def _record(
        self,
        method: str,
        path: str,
        response: requests.Response | None,
        error: errors.GraphError | None,
        started: float,
    ) -> None:
        self.recorder(
            method=method,
            path=path,
            response=response,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else {}

    def _pages(self, path: str, *, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Items of a collection, following @odata.nextLink."""
        items: list[dict[str, Any]] = []
        data = self._json("GET", path, params=params)
        while True:
            items.extend(data.get("value", []))
            next_link = data.get("@odata.nextLink")
            if not next_link:
                return items
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

    @staticmethod
    def batch_create(item_id: str, *, event: dict[str, Any]) -> BatchRequest:
        """A $batch item creating an event (POST /me/events)."""
        return BatchRequest(
            id=item_id,
            method="POST",
            url="/me/events",
            headers={"Content-Type": "application/json", "Prefer": IMMUTABLE_IDS},
            body=event,
        )

    @staticmethod
    def batch_patch(item_id: str, *, event_id: str, changes: dict[str, Any]) -> BatchRequest:
        """A $batch item updating an event (PATCH /me/events/{id})."""
        return BatchRequest(
            id=item_id,
            method="PATCH",
            url=f"/me/events/{event_id}",
            headers={"Content-Type": "application/json", "Prefer": IMMUTABLE_IDS},
            body=changes,
        )

    @staticmethod
    def batch_delete(item_id: str, *, event_id: str) -> BatchRequest:
        """A $batch item deleting an event (DELETE /me/events/{id})."""
        return BatchRequest(
            id=item_id,
            method="DELETE",
            url=f"/me/events/{event_id}",
            headers={"Prefer": IMMUTABLE_IDS},
        )

    def batch(self, items: list[BatchRequest]) -> dict[str, BatchAnswer]:
        """POST /$batch (max 20 items) — https://learn.microsoft.com/graph/json-batching

        Holds min(items, 4) slots (Graph runs up to 4 items in parallel). Returns the
        sub-responses by id ({"status", "headers", "body"}, `error` mapped by
        errors.from_batch_item); a throttled item pauses the mailbox like a direct 429.
        """
        if len(items) > BATCH_MAX:
            raise ValueError("a JSON batch holds at most 20 requests")
        data = self._json(
            "POST", "/$batch", json={"requests": items}, slots=min(len(items), MAX_IN_FLIGHT)
        )
        answers: dict[str, BatchAnswer] = {}
        for raw in data.get("responses", []):
            error = errors.from_batch_item(raw)
            if error is not None:
                self._throttle(error)
            answers[str(raw["id"])] = BatchAnswer(raw, error)
        return answers

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

    def create_subscription(
        self,
        *,
        resource: str,
        change_type: str,
        notification_url: str,
        lifecycle_url: str,
        expires: str,
        client_state: str,
    ) -> dict:
        """POST /subscriptions (201; Graph validates both URLs first, else 400) —
        https://learn.microsoft.com/graph/api/subscription-post-subscriptions"""
        body = {
            "changeType": change_type,
            "notificationUrl": notification_url,
            "lifecycleNotificationUrl": lifecycle_url,
            "resource": resource,
            "expirationDateTime": expires,
            "clientState": client_state,
        }
        return self._json("POST", "/subscriptions", json=body)

    def renew_subscription(self, *, subscription_id: str, expires: str) -> dict:
        """PATCH /subscriptions/{id} {expirationDateTime} (renews and reauthorizes) —
        https://learn.microsoft.com/graph/api/subscription-update"""
        return self._json(
            "PATCH",
            f"/subscriptions/{_id(subscription_id)}",
            json={"expirationDateTime": expires},
        )

    def reauthorize_subscription(self, *, subscription_id: str) -> None:
        """POST /subscriptions/{id}/reauthorize (after reauthorizationRequired) —
        https://learn.microsoft.com/graph/api/subscription-reauthorize"""
        self.request("POST", f"/subscriptions/{_id(subscription_id)}/reauthorize")

    def delete_subscription(self, *, subscription_id: str) -> None:
        """DELETE /subscriptions/{id} (204) — https://learn.microsoft.com/graph/api/subscription-delete"""
        self.request("DELETE", f"/subscriptions/{_id(subscription_id)}")

    def calendar_view_delta(
        self,
        *,
        delta_link: str = "",
        start: str = "",
        end: str = "",
        page_size: int = DELTA_PAGE,
    ) -> Delta:
        """GET /me/calendarView/delta — https://learn.microsoft.com/graph/api/event-delta

        A new round with `start`/`end` (ISO 8601), or the stored `delta_link` (the window is
        encoded in its token: nothing is resent). Follows @odata.nextLink until the
        @odata.deltaLink; a lost sync state raises errors.SyncStateGone (410).
        """
        headers = {"Prefer": f"odata.maxpagesize={page_size}"}
        if delta_link:
            data = self._json("GET", delta_link, headers=headers)
        else:
            params = {"startDateTime": start, "endDateTime": end}
            data = self._json("GET", "/me/calendarView/delta", params=params, headers=headers)
        items: list[dict[str, Any]] = []
        calls = 1
        while True:
            items.extend(data.get("value", []))
            next_link = data.get("@odata.nextLink")
            if not next_link:
                return Delta(items, str(data.get("@odata.deltaLink") or ""), calls)
            data = self._json("GET", next_link, headers=headers)
            calls += 1

    def list_rooms(self) -> list[dict]:
        """GET /places/microsoft.graph.room?$top=100 (all pages) — https://learn.microsoft.com/graph/api/place-list

        With `$top`, because without it the room list has been answered with 100 rooms and
        no @odata.nextLink (Microsoft Q&A 1021419); nextLink is followed all the same.
        """
        return list(self._pages("/places/microsoft.graph.room", params={"$top": str(ROOM_PAGE)}))


class Delta:
    """One finished round of calendarView delta: the changed events (removed ones carry
    "@removed") and the deltaLink to call next time."""

    def __init__(self, items: list[dict[str, Any]], delta_link: str, calls: int) -> None:
        self.items = items
        self.delta_link = delta_link
        self.calls = calls


class BatchAnswer:
    """One $batch sub-response: `status`, `headers`, `body`, and `error` (None when 2xx)."""

    def __init__(self, raw: dict[str, Any], error: errors.GraphError | None) -> None:
        self.status = int(raw.get("status") or 0)
        self.headers: dict[str, Any] = raw.get("headers") or {}
        self.body: dict[str, Any] = raw.get("body") or {}
        self.error = error

    @property
    def request_id(self) -> str:
        return str(self.headers.get("request-id", ""))


def _id(event_id: str) -> str:
    # Graph ids are URL-safe base64 but may contain "/" in other id formats.
    return quote(event_id, safe="=-_")
