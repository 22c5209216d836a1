"""Fixtures of the stateful sync test: the sync tests' company, recruiter (connected to the
simulator's rita@contoso.example), observer and application, re-exported."""

from __future__ import annotations

from calendar_integration.sync.tests.conftest import alice, application, muster, olaf, rita

__all__ = ["alice", "application", "muster", "olaf", "rita"]
