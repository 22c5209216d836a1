"""The whole connection over HTTP with real MSAL: tenant admin first (+Räume, org consent),
then a recruiter with rooms and no admin step."""

from __future__ import annotations

from django.urls import reverse

from calendar_integration.models import AuthFlow, ConnectionState, MicrosoftConnection

from .conftest import client_for, connect


def test_tenant_admin_connects_first_with_rooms_and_org_consent(m365, muster, tom):
    journey = connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)

    assert journey.response.status_code == 302
    assert journey.response["Location"] == reverse("calendar_integration:connect")
    connection = MicrosoftConnection.objects.get(user=tom)
    assert connection.state == ConnectionState.ACTIVE
    assert connection.upn == m365.admin.email
    assert connection.oid == str(m365.admin.object_id)
    assert "Place.Read.All" in connection.granted_scopes
    muster.refresh_from_db()
    assert muster.microsoft_tenant_id == str(m365.tenant.id)
    check = connection.checks.get()
    assert {i["key"]: i["status"] for i in check.items} == {
        "profile": "ok",
        "write": "ok",
        "free_busy": "ok",
        "teams": "ok",
        "rooms": "ok",
    }


def test_recruiter_connects_with_rooms_without_admin_step_after_first_setup(
    m365, muster, tom, alice
):
    connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)

    journey = connect(m365, alice, email=m365.recruiter.email, rooms=True)

    assert journey.response.status_code == 302
    connection = MicrosoftConnection.objects.get(user=alice)
    assert connection.state == ConnectionState.ACTIVE
    assert connection.has_rooms
    page = client_for(alice).get(reverse("calendar_integration:connect"))
    assert "Rita Recruiter" in page.content.decode()
    assert "Erste Einrichtung" not in page.content.decode()


def test_the_flow_is_kept_server_side_and_used_once(m365, muster, tom):
    journey = connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)

    flow = AuthFlow.objects.get(user=tom)
    assert flow.used_at is not None
    assert flow.outcome == "connected"
    assert "state=" + flow.state in journey.authorize_url
    assert "code_challenge=" in journey.authorize_url
    assert "response_mode=query" in journey.authorize_url
