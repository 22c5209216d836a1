"""`manage.py m365sim_seed`: the Muster GmbH tenant, idempotent, JSON for seed_demo."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from m365sim import clock
from m365sim.models import Mailbox, ServicePrincipal

pytestmark = pytest.mark.django_db(databases="__all__")


def _seed() -> dict:
    out = io.StringIO()
    call_command("m365sim_seed", json=True, stdout=out)
    return json.loads(out.getvalue())


def test_it_creates_the_muster_tenant_and_prints_json():
    data = _seed()

    assert data["tenant_domain"] == "muster.example"
    admins = [u for u in data["users"] if u["is_admin"]]
    assert [u["upn"] for u in admins] == ["it-admin@muster.example"]
    assert all(u["password"] == "Demo-2026!" for u in data["users"])
    assert any(not u["teams_licensed"] for u in data["users"])
    assert len(data["rooms"]) == 4
    assert sum(1 for r in data["rooms"] if r["places_visible_from"]) == 1
    assert not ServicePrincipal.objects.exists()  # appears at the first sign-in


def test_it_creates_mailboxes_for_the_ebms_users_of_the_company():
    from ebms.accounts.models import Company, User

    company = Company.objects.create(name="Muster GmbH")
    User.objects.create_user(
        "alice@muster.example",
        "x",
        first_name="Alice",
        last_name="Arndt",
        company=company,
        role="recruiter",
    )

    data = _seed()

    assert "alice@muster.example" in [u["upn"] for u in data["users"]]
    assert Mailbox.objects.get(email="alice@muster.example").check_password("Demo-2026!")


def test_it_is_idempotent():
    first = _seed()
    second = _seed()
    assert first["tenant_id"] == second["tenant_id"]
    assert Mailbox.objects.count() == len(first["users"]) + len(first["rooms"])


def test_the_delayed_room_becomes_visible_after_48_hours():
    _seed()
    room = Mailbox.objects.get(email="raum.spree@muster.example")
    assert not room.visible_in_places(clock.now())
    clock.advance(delta=timedelta(hours=49))
    assert room.visible_in_places(clock.now())
