"""Placeholder: filled by the sync work."""

urlpatterns: list = []
