"""System checks: the Microsoft settings must be real when the feature runs in production."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

DEMO_KEY = "ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q="
SIMULATOR_SECRET = "ebms-simulator-secret"


@register("calendar_integration", deploy=False)
def m365_settings_check(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Errors for missing or demo M365 settings outside simulator mode."""
    if getattr(settings, "M365_SIMULATOR", False):
        return []
    problems: list[CheckMessage] = []
    for name in (
        "M365_CLIENT_ID",
        "M365_CLIENT_SECRET",
        "M365_REDIRECT_URI",
        "M365_AUTHORITY_HOST",
        "M365_GRAPH_BASE",
    ):
        if not str(getattr(settings, name, "") or "").strip():
            problems.append(
                Error(
                    f"{name} is not set",
                    hint="Required for the Microsoft 365 connection.",
                    id="calendar_integration.E001",
                )
            )
    if getattr(settings, "M365_CLIENT_SECRET", "") == SIMULATOR_SECRET:
        problems.append(
            Error(
                "M365_CLIENT_SECRET is the simulator's demo secret", id="calendar_integration.E002"
            )
        )
    redirect = str(getattr(settings, "M365_REDIRECT_URI", ""))
    if redirect and not redirect.startswith("https://") and not settings.DEBUG:
        problems.append(
            Error("M365_REDIRECT_URI must be https in production", id="calendar_integration.E003")
        )
    keys = [k for k in getattr(settings, "TOKEN_ENCRYPTION_KEYS", []) if k.strip()]
    if not keys:
        problems.append(Error("TOKEN_ENCRYPTION_KEYS is empty", id="calendar_integration.E004"))
    for key in keys:
        try:
            Fernet(key.encode())
        except ValueError:
            problems.append(
                Error(
                    "TOKEN_ENCRYPTION_KEYS holds a value that is no Fernet key",
                    id="calendar_integration.E005",
                )
            )
            break
    if DEMO_KEY in keys:
        problems.append(
            Warning("TOKEN_ENCRYPTION_KEYS contains the demo key", id="calendar_integration.W001")
        )
    return problems
