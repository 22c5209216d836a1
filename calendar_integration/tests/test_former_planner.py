"""The tenant admin's temporary recruiter account keeps no live token after the setup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calendar_integration.connection.lifecycle import connections_keep_alive
from calendar_integration.models import ConnectionState, MicrosoftConnection
from ebms.accounts.models import Role

from .conftest import connect


@pytest.mark.parametrize("change", ["deactivate", "downgrade"])
def test_deactivating_or_downgrading_the_temporary_account_deletes_its_tokens(
    m365, muster, tom, change
):
    connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)
    connection = MicrosoftConnection.objects.get(user=tom)
    assert connection.state == ConnectionState.ACTIVE and connection.token_cache_encrypted

    if change == "deactivate":
        tom.is_active = False
    else:
        tom.role = Role.OBSERVER
    tom.save()

    connection.refresh_from_db()
    assert connection.state == ConnectionState.DISCONNECTED
    assert not connection.token_cache_encrypted
    # The company keeps its tenant binding and admin consent for the other recruiters.
    muster.refresh_from_db()
    assert muster.microsoft_tenant_id


def test_the_keep_alive_skips_users_who_no_longer_plan(m365, muster, alice):
    connect(m365, alice, email=m365.recruiter.email, rooms=False)
    # Demoted directly in the database: no signal, the connection row stays usable.
    type(alice).objects.filter(pk=alice.pk).update(role=Role.OBSERVER)
    result = connections_keep_alive(now=timezone.now() + timedelta(days=31))
    assert (result.refreshed, result.failed) == (0, 0)
