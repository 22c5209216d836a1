"""Every URL with an object id, requested by any user of another company: 404 (403 where the
role is refused before any lookup), the page shows nothing of the object, nothing changes."""

from __future__ import annotations

import pytest

from .conftest import POST_DATA, client_for, snapshot, url_for
from .urlmap import ADMIN, CATALOGUE, DEBUG, PLANNER, names, product_routes

ATTACKERS = ("eve_admin", "eve_recruiter", "eve_observer")
# Roles refused by the page before it looks anything up.
REFUSED_ROLES = {
    ADMIN: {"eve_recruiter", "eve_observer"},
    PLANNER: {"eve_observer"},
}
# Text of company A's objects that must not leak into B's responses.
SECRETS = ("Zuckermann", "A-Termin", "A-Vorschlag", "dana@bewerber.example")


def test_every_product_url_is_classified():
    routes = product_routes()
    assert {r.name for r in routes} == set(CATALOGUE), "classify new URLs in urlmap.CATALOGUE"
    for route in routes:
        assert route.has_argument == (CATALOGUE[route.name].obj is not None), route


def _expected(name: str, attacker: str) -> int:
    if attacker in REFUSED_ROLES.get(CATALOGUE[name].access, ()):
        return 403
    return 404


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("name", names(with_id=True))
def test_another_companys_id_is_not_found_and_nothing_changes(world, name, attacker):
    client = client_for(world[attacker])
    url = url_for(name, world)
    expected = _expected(name, attacker)
    before = snapshot()

    got = client.get(url)
    posted = client.post(url, POST_DATA)

    statuses = (got.status_code, posted.status_code)
    # A view allows one method only: the other answers 405 before any lookup.
    assert set(statuses) <= {expected, 405} and expected in statuses, (url, statuses)
    if not CATALOGUE[name].post_only:
        assert got.status_code == expected, url
    for response in (got, posted):
        html = response.content.decode()
        assert not any(secret in html for secret in SECRETS), url
    assert snapshot() == before


@pytest.mark.parametrize("name", names(with_id=True))
def test_anonymous_visitors_are_sent_to_the_login_and_nothing_changes(client, world, name):
    url = url_for(name, world)
    before = snapshot()

    for response in (client.get(url), client.post(url, POST_DATA)):
        if CATALOGUE[name].access == DEBUG:
            assert response.status_code == 404  # demo page: gone without DEBUG
        elif response.status_code != 405:  # the other method, refused before anything
            assert response.status_code == 302
            assert response["Location"].startswith("/konto/anmelden/?next=")

    assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in names(with_id=True, access=("member", "planner", "admin"))
        if not CATALOGUE[n].post_only
    ],
)
def test_the_owning_company_reaches_the_same_urls(world, name):
    """The refusals above come from the company check, not from a broken URL."""
    owner = world["carol"]  # company admin of A: every role gate lets her in
    response = client_for(owner).get(url_for(name, world))
    assert response.status_code == 200, name


@pytest.mark.parametrize(
    "query",
    [{"appointment": "appointment"}, {"recruiter": "alice"}],
    ids=["appointment", "recruiter"],
)
def test_the_picker_refuses_another_companys_ids_in_its_query(world, query):
    """The availability picker takes ids as query parameters, not in its path."""
    from django.urls import reverse

    params = {key: world[obj].pk for key, obj in query.items()}
    client = client_for(world["eve_recruiter"])
    for name in ("availability_picker", "availability_next_slot"):
        response = client.get(reverse(f"calendar_integration:{name}"), params)
        assert response.status_code in (400, 404), (name, response.status_code)
        assert "Zuckermann" not in response.content.decode()
        assert "A-Termin" not in response.content.decode()
