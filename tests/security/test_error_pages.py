"""Issue 11.7: error pages 400/403/404/500 and the CSRF failure in the product's layout,
German by default, English when the user chose English, nothing internal shown."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from ebms import errors

from .conftest import client_for

LAYOUT = 'class="topbar"'
INTERNALS = (
    "Traceback",
    "No Appointment matches",
    "DisallowedHost",
    "CSRF token",
    "Invalid HTTP_HOST",
)


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _assert_page(response, status: int, text: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert LAYOUT in html and text in html, html[:800]
    assert not any(internal in html for internal in INTERNALS)


def test_404_and_403_in_german_and_in_english(world):
    missing = reverse("recruiting:appointment_detail", args=[10**6])
    planner_only = reverse("recruiting:appointment_edit", args=[world["appointment"].pk])

    _assert_page(client_for(world["alice"]).get(missing), 404, "Seite nicht gefunden")
    _assert_page(client_for(world["bob"]).get(planner_only), 403, "Kein Zugriff")
    _assert_page(_english(client_for(world["alice"])).get(missing), 404, "Page not found")
    _assert_page(_english(client_for(world["bob"])).get(planner_only), 403, "Access denied")


def test_400_for_a_foreign_host(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    _assert_page(response, 400, "Ungültige Anfrage")
    _assert_page(_english(Client()).get("/", HTTP_HOST="evil.example"), 400, "Bad request")


def test_the_csrf_failure_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    _assert_page(response, 403, "Formular abgelaufen")
    english = _english(Client(enforce_csrf_checks=True))
    _assert_page(english.post(reverse("accounts:login"), {}), 403, "Form expired")


def test_the_500_page_needs_neither_the_request_nor_the_database(world, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = world["alice"]
    with django_assert_num_queries(0), translation.override("de"):
        response = errors.server_error(request)
    _assert_page(response, 500, "Ein Fehler ist aufgetreten")
    assert str(world["alice"]) not in response.content.decode()  # no request context used


@pytest.mark.parametrize("language,text", [("de", "Ein Fehler"), ("en", "Something went wrong")])
def test_a_500_in_a_view_shows_the_page_in_the_users_language(world, settings, language, text):
    settings.ROOT_URLCONF = "tests.security.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(world["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/boom/")
    _assert_page(response, 500, text)
    assert "geheim" not in response.content.decode()
