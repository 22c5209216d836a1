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
