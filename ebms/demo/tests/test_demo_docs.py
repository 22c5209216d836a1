"""README's demo walk-through matches the seed; `make demo` talks, `make demo-reset` exists,
every page has a favicon (issue 14, 19)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from ebms.accounts.models import Company, FeatureBooking
from ebms.demo.seed import seed_demo

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _target(name: str) -> str:
    """The recipe of a Makefile target (its lines up to the next blank line)."""
    match = re.search(rf"^{re.escape(name)}:.*?\n((?:\t.*\n)+)", MAKEFILE, re.M)
    assert match, f"no target {name}"
    return match.group(1)


@pytest.mark.django_db
def test_every_login_in_the_readme_is_seeded_and_the_trial_story_holds():
    seeded = {login["email"] for login in seed_demo()["ebms_users"]}
    in_readme = set(re.findall(r"[\w.-]+@(?:muster|beispiel|ebms)\.example", README))
    in_readme.discard("it-admin@muster.example")  # the simulator's tenant admin, no EBMS profile
    assert in_readme <= seeded, in_readme - seeded
    muster = Company.objects.get(name="Muster GmbH")
    beispiel = Company.objects.get(name="Beispiel AG")
    assert muster.bookings.filter(kind=FeatureBooking.Kind.TRIAL).exists()
    assert not beispiel.bookings.exists(), "the trial demo needs a company without one"
    assert "seed starts the 7-day trial (beta) of Muster GmbH" in README
    assert 'select Beispiel AG, action "7-Tage-Demo starten"' in README


def test_demo_reset_rebuilds_the_data_without_installing():
    recipe = _target("demo-reset")
    assert "seed_demo" in recipe and "_migrate" in recipe
    assert "pip" not in recipe and "$(STAMP)" not in MAKEFILE.split("demo-reset:")[1].split("\n")[0]
    assert "make demo-reset" in README
    dry = subprocess.run(
        ["make", "-n", "demo-reset"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "rm -f var/ebms.sqlite3" in dry.stdout and "pip install" not in dry.stdout


def test_the_install_shows_progress():
    recipe = _target("$(STAMP)")
    assert "--quiet" not in recipe and "echo" in recipe


def test_pages_have_a_favicon(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
