"""A company's zone must have a Windows name: Microsoft 365 is told the Windows name
(https://learn.microsoft.com/graph/api/resources/datetimetimezone)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from ebms.accounts.models import Company
from ebms.timezones import windows_zone_name


def test_a_zone_without_a_windows_name_is_refused_when_the_company_is_saved(db):
    company = Company(name="Forschungsstation", time_zone="Antarctica/Troll")

    with pytest.raises(ValidationError) as info:
        company.full_clean()

    assert "Microsoft 365" in str(info.value.message_dict["time_zone"])


def test_vienna_and_zurich_are_fine_for_a_company(db):
    for zone in ("Europe/Vienna", "Europe/Zurich", "Europe/Amsterdam"):
        Company(name="Muster", time_zone=zone).full_clean()


def test_the_windows_name_comes_from_cldr():
    assert windows_zone_name("Europe/Vienna") == "W. Europe Standard Time"
    assert windows_zone_name("Europe/Zurich") == "W. Europe Standard Time"
    assert windows_zone_name("Europe/London") == "GMT Standard Time"
    assert windows_zone_name("Antarctica/Troll") is None
