"""Production configuration guard: every required variable, named at once."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

# Variable -> why it is needed (also documented in .env.example and the README).
PRODUCTION_VARIABLES = {
    "SECRET_KEY": "Django signing key (sessions, candidate links)",
    "ALLOWED_HOSTS": "host names the site answers to",
    "DATABASE_URL": "PostgreSQL connection",
    "REDIS_URL": "Celery broker and cache",
    "EMAIL_URL": "SMTP server for candidate e-mails (smtp+tls://user:password@host:587)",
    "TOKEN_ENCRYPTION_KEYS": "Fernet keys that encrypt Microsoft tokens at rest",
    "M365_CLIENT_ID": "application (client) id of the EBMS enterprise app",
    "M365_CLIENT_SECRET": "client secret of the EBMS enterprise app",
    "M365_REDIRECT_URI": "OAuth redirect URI registered for the app",
}


def missing_production_settings(environ: os._Environ | dict) -> list[str]:
    """Names of required production variables that are unset or empty."""
    return [name for name in PRODUCTION_VARIABLES if not str(environ.get(name, "")).strip()]


def require_production_settings(env) -> None:
    """Raise ImproperlyConfigured naming every missing production variable."""
    missing = missing_production_settings(os.environ)
    if missing:
        raise ImproperlyConfigured(
            "DEBUG=False needs these environment variables: " + ", ".join(missing)
        )


# The demo's built-in values: fine on a laptop, an error in production (check --deploy).
DEMO_SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production"
DEMO_TOKEN_KEY = "ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q="
SIMULATOR_CLIENT_SECRET = "ebms-simulator-secret"


def production_guard_check(app_configs=None, **kwargs) -> list:
    """check --deploy: with DEBUG=False, the demo's values and the simulator are errors.

    EBMS_PUBLIC_DEMO=True is the documented opt-in for a public demo instance: the simulator
    may run (its own pages for staff only), every key must still be the instance's own.
    """
    from django.conf import settings
    from django.core.checks import Error

    if settings.DEBUG:
        return []
    problems = []
    if settings.M365_SIMULATOR and not settings.EBMS_PUBLIC_DEMO:
        problems.append(
            Error(
                "M365_MODE=simulator with DEBUG=False: production must talk to Microsoft",
                hint="Set M365_MODE=microsoft, or EBMS_PUBLIC_DEMO=True for a public demo.",
                id="ebms.E001",
            )
        )
    if settings.SECRET_KEY == DEMO_SECRET_KEY:
        problems.append(Error("SECRET_KEY is the demo's key", id="ebms.E002"))
    if DEMO_TOKEN_KEY in settings.TOKEN_ENCRYPTION_KEYS:
        problems.append(
            Error("TOKEN_ENCRYPTION_KEYS contains the demo's Fernet key", id="ebms.E003")
        )
    if settings.M365_CLIENT_SECRET == SIMULATOR_CLIENT_SECRET:
        problems.append(Error("M365_CLIENT_SECRET is the simulator's secret", id="ebms.E004"))
    return problems
