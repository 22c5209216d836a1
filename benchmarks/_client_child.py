"""Child process of client_vs_sdk.py: one Graph client in a fresh interpreter.

    python benchmarks/_client_child.py {baseline,raw,ours,sdk} BASE_URL TOKEN CONNECTION_ID N

Imports nothing heavy before it measures the client's import. Prints one JSON line: import
time, RSS after import, CPU (time.process_time) and wall time per call for GET /me,
POST /me/events, PATCH, DELETE and getSchedule (N calls each after 3 warm-up calls), and the
peak RSS of the process (VmHWM).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid

KIND, BASE, TOKEN, CONNECTION_ID, N = sys.argv[1:6]
N = int(N)
STARTED = time.perf_counter()
SCHEDULES = ["rita@contoso.example", "kollege0@contoso.example", "raum.beta@contoso.example"]
WINDOW = ({"dateTime": "2031-03-03T08:00:00", "timeZone": "W. Europe Standard Time"},
          {"dateTime": "2031-03-08T18:00:00", "timeZone": "W. Europe Standard Time"})  # fmt: skip
NEW_TIME = ({"dateTime": "2031-03-04T11:00:00", "timeZone": "W. Europe Standard Time"},
            {"dateTime": "2031-03-04T12:00:00", "timeZone": "W. Europe Standard Time"})  # fmt: skip


def event_body(marker: str) -> dict:
    """What EBMS sends for an on-site appointment with one observer (shape of payloads.py)."""
    return {
        "subject": "Vorstellungsgespräch – Dana Bewerber",
        "body": {
            "contentType": "html",
            "content": "<p>Stelle: Softwareentwickler (m/w/d)</p>"
            '<p>Art: Vor Ort</p><p><a href="http://127.0.0.1/termine/1/">In EBMS öffnen'
            "</a></p>",
        },  # fmt: skip
        "start": {"dateTime": "2031-03-04T09:00:00", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2031-03-04T10:00:00", "timeZone": "W. Europe Standard Time"},
        "location": {"displayName": "Hauptstraße 1, Berlin"},
        "attendees": [
            {
                "emailAddress": {"address": "kollege0@contoso.example", "name": "Kollege 0"},
                "type": "required",
            }
        ],  # fmt: skip
        "showAs": "busy",
        "sensitivity": "private",
        "allowNewTimeProposals": False,
        "isOnlineMeeting": False,
        "transactionId": marker,
        "singleValueExtendedProperties": [
            {
                "id": "String {6f0e4b9a-2c1d-4f57-9a3e-5e1b7c0d8a21} Name EbmsRecordKey",
                "value": marker,
            }
        ],  # fmt: skip
    }


def rss_mb(field: str = "VmRSS") -> float:
    """Resident set size (VmRSS) or its peak (VmHWM) of this process, in MB.

    Not getrusage's ru_maxrss: Linux keeps that high-water mark across exec, so a child
    would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


# --- the three clients, each: setup() -> (import_s, extra), then calls -------------------


def raw_client():
    began = time.perf_counter()
    import requests

    imported = time.perf_counter() - began
    session = requests.Session()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    graph = BASE + "/graph/v1.0"

    def call(method, path, body=None):
        response = session.request(method, graph + path, json=body, headers=auth, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else {}

    ops = {
        "GET /me": lambda: call("GET", "/me"),
        "POST /me/events": lambda: call("POST", "/me/events", event_body(str(uuid.uuid4())))["id"],
        "PATCH /me/events/{id}": lambda i: call(
            "PATCH", f"/me/events/{i}", {"start": NEW_TIME[0], "end": NEW_TIME[1]}
        ),  # fmt: skip
        "DELETE /me/events/{id}": lambda i: call("DELETE", f"/me/events/{i}"),
        "POST getSchedule": lambda: call(
            "POST",
            "/me/calendar/getSchedule",
            {
                "schedules": SCHEDULES,
                "startTime": WINDOW[0],
                "endTime": WINDOW[1],
                "availabilityViewInterval": 30,
            },
        )["value"],  # fmt: skip
    }
    return imported, {}, ops, None


def ours_client():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # The client's own dependencies outside Django (HTTP, MSAL token cache, Fernet); Django
    # itself is loaded by the app anyway and timed separately (the whole of EBMS).
    began = time.perf_counter()
    import msal  # noqa: F401
    import requests  # noqa: F401
    from cryptography.fernet import Fernet  # noqa: F401

    imported = time.perf_counter() - began
    began = time.perf_counter()
    import django

    django.setup()
    from calendar_integration.microsoft.graph import GraphClient
    from calendar_integration.models import MicrosoftConnection

    setup_s = time.perf_counter() - began
    client = GraphClient(MicrosoftConnection.objects.get(pk=int(CONNECTION_ID)))
    ops = {
        "GET /me": client.me,
        "POST /me/events": lambda: client.create_event(event=event_body(str(uuid.uuid4())))["id"],
        "PATCH /me/events/{id}": lambda i: client.update_event(
            event_id=i, changes={"start": NEW_TIME[0], "end": NEW_TIME[1]}
        ),  # fmt: skip
        "DELETE /me/events/{id}": lambda i: client.delete_event(event_id=i),
        "POST getSchedule": lambda: client.get_schedule(
            schedules=SCHEDULES, start=WINDOW[0], end=WINDOW[1], interval=30
        ),  # fmt: skip
    }
    from calendar_integration.microsoft import identity

    token_only = {"token_for (encrypted MSAL cache in PostgreSQL)": lambda: identity.token_for(
        client.connection)}  # fmt: skip
    return imported, {"django_setup_s": setup_s}, ops, token_only


def sdk_client():
    began = time.perf_counter()
    from kiota_abstractions.authentication import (
        AccessTokenProvider,
        AllowedHostsValidator,
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph.generated.models.attendee import Attendee
    from msgraph.generated.models.attendee_type import AttendeeType
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.free_busy_status import FreeBusyStatus
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.location import Location
    from msgraph.generated.models.sensitivity import Sensitivity
    from msgraph.generated.models.single_value_legacy_extended_property import (
        SingleValueLegacyExtendedProperty,
    )
    from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
        GetSchedulePostRequestBody,
    )

    class SimulatorToken(AccessTokenProvider):
        """Kiota's documented seam for a custom token source (a simulator token here)."""

        async def get_authorization_token(self, uri, additional_authentication_context=None):
            return TOKEN

        def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
            return AllowedHostsValidator(["127.0.0.1"])

    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(SimulatorToken()))
    client = GraphServiceClient(request_adapter=adapter)
    adapter.base_url = BASE + "/graph/v1.0"
    imported = time.perf_counter() - began

    def when(value: dict) -> DateTimeTimeZone:
        return DateTimeTimeZone(date_time=value["dateTime"], time_zone=value["timeZone"])

    def event(marker: str) -> Event:
        body = event_body(marker)
        return Event(
            subject=body["subject"],
            body=ItemBody(content_type=BodyType.Html, content=body["body"]["content"]),
            start=when(body["start"]),
            end=when(body["end"]),
            location=Location(display_name=body["location"]["displayName"]),
            attendees=[
                Attendee(
                    email_address=EmailAddress(
                        address="kollege0@contoso.example", name="Kollege 0"
                    ),
                    type=AttendeeType.Required,
                )
            ],  # fmt: skip
            show_as=FreeBusyStatus.Busy,
            sensitivity=Sensitivity.Private,
            allow_new_time_proposals=False,
            is_online_meeting=False,
            transaction_id=marker,
            single_value_extended_properties=[
                SingleValueLegacyExtendedProperty(
                    id=body["singleValueExtendedProperties"][0]["id"], value=marker
                )
            ],  # fmt: skip
        )

    async def create():
        return (await client.me.events.post(event(str(uuid.uuid4())))).id

    async def patch(event_id):
        changes = Event(start=when(NEW_TIME[0]), end=when(NEW_TIME[1]))
        return await client.me.events.by_event_id(event_id).patch(changes)

    async def schedule():
        body = GetSchedulePostRequestBody(schedules=SCHEDULES, start_time=when(WINDOW[0]),
                                          end_time=when(WINDOW[1]), availability_view_interval=30)  # fmt: skip
        return (await client.me.calendar.get_schedule.post(body)).value

    ops = {
        "GET /me": client.me.get,
        "POST /me/events": create,
        "PATCH /me/events/{id}": patch,
        "DELETE /me/events/{id}": lambda i: client.me.events.by_event_id(i).delete(),
        "POST getSchedule": schedule,
    }
    return imported, {}, ops, None


# --- measuring ----------------------------------------------------------------------------


def measure(ops: dict, run) -> dict:
    """Per op: CPU ms and wall ms per call over N calls (after 3 warm-up calls)."""
    figures = {}
    for name in ("GET /me", "POST getSchedule"):
        for _ in range(3):
            run(ops[name])
        figures[name] = timed(lambda n=name: run(ops[n]))
    ids = [run(ops["POST /me/events"]) for _ in range(3)]
    created: list[str] = []
    figures["POST /me/events"] = timed(lambda: created.append(run(ops["POST /me/events"])))
    for event_id in ids:
        run(ops["PATCH /me/events/{id}"], event_id)
    todo = iter(created)
    figures["PATCH /me/events/{id}"] = timed(lambda: run(ops["PATCH /me/events/{id}"], next(todo)))
    for event_id in ids:
        run(ops["DELETE /me/events/{id}"], event_id)
    todo = iter(created)
    figures["DELETE /me/events/{id}"] = timed(
        lambda: run(ops["DELETE /me/events/{id}"], next(todo))
    )
    return figures


def timed(call) -> dict:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(N):
        call()
    return {
        "cpu_ms": (time.process_time() - cpu) * 1000 / N,
        "wall_ms": (time.perf_counter() - wall) * 1000 / N,
    }


def main() -> None:
    result = {"kind": KIND, "n": N}
    if KIND != "baseline":
        factory = {"raw": raw_client, "ours": ours_client, "sdk": sdk_client}[KIND]
        imported, extra, ops, token_only = factory()
        result.update(import_s=imported, rss_after_import_mb=rss_mb(), **extra)
        if KIND == "sdk":
            import asyncio

            loop = asyncio.new_event_loop()

            def run(op, *args):
                return loop.run_until_complete(op(*args))
        else:

            def run(op, *args):
                return op(*args)

        result["ops"] = measure(ops, run)
        if token_only:
            result["token"] = {name: timed(op) for name, op in token_only.items()}
    result["rss_mb"] = rss_mb()
    result["max_rss_mb"] = rss_mb("VmHWM")
    result["total_s"] = time.perf_counter() - STARTED
    print(json.dumps(result))


if __name__ == "__main__":
    main()
