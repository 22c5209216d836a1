"""Placeholder: filled by the availability work."""

__all__: list[str] = []
