"""Roles inside one company: observers change nothing, recruiters stay out of the company
admin's pages, deactivated users cannot sign in (or keep using an old session)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ebms.recruiting.tests import factories as f

from .conftest import POST_DATA, client_for, snapshot, url_for
from .urlmap import ADMIN, PLANNER, names


@pytest.mark.parametrize("name", names(access=(PLANNER, ADMIN)))
def test_observers_cannot_write_on_any_planner_url(world, name):
    client = client_for(world["bob"])
    url = url_for(name, world)
    before = snapshot()

    statuses = (client.post(url, POST_DATA).status_code, client.get(url).status_code)

    # 405: the view takes the other method only (checked before the role); 403 must show.
    assert set(statuses) <= {403, 405} and 403 in statuses, statuses
    assert snapshot() == before


@pytest.mark.parametrize("name", names(access=(PLANNER,)))
def test_the_same_planner_urls_let_a_recruiter_in(world, name):
    """The observer's 403 comes from his role: a recruiter of the company is not refused."""
    response = client_for(world["alice"]).get(url_for(name, world))
    assert response.status_code != 403


@pytest.mark.parametrize("name", names(access=(ADMIN,)))
def test_recruiters_cannot_open_the_company_admin_pages(world, name):
    client = client_for(world["alice"])
    url = url_for(name, world)
    before = snapshot()

    assert client.get(url).status_code == 403
    assert client.post(url, POST_DATA).status_code == 403

    assert snapshot() == before
    assert client_for(world["carol"]).get(url).status_code == 200


def test_a_recruiter_cannot_make_himself_company_admin(world):
    alice = world["alice"]
    url = reverse("accounts:user_edit", args=[alice.pk])
    client_for(alice).post(url, {**POST_DATA, "role": "company_admin"})
    alice.refresh_from_db()
    assert not alice.is_company_admin


def test_a_deactivated_user_cannot_log_in_through_the_login_page(world):
    bob = world["bob"]
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    client = Client()

    page = client.post(reverse("accounts:login"), {"username": bob.email, "password": f.PASSWORD})

    assert page.status_code == 200  # the form again, with an error
    assert page.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_same_login_works_while_the_user_is_active(world):
    """Control for the test above: the password is right, only the deactivation refuses."""
    client = Client()
    page = client.post(
        reverse("accounts:login"), {"username": world["bob"].email, "password": f.PASSWORD}
    )
    assert page.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_session_of_a_user_deactivated_meanwhile_stops_working(world):
    alice = world["alice"]
    client = client_for(alice)
    assert client.get(reverse("recruiting:candidate_list")).status_code == 200

    alice.is_active = False
    alice.save(update_fields=["is_active"])

    response = client.get(reverse("recruiting:candidate_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    before = snapshot()
    client.post(url_for("recruiting:appointment_cancel", world), {"reason": "zu spät"})
    assert snapshot() == before
