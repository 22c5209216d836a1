"""Candidate links (proposal e-mails): tampered, forged, expired, reused and withdrawn links
answer with a clear page in GET and POST, reveal nothing and change nothing."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse

from ebms.recruiting.links import SALT, proposal_token
from ebms.recruiting.models import Appointment
from ebms.recruiting.services import proposal_withdraw

from .conftest import snapshot

INVALID = "Dieser Link ist ungültig."


def _path(token: str) -> str:
    return reverse("recruiting:candidate_proposal", args=[token])


def _slot(world):
    return world["proposal"].slots.order_by("starts_at").first()


def _assert_refused(client, world, token: str, *, status: int, text: str) -> None:
    before = snapshot()
    for response in (
        client.get(_path(token)),
        client.post(_path(token), {"slot": _slot(world).pk}),
    ):
        html = response.content.decode()
        assert response.status_code == status
        assert text in html
        assert 'name="slot"' not in html
        # No internal detail of the proposal on a refused link.
        assert "A-Vorschlag" not in html and "Zuckermann" not in html
    assert snapshot() == before


def _forge(payload: dict, **kwargs) -> str:
    return signing.dumps(payload, salt=kwargs.pop("salt", SALT), **kwargs)


def test_a_valid_link_is_the_control(client, world):
    response = client.post(_path(proposal_token(world["proposal"])), follow=True)
    assert response.status_code == 200
    assert response.content.decode().count('name="slot"') == 2


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
        lambda t: "x" + t[1:],  # payload
        lambda t: t.split(":")[0],  # signature removed
        lambda t: t + ":extra",
    ],
    ids=["signature", "payload", "unsigned", "appended"],
)
def test_a_tampered_link_is_invalid(client, world, mangle):
    token = mangle(proposal_token(world["proposal"]))
    _assert_refused(client, world, token, status=404, text=INVALID)


def test_a_link_signed_with_another_key_is_invalid(client, world):
    proposal = world["proposal"]
    payload = {"p": proposal.pk, "n": proposal.token_nonce}
    token = _forge(payload, key="not-our-secret-key-" * 3)
    _assert_refused(client, world, token, status=404, text=INVALID)


def test_a_token_of_another_signed_value_cannot_be_replayed_as_a_link(client, world):
    """Same key, other salt (e.g. the admin-consent state): refused."""
    proposal = world["proposal"]
    token = _forge({"p": proposal.pk, "n": proposal.token_nonce}, salt="ebms.something-else")
    _assert_refused(client, world, token, status=404, text=INVALID)


def test_a_link_with_a_guessed_nonce_is_invalid(client, world):
    """Knowing the proposal id is not enough; the random nonce must match."""
    token = _forge({"p": world["proposal"].pk, "n": "guessed"})
    _assert_refused(client, world, token, status=404, text=INVALID)


def test_an_expired_link_is_gone(client, world, settings):
    token = proposal_token(world["proposal"])
    settings.PROPOSAL_LINK_MAX_AGE_DAYS = 0
    _assert_refused(client, world, token, status=410, text="abgelaufen")


def test_a_used_link_cannot_pick_again(client, world):
    token = proposal_token(world["proposal"])
    first, second = world["proposal"].slots.order_by("starts_at")
    page = client.post(_path(token))["Location"]  # opening the proposals exchanges the token
    assert client.post(page, {"slot": first.pk}).status_code == 200
    picked = Appointment.objects.get(proposal=world["proposal"])

    _assert_refused(client, world, token, status=410, text="bereits verwendet")
    response = client.post(_path(token), {"slot": second.pk})

    assert response.status_code == 410
    assert list(Appointment.objects.filter(proposal=world["proposal"])) == [picked]
    assert Appointment.objects.get(pk=picked.pk).starts_at == first.starts_at


def test_a_withdrawn_link_is_gone(client, world):
    token = proposal_token(world["proposal"])
    proposal_withdraw(proposal=world["proposal"], by=world["alice"])
    _assert_refused(client, world, token, status=410, text="zurückgezogen")


def test_a_withdrawn_link_stays_dead_even_if_the_proposal_were_reopened(client, world):
    """Withdrawing clears the nonce: reopening the row does not revive the old link."""
    from ebms.recruiting.models import Proposal

    old = world["proposal"]
    token = proposal_token(old)
    proposal_withdraw(proposal=old, by=world["alice"])
    Proposal.objects.filter(pk=old.pk).update(status=Proposal.Status.OPEN)  # not the nonce
    _assert_refused(client, world, token, status=404, text=INVALID)
