"""Shared pytest fixtures.

`m365` — the Microsoft 365 simulator, live over HTTP (pytest-django's live_server):
    def test_connect(m365):
        app = m365.msal_app()                                   # real MSAL, product's session
        flow = app.initiate_auth_code_flow(["Calendars.ReadWrite"], redirect_uri=m365.redirect_uri)
        url = m365.sign_in(flow["auth_uri"])                    # posts sign-in + consent forms
        result = app.acquire_token_by_auth_code_flow(flow, m365.auth_response(url))

  Settings during the test: SITE_URL = live server, M365_SIMULATOR_URL = SITE_URL + "/m365",
  M365_REDIRECT_URI = SITE_URL + "/kalender/verbinden/callback/" (registered for the app).
  Seeded: tenant "contoso.example" (m365.tenant), m365.admin (tenant admin),
  m365.recruiter (rita@...), m365.rooms (2 rooms), m365.app (the EBMS app), password
  m365.password. Helpers: add_user, add_room, grant_admin_consent, grant_user_consent,
  access_token, advance_clock(days=..), now(), service_principal(), msal_app(), http(),
  browser(), sign_in(auth_uri, email=, password=, accept=, org_consent=), auth_response(url).
  See m365sim/tests/harness.py. A test using `m365` gets transactional access to all
  databases automatically (no django_db mark needed).

`sim_session` — calendar_integration.microsoft.http.MicrosoftSession bound to the live simulator.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items):
    # The live server needs committed data in both databases (default + m365sim).
    for item in items:
        if "m365" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db(transaction=True, databases="__all__"))


@pytest.fixture
def m365(live_server, settings):
    """The simulator with a seeded test tenant, reachable over HTTP (see module docstring)."""
    from m365sim import clock
    from m365sim.tests.harness import build

    settings.SITE_URL = live_server.url
    settings.M365_SIMULATOR_URL = f"{live_server.url}/m365"
    settings.M365_REDIRECT_URI = f"{live_server.url}/kalender/verbinden/callback/"
    # Notifications go out only when the test says so (m365.deliver_notifications()).
    settings.M365SIM_DELIVERY_THREAD = False
    harness = build(live_server.url)
    yield harness
    from m365sim.graph import delivery

    delivery.stop_thread()
    harness.close()
    clock.reset()


@pytest.fixture
def sim_session(m365):
    """The product's Microsoft HTTP session, mapped onto the live simulator."""
    from calendar_integration.microsoft.http import MicrosoftSession

    yield m365._track(MicrosoftSession())
