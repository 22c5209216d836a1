"""Placeholder: Celery tasks of availability."""

__all__: list[str] = []
