"""F7: title, description and location edited in Outlook survive an EBMS time change (EBMS
PATCHes only what changed in EBMS since it last sent it)."""

from __future__ import annotations

from datetime import timedelta

from ebms.recruiting.services import appointment_update

from .conftest import as_outlook_user, calls, events_of, plan, record_of


def test_outlook_edits_survive_an_ebms_time_change(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    edited = as_outlook_user(
        m365,
        m365.recruiter,
        "PATCH",
        f"/me/events/{record.graph_id}",
        json={
            "subject": "Gespräch mit Dana (mein Titel)",
            "body": {"contentType": "html", "content": "<p>Meine Notizen</p>"},
            "location": {"displayName": "Besprechungsecke 3"},
        },
    )
    assert edited.status_code == 200
    before = len(calls(m365.recruiter))

    appointment_update(
        appointment=appointment,
        by=alice,
        starts_at=appointment.starts_at + timedelta(days=1),
        ends_at=appointment.ends_at + timedelta(days=1),
    )

    (patch,) = calls(m365.recruiter)[before:]
    assert patch.method == "PATCH"
    (event,) = events_of(m365.recruiter)
    assert event.start == appointment.starts_at + timedelta(days=1)
    assert event.subject == "Gespräch mit Dana (mein Titel)"
    assert "Meine Notizen" in event.body_content
    assert event.location["displayName"] == "Besprechungsecke 3"


def test_an_ebms_title_change_overwrites_only_the_title(m365, rita, alice, application):
    appointment = plan(application=application, by=alice)
    record = record_of(appointment)
    as_outlook_user(
        m365,
        m365.recruiter,
        "PATCH",
        f"/me/events/{record.graph_id}",
        json={"location": {"displayName": "Besprechungsecke 3"}},
    )

    appointment_update(appointment=appointment, by=alice, title="Zweitgespräch")

    (event,) = events_of(m365.recruiter)
    assert event.subject == "Zweitgespräch – Dana Bewerber"
    assert event.location["displayName"] == "Besprechungsecke 3"
