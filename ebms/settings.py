"""Settings for EBMS, read from the environment (django-environ).

Without any environment the project runs embedded: SQLite under var/, Celery eager,
e-mails stored in the database, Microsoft 365 = the simulator served under /m365/.
With DEBUG=False every production variable is required (see ebms/config.py).
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ebms.config import (
    DEMO_SECRET_KEY,
    DEMO_TOKEN_KEY,
    SIMULATOR_CLIENT_SECRET,
    require_production_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
if not DEBUG:
    require_production_settings(env)

SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "ebms.errors.csrf_failure"
# Behind a reverse proxy: the request header carrying the client address (login throttling).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# Absolute base of links in e-mails and Outlook bodies (candidate pages, "open in EBMS").
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# "simulator": Microsoft 365 is the bundled m365sim (demo, tests); "microsoft": the real cloud.
M365_MODE = env.str("M365_MODE", default="simulator" if DEBUG else "microsoft")
M365_SIMULATOR = M365_MODE == "simulator"
# Opt-in for a public demo instance with DEBUG=False (docs/security.md): the simulator is
# served (its own pages to staff only) and /demo/mails/ stays (login required).
EBMS_PUBLIC_DEMO = env.bool("EBMS_PUBLIC_DEMO", default=False)
# Who reaches the simulator under /m365/ (ebms/demo/guard.py), fixed at startup: everyone in
# the demo, its sign-in and Graph for everyone but its own pages for staff in a public demo,
# nobody in production.
M365_SIMULATOR_PAGES = "open" if DEBUG else ("staff" if EBMS_PUBLIC_DEMO else "off")
M365_CLIENT_ID = env.str("M365_CLIENT_ID", default="c0ec60b5-60a8-4768-8053-870f11315492")
M365_CLIENT_SECRET = env.str("M365_CLIENT_SECRET", default=SIMULATOR_CLIENT_SECRET)
M365_REDIRECT_URI = env.str("M365_REDIRECT_URI", default=f"{SITE_URL}/kalender/verbinden/callback/")
M365_AUTHORITY_HOST = env.str("M365_AUTHORITY_HOST", default="https://login.microsoftonline.com")
M365_GRAPH_BASE = env.str("M365_GRAPH_BASE", default="https://graph.microsoft.com")
# Where the simulator is reachable over HTTP (simulator mode only): the product's HTTP
# session maps Microsoft's hosts onto these paths.
M365_SIMULATOR_URL = env.str("M365_SIMULATOR_URL", default=f"{SITE_URL}/m365").rstrip("/")
# How EBMS learns of changes made in Outlook (docs/sync.md "Push"): "on" = Graph change
# notifications to SITE_URL (must be reachable by Microsoft over HTTPS) + an hourly delta
# safety net; "off" = delta polling per mailbox every M365_POLL_MINUTES (no public URL).
M365_NOTIFICATIONS = env.str("M365_NOTIFICATIONS", default="on")
if M365_NOTIFICATIONS not in ("on", "off"):
    raise ImproperlyConfigured("M365_NOTIFICATIONS must be 'on' or 'off'")
M365_POLL_MINUTES = env.int("M365_POLL_MINUTES", default=5)
TOKEN_ENCRYPTION_KEYS = env.list(
    "TOKEN_ENCRYPTION_KEYS",
    # Demo-only Fernet key; production requires its own (newest first).
    default=[DEMO_TOKEN_KEY],
)

INSTALLED_APPS = [
    "ebms.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ebms.mail",
    "ebms.recruiting",
    "calendar_integration",
    "ebms.demo",
]
if M365_SIMULATOR:
    INSTALLED_APPS.append("m365sim")

AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
MIDDLEWARE = [
    "ebms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    AUTH_MIDDLEWARE,
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ebms.security.SecurityHeadersMiddleware",
]
if M365_SIMULATOR:
    # Production never serves the simulator; a public demo shows its own pages to staff only.
    MIDDLEWARE.insert(MIDDLEWARE.index(AUTH_MIDDLEWARE) + 1, "ebms.demo.guard.SimulatorGuard")

if not DEBUG:
    # Production serves static files itself; runserver does it in the demo.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "ebms.urls"
WSGI_APPLICATION = "ebms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ebms.accounts.context_processors.feature_notice",
                "ebms.accounts.context_processors.demo_links",
                "calendar_integration.connection.context_processors.reconnect_banner",
                "calendar_integration.connection.context_processors.connected_as",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ebms.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if M365_SIMULATOR:
    # The simulator keeps its state apart from product data (see m365sim/router.py).
    DATABASES["m365sim"] = env.db(
        "M365SIM_DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'm365sim.sqlite3'}"
    )
    DATABASE_ROUTERS = ["m365sim.router.SimulatorRouter"]
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
for _db in DATABASES.values():
    if _db["ENGINE"].endswith("sqlite3"):
        # Concurrent demo requests (the picker's reads while a form is saved, the simulator,
        # eager tasks): WAL lets readers and one writer work at once, the busy timeout makes
        # a second writer wait, and IMMEDIATE takes the write lock when a transaction starts,
        # so a reader never has to upgrade to a writer ("database is locked" at once).
        _db["OPTIONS"] = {**SQLITE_OPTIONS, **_db.get("OPTIONS", {})}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ebms.formats"]  # German dates as 01.12.2026, 13:31
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: stored in the database by default (demo mail page); SMTP etc. via EMAIL_URL.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "ebms.mail.backends.DatabaseEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EBMS <noreply@ebms.example>")
COMMUNITY_MANAGER_EMAIL = env.str("COMMUNITY_MANAGER_EMAIL", default="community@ebms.example")

# Candidate links (proposals) are signed and expire after this many days.
PROPOSAL_LINK_MAX_AGE_DAYS = env.int("PROPOSAL_LINK_MAX_AGE_DAYS", default=14)

# Celery: eager without REDIS_URL (embedded mode); Redis broker otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message not acknowledged within this time is redelivered by Redis; every retry
# longer than this lives in the database (next attempt time), never as a broker ETA.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No OAuth code or candidate link token in a logged request line (docs/security.md).
    "filters": {"secrets": {"()": "ebms.logredact.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's access log and Django's request warnings ("Not Found: /path").
        "django.server": {
            "handlers": ["console"],
            "filters": ["secrets"],
            "level": "INFO",
            "propagate": False,
        },
        "django.request": {"filters": ["secrets"]},
    },
}

# Security headers everywhere; HTTPS-only settings in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # the OAuth callback is a top-level GET: Lax sends the cookie
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
