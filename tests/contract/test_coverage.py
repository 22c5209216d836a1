"""The contract suite covers every Microsoft call the product's client can make."""

from __future__ import annotations

import inspect
import re

from . import registry, test_graph_contract, test_identity_contract
from .conftest import IDENTITY_MODULE, graph_client_class, product
from .fixtures import identity as idf

# A method sends to Graph when its body calls one of the client's senders.
_SENDS = re.compile(r"self\.(request|_json|_pages)\(")
# An identity function talks to Microsoft when it builds the MSAL app or opens a session.
_TALKS = re.compile(r"\b(_app|_silent|MicrosoftSession)\(")


def graph_calling_methods() -> set[str]:
    cls = graph_client_class()
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
        and name != "request"  # the sender itself
        and _SENDS.search(inspect.getsource(member))
    }


def identity_calling_functions() -> set[str]:
    module = product(IDENTITY_MODULE)
    return {
        name
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if member.__module__ == module.__name__
        and not name.startswith("_")
        and _TALKS.search(inspect.getsource(member))
    }


def test_every_graph_call_has_a_documented_fixture_and_a_test() -> None:
    calling = graph_calling_methods()

    assert calling, "no Graph-calling method found: is CLIENT_MODULE right?"
    missing = calling - set(registry.GRAPH_CALLS)
    assert not missing, f"GraphClient methods without a documented example: {sorted(missing)}"
    stale = set(registry.GRAPH_CALLS) - calling
    assert not stale, f"registry names methods the client no longer has: {sorted(stale)}"
    for name, (examples, tests) in registry.GRAPH_CALLS.items():
        assert examples and all(e.page.endswith(".md") for e in examples), name
        for test in tests:
            assert callable(getattr(test_graph_contract, test, None)), (name, test)


def test_every_documented_error_status_has_a_test() -> None:
    assert set(registry.GRAPH_ERRORS) == {401, 403, 404, 409, 429, 503, 504}
    for status, (example, test) in registry.GRAPH_ERRORS.items():
        assert example.status == status
        assert set(example.response["error"]) >= {"code", "message", "innerError"}
        assert callable(getattr(test_graph_contract, test, None)), test


def test_every_identity_call_has_a_documented_fixture_and_a_test() -> None:
    calling = identity_calling_functions()

    assert {"flow_redeem", "token_for"} <= calling
    missing = calling - set(registry.IDENTITY_CALLS)
    assert not missing, f"identity functions without a documented example: {sorted(missing)}"
    for name, (_examples, tests) in registry.IDENTITY_CALLS.items():
        for test in tests:
            assert callable(getattr(test_identity_contract, test, None)), (name, test)


def test_the_admin_consent_link_has_a_documented_fixture_and_tests() -> None:
    for _name, (examples, tests) in registry.OTHER_CALLS.items():
        assert examples
        for test in tests:
            assert callable(getattr(test_identity_contract, test, None)), test


def test_every_listed_aadsts_code_has_a_documented_row() -> None:
    for code in registry.AADSTS_CODES:
        body = idf.aadsts_error(code)
        assert body["error_codes"] == [code]
        assert body["error_description"].startswith(f"AADSTS{code}: ")
        assert set(body) == set(idf.TOKEN_ERROR)
