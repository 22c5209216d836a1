"""AADSTS errors map to a closed list of outcomes (unit level, no Microsoft needed)."""

from __future__ import annotations

import pytest

from calendar_integration.microsoft.consent import Kind, aadsts_code, classify

DESCRIPTION = "AADSTS{code}: Some text.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2026"


@pytest.mark.parametrize(
    ("error", "code", "kind"),
    [
        ("consent_required", 65001, Kind.CONSENT_REQUIRED),
        ("invalid_grant", 65001, Kind.CONSENT_REQUIRED),
        ("access_denied", 90093, Kind.ADMIN_CONSENT),
        ("access_denied", 90094, Kind.ADMIN_CONSENT),
        ("access_denied", 90095, Kind.ADMIN_CONSENT),
        ("invalid_grant", 50105, Kind.NOT_ASSIGNED),
        ("unauthorized_client", 700016, Kind.APP_NOT_IN_TENANT),
        ("access_denied", 65004, Kind.CANCELLED),
        ("invalid_grant", 54005, Kind.REPLAYED),
        ("invalid_grant", 700082, Kind.RECONNECT),
        ("invalid_grant", 70008, Kind.RECONNECT),
        ("invalid_grant", 50173, Kind.RECONNECT),
        ("interaction_required", 50076, Kind.RECONNECT),
        ("invalid_request", 50020, Kind.OTHER),
    ],
)
def test_each_code_has_its_outcome(error, code, kind):
    problem = classify(error=error, description=DESCRIPTION.format(code=code))
    assert problem.kind == kind
    assert problem.code_label == f"AADSTS{code}"
    assert "Trace ID" not in problem.description


def test_the_token_endpoints_error_codes_list_wins():
    assert aadsts_code("no number here", [700082]) == 700082


def test_access_denied_without_a_code_is_a_cancel():
    assert classify(error="access_denied").kind == Kind.CANCELLED


def test_an_unknown_error_keeps_its_name_for_support():
    problem = classify(error="temporarily_unavailable", description="busy")
    assert problem.kind == Kind.OTHER
    assert problem.code_label == "temporarily_unavailable"
