"""Shared fixtures: one company with alice (recruiter), bob (observer), carol (admin)."""

from __future__ import annotations

import pytest

from ebms.recruiting.tests import factories as f


@pytest.fixture
def company(db):
    return f.company()


@pytest.fixture
def alice(company):
    return f.alice(company=company)


@pytest.fixture
def bob(company):
    return f.bob(company=company)


@pytest.fixture
def carol(company):
    return f.carol(company=company)


@pytest.fixture
def application(company):
    return f.application(company=company)
