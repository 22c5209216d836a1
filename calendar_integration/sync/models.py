"""Placeholder: filled by the sync work."""

__all__: list[str] = []
