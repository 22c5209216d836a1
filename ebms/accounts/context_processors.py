"""Template context: the premium feature notice for the logged-in user's company."""

from __future__ import annotations

from .services import feature_status


def feature_notice(request) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not user.company_id:
        return {}
    return {"calendar_feature": feature_status(company=user.company)}


def demo_links(request) -> dict:
    """Links to the demo mail page and the simulator, shown only in DEBUG."""
    from django.conf import settings

    return {"debug": settings.DEBUG, "m365_simulator": settings.M365_SIMULATOR}
