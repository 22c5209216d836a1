"""Placeholder: registers hooks listeners, providers and panels of availability."""


def connect() -> None:
    """Register with recruiting hooks (called once from AppConfig.ready)."""
