"""Security headers on the main pages, cookies, templates fit for a strict CSP, and
`manage.py check --deploy` clean with production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ebms.config import PRODUCTION_VARIABLES
from ebms.recruiting.links import proposal_link_for
from ebms.recruiting.tests import factories as f

from .conftest import client_for

ROOT = Path(settings.BASE_DIR)


def _policy(response, header: str = "Content-Security-Policy") -> dict[str, str]:
    directives = (part.strip() for part in response[header].split(";"))
    return {d.split(" ", 1)[0]: (d.split(" ", 1) + [""])[1] for d in directives if d}


def _main_pages(world) -> dict:
    alice = world["alice"]
    return {
        "login": Client().get(reverse("accounts:login")),
        "dashboard": client_for(alice).get(reverse("dashboard")),
        "candidate page": Client().get(
            urlsplit(proposal_link_for(world["proposal"])).path, follow=True
        ),
        "connect page": client_for(alice).get(reverse("calendar_integration:connect")),
        "user admin": client_for(world["carol"]).get(reverse("accounts:user_list")),
    }


def test_main_pages_send_a_strict_csp_and_the_security_headers(world):
    for name, response in _main_pages(world).items():
        assert response.status_code == 200, name
        policy = _policy(response)
        assert policy["default-src"] == "'self'", name
        assert policy["script-src"] == "'self'", name  # no inline scripts, no eval
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'", name
        assert policy["frame-ancestors"] == "'none'", name
        assert "'self'" in policy["form-action"], name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert "camera=()" in response["Permissions-Policy"], name


def test_form_action_lets_the_connect_button_reach_microsofts_sign_in(world):
    """Browsers apply form-action to the redirect after "Account verbinden"."""
    response = client_for(world["alice"]).get(reverse("calendar_integration:connect"))
    form_action = _policy(response)["form-action"].split()
    assert "https://login.microsoftonline.com" in form_action
    assert not any(source in ("*", "https:", "http:") for source in form_action)


@pytest.mark.django_db(databases="__all__")
def test_the_simulator_pages_get_their_own_policy_and_are_never_framed(client):
    response = client.get("/m365/")
    assert response.status_code in (200, 302)
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["script-src"]  # form_post auto-submit, as Microsoft
    assert policy["frame-ancestors"] == "'none'"
    assert "form-action" not in policy  # posts to any app's registered redirect URI


def test_a_view_with_its_own_policy_keeps_it(world, settings):
    settings.DEBUG = True  # the demo mail page exists only in DEBUG (company admins)
    response = client_for(world["carol"]).get(reverse("mail:html", args=[world["mail"].pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # Sandboxed without scripts; same origin only so that the page can size the frame.
    assert policy.startswith("sandbox allow-same-origin;") and "allow-scripts" not in policy
    assert "default-src 'none'" in policy


def test_the_appointment_page_with_its_sync_panel_enforces_the_strict_policy(world):
    url = reverse("recruiting:appointment_detail", args=[world["appointment"].pk])
    response = client_for(world["alice"]).get(url)
    enforced = _policy(response)
    assert enforced["script-src"] == "'self'"
    assert enforced["frame-ancestors"] == "'none'" and enforced["default-src"] == "'self'"


def test_the_session_and_csrf_cookies_are_http_only_and_same_site_lax(world):
    client = Client()
    page = client.get(reverse("accounts:login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:login"), {"username": world["alice"].email, "password": f.PASSWORD}
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


# --- templates fit for script-src 'self' ------------------------------------------------

# A data block (<script type="application/json">) is not executed: CSP does not apply.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\b(src=|type=[\"']application/(ld\+)?json))[^>]*>", re.I
)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _product_templates() -> list[str]:
    found = []
    for base in ("templates", "ebms", "calendar_integration"):
        for path in sorted((ROOT / base).rglob("*.html")):
            if "/templates/" in f"/{path.relative_to(ROOT)}":
                found.append(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("name", _product_templates())
def test_product_templates_have_no_inline_script_or_event_handler(name):
    text = (ROOT / name).read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not HANDLER.search(text), "on* event handler attribute"
    assert not JS_URL.search(text), "javascript: URL"


# --- manage.py check --deploy -----------------------------------------------------------


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "ebms.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "EMAIL_URL": "smtp+tls://ebms:secret@mail.example.com:587",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "M365_CLIENT_ID": "c0ec60b5-60a8-4768-8053-870f11315492",
        "M365_CLIENT_SECRET": secrets.token_urlsafe(24),
        "M365_REDIRECT_URI": "https://ebms.example.com/kalender/verbinden/callback/",
    }
    assert set(PRODUCTION_VARIABLES) <= set(environment)  # a new required variable: add it

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
