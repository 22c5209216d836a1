"""Placeholder: filled by the availability work."""

urlpatterns: list = []
