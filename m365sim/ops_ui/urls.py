"""Ops UI routes under /m365/ (no app_name: names are prefixed ops-...)."""

from django.urls import path

urlpatterns: list = []
