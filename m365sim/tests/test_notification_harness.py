"""The `m365` fixture's contract for the product's notification tests: a subscription
made over HTTP, Outlook-side changes, draining delivery, faults, lifecycle, delta 410."""

from __future__ import annotations

from datetime import timedelta

import requests

from m365sim.graph.tests import receiver as receiver_mod
from m365sim.models import Event

FMT = "%Y-%m-%dT%H:%M:%S"


def _graph(m365, method: str, path: str, **kw) -> requests.Response:
    token = m365.access_token(m365.recruiter, ["Calendars.ReadWrite"])
    session = m365._track(requests.Session())
    url = path.replace("https://graph.microsoft.com", f"{m365.base_url}/graph")
    if not url.startswith("http"):
        url = f"{m365.base_url}/graph/v1.0/{path}"
    return session.request(
        method, url, headers={"Authorization": f"Bearer {token}"}, timeout=30, **kw
    )


def test_harness_contract(m365):
    rec = receiver_mod.start()
    try:
        expires = (m365.now() + timedelta(days=2)).strftime(FMT) + "Z"
        sub = _graph(
            m365,
            "POST",
            "subscriptions",
            json={
                "changeType": "created,updated,deleted",
                "notificationUrl": rec.url,
                "lifecycleNotificationUrl": rec.url,
                "resource": "me/events",
                "expirationDateTime": expires,
                "clientState": "s3cret",
            },
        ).json()
        start = (m365.now() + timedelta(days=1)).replace(microsecond=0)
        created = _graph(
            m365,
            "POST",
            "me/events",
            json={
                "subject": "Interview",
                "start": {"dateTime": start.strftime(FMT), "timeZone": "UTC"},
                "end": {"dateTime": (start + timedelta(hours=1)).strftime(FMT), "timeZone": "UTC"},
            },
        ).json()
        window = (
            f"startDateTime={(start - timedelta(days=1)).strftime(FMT)}"
            f"&endDateTime={(start + timedelta(days=3)).strftime(FMT)}"
        )
        delta_link = _graph(m365, "GET", f"me/calendarView/delta?{window}").json()[
            "@odata.deltaLink"
        ]
        event = Event.objects.get(graph_id=created["id"])
        m365.outlook_move(event, start + timedelta(hours=2), start + timedelta(hours=3))
        assert m365.deliver_notifications() == 2
        assert [i["changeType"] for i in rec.items()] == ["created", "updated"]

        m365.notification_faults(sub["id"], drop=True)
        m365.outlook_delete(event)
        assert m365.deliver_notifications() == 0
        assert m365.deliveries(m365.recruiter)[-1].state == "dropped"

        m365.lifecycle_event(sub["id"], "missed")
        assert m365.deliver_notifications() == 1
        assert rec.items()[-1]["lifecycleEvent"] == "missed"

        changes = _graph(m365, "GET", delta_link).json()["value"]
        assert changes == [
            {
                "@odata.type": "#microsoft.graph.event",
                "id": created["id"],
                "@removed": {"reason": "deleted"},
            }
        ]
        m365.invalidate_delta(m365.recruiter)
        assert _graph(m365, "GET", delta_link).status_code == 410
    finally:
        rec.server.shutdown()
        rec.server.server_close()
