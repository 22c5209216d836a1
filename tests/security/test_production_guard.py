"""Issue 11.6: the demo's values and the simulator never reach production.

With DEBUG=False, `check --deploy` reports the simulator mode, the demo SECRET_KEY, the demo
Fernet key and the simulator's client secret as errors; the simulator's pages are not served
(a public demo, EBMS_PUBLIC_DEMO=True, serves them to staff only).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from ebms.config import DEMO_SECRET_KEY, DEMO_TOKEN_KEY, SIMULATOR_CLIENT_SECRET
from ebms.recruiting.tests import factories as f

from .test_headers import ROOT


def _production(tmp_path, **overrides) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "False",
        "M365_MODE": "simulator",
        "SECRET_KEY": DEMO_SECRET_KEY,
        "TOKEN_ENCRYPTION_KEYS": DEMO_TOKEN_KEY,
        "M365_CLIENT_SECRET": SIMULATOR_CLIENT_SECRET,
        "ALLOWED_HOSTS": "ebms.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "M365SIM_DATABASE_URL": f"sqlite:///{tmp_path / 'sim.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "EMAIL_URL": "smtp+tls://ebms:secret@mail.example.com:587",
        "M365_CLIENT_ID": "c0ec60b5-60a8-4768-8053-870f11315492",
        "M365_REDIRECT_URI": "https://ebms.example.com/kalender/verbinden/callback/",
        **overrides,
    }


def _manage(environment: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_every_demo_value_as_an_error(tmp_path):
    result = _manage(_production(tmp_path), "check", "--deploy")  # fail level: ERROR

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    errors = output.split("ERRORS:", 1)[1].split("WARNINGS:", 1)[0]
    for check in ("ebms.E001", "ebms.E002", "ebms.E003", "ebms.E004"):
        assert check in errors, output


PROBE = (
    "from django.conf import settings; from django.test import Client; "
    "print(settings.M365_SIMULATOR_PAGES, "
    "Client().get('/m365/login/common/v2.0/.well-known/openid-configuration', "
    "HTTP_HOST='ebms.example.com', secure=True).status_code)"
)


def test_production_settings_never_serve_the_simulator_a_public_demo_only_to_staff(tmp_path):
    production = _manage(_production(tmp_path), "shell", "-c", PROBE)
    demo = _manage(_production(tmp_path, EBMS_PUBLIC_DEMO="True"), "shell", "-c", PROBE)

    answer = production.stdout.strip().splitlines()[-1].split()
    assert answer == ["off", "404"], production.stdout + production.stderr
    assert demo.stdout.strip().splitlines()[-1].split()[0] == "staff", demo.stdout + demo.stderr


@pytest.mark.django_db(databases="__all__")
def test_the_simulator_is_not_served_in_production(settings):
    settings.M365_SIMULATOR_PAGES = "off"
    client = Client()
    staff = f.user(company=f.company(), role="recruiter", first_name="Sam")
    staff.is_staff = True
    staff.save()

    assert client.get("/m365/").status_code == 404
    assert client.get("/m365/login/common/v2.0/.well-known/openid-configuration").status_code == 404
    client.force_login(staff)
    assert client.get("/m365/").status_code == 404  # not even for staff


@pytest.mark.django_db(databases="__all__")
def test_a_public_demo_shows_the_simulators_own_pages_to_staff_only(settings):
    settings.M365_SIMULATOR_PAGES = "staff"
    client = Client()
    visitor = f.user(company=f.company(), role="recruiter", first_name="Vera")
    staff = f.user(company=f.company(), role="recruiter", first_name="Sam")
    staff.is_staff = True
    staff.save()

    anonymous = client.get("/m365/")
    discovery = client.get("/m365/login/common/v2.0/.well-known/openid-configuration")
    client.force_login(visitor)
    not_staff = client.get("/m365/")
    client.force_login(staff)

    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]
    assert discovery.status_code == 200  # "Microsoft's" sign-in stays public in the demo
    assert not_staff.status_code == 302
    assert client.get("/m365/").status_code == 200
