"""System checks report missing or demo Microsoft settings outside simulator mode."""

from __future__ import annotations

from calendar_integration.checks import m365_settings_check


def _ids(settings) -> set[str]:
    return {message.id for message in m365_settings_check()}


def test_simulator_mode_needs_nothing(settings):
    settings.M365_SIMULATOR = True
    assert _ids(settings) == set()


def test_production_reports_missing_and_demo_values(settings):
    settings.M365_SIMULATOR = False
    settings.DEBUG = False
    settings.M365_CLIENT_SECRET = "ebms-simulator-secret"
    settings.M365_REDIRECT_URI = "http://ebms.example/kalender/verbinden/callback/"
    settings.M365_CLIENT_ID = ""

    ids = _ids(settings)

    assert {
        "calendar_integration.E001",
        "calendar_integration.E002",
        "calendar_integration.E003",
        "calendar_integration.W001",
    } <= ids


def test_production_with_real_settings_is_clean(settings):
    from cryptography.fernet import Fernet

    settings.M365_SIMULATOR = False
    settings.DEBUG = False
    settings.M365_CLIENT_ID = "c0ec60b5-60a8-4768-8053-870f11315492"
    settings.M365_CLIENT_SECRET = "a-real-secret"
    settings.M365_REDIRECT_URI = "https://ebms.example/kalender/verbinden/callback/"
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert _ids(settings) == set()
