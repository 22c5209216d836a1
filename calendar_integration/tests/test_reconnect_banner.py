"""The reconnect banner: shown (via the context processor) only while the user must reconnect."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from calendar_integration.connection.context_processors import reconnect_banner
from calendar_integration.models import ConnectionState, MicrosoftConnection


def _context(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return reconnect_banner(request)


def test_the_banner_shows_while_the_connection_needs_a_reconnect(muster, alice):
    connection = MicrosoftConnection.objects.create(
        user=alice, company=muster, tenant_id="t", oid="o", state=ConnectionState.ACTIVE
    )
    assert _context(alice) == {"calendar_reconnect_needed": False}

    connection.state = ConnectionState.RECONNECT
    connection.save()

    context = _context(alice)
    assert context == {"calendar_reconnect_needed": True}
    html = render_to_string("calendar_integration/_reconnect_banner.html", context)
    assert "Jetzt erneut verbinden" in html
