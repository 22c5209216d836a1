from __future__ import annotations

import pytest

from ebms.accounts.models import Company, Role, User
from ebms.accounts.roles import community_manager_group


@pytest.fixture
def muster(db) -> Company:
    return Company.objects.create(name="Muster GmbH")


@pytest.fixture
def other_company(db) -> Company:
    return Company.objects.create(name="Beispiel AG")


@pytest.fixture
def carol(muster) -> User:
    """Company admin of Muster GmbH."""
    return User.objects.create_user(
        "carol@muster.example",
        "pw-carol-2026",
        company=muster,
        role=Role.COMPANY_ADMIN,
        first_name="Carol",
        last_name="Admin",
    )


@pytest.fixture
def alice(muster) -> User:
    return User.objects.create_user(
        "alice@muster.example",
        "pw-alice-2026",
        company=muster,
        role=Role.RECRUITER,
        first_name="Alice",
        last_name="Recruiter",
    )


@pytest.fixture
def bob(muster) -> User:
    return User.objects.create_user(
        "bob@muster.example",
        "pw-bob-2026",
        company=muster,
        role=Role.OBSERVER,
        first_name="Bob",
        last_name="Observer",
    )


@pytest.fixture
def mallory(other_company) -> User:
    return User.objects.create_user(
        "mallory@beispiel.example",
        "pw-mallory-2026",
        company=other_company,
        role=Role.COMPANY_ADMIN,
    )


@pytest.fixture
def clara(db) -> User:
    """Community manager: staff with the booking permission (not superuser)."""
    user = User.objects.create_user("clara@ebms.example", "pw-clara-2026", is_staff=True)
    user.groups.add(community_manager_group())
    return user
