"""With DEBUG=False every missing production variable is named at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ebms.config import PRODUCTION_VARIABLES, missing_production_settings

ROOT = Path(__file__).resolve().parents[3]


def _django_setup(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    clean.pop("DEBUG", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ebms.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_names_every_missing_variable():
    result = _django_setup({"DEBUG": "False", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in PRODUCTION_VARIABLES:
        if name != "SECRET_KEY":
            assert name in result.stderr
    assert "SECRET_KEY," not in result.stderr


def test_production_mode_starts_with_every_variable_set():
    env = dict.fromkeys(PRODUCTION_VARIABLES, "value")
    env.update(
        DEBUG="False",
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp+tls://ebms:secret@mail.example.com:587",
        TOKEN_ENCRYPTION_KEYS="ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=",
    )
    result = _django_setup(env)
    assert result.returncode == 0, result.stderr


def test_empty_values_count_as_missing():
    assert missing_production_settings({"SECRET_KEY": "  "}) == list(PRODUCTION_VARIABLES)
