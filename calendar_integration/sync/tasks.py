"""Placeholder: Celery tasks of sync."""

__all__: list[str] = []
