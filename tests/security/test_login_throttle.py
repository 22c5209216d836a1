"""Login throttling by client address: failures spread over many e-mail addresses still
lock that address out (credential stuffing), while other clients can sign in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from ebms.accounts.login_throttle import MAX_FAILURES
from ebms.recruiting.tests import factories as f

ATTACKER_IP = "203.0.113.7"
THROTTLED = "Zu viele fehlgeschlagene Anmeldeversuche"


def _login(client: Client, email: str, password: str, *, ip: str):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_failures_across_different_emails_lock_out_the_client_address(world):
    attacker = Client()
    for n in range(MAX_FAILURES):
        page = _login(attacker, f"user{n}@a.example", "falsch", ip=ATTACKER_IP)
        assert page.status_code == 200 and THROTTLED not in page.content.decode()

    # Even the right password of a real account is refused from that address now...
    page = _login(attacker, world["alice"].email, f.PASSWORD, ip=ATTACKER_IP)
    assert page.status_code == 200
    assert THROTTLED in page.content.decode()
    assert "_auth_user_id" not in attacker.session
    # ...while the same account signs in from another address.
    other = Client()
    assert _login(other, world["alice"].email, f.PASSWORD, ip="198.51.100.2").status_code == 302
    assert other.session["_auth_user_id"] == str(world["alice"].pk)


def test_failures_for_one_email_lock_that_account_from_any_address(world):
    bob = world["bob"]
    for n in range(MAX_FAILURES):
        _login(Client(), bob.email, "falsch", ip=f"198.51.100.{n + 10}")

    page = _login(Client(), bob.email, f.PASSWORD, ip="192.0.2.99")

    assert THROTTLED in page.content.decode()
    # Another account from that address is not affected.
    assert _login(Client(), world["alice"].email, f.PASSWORD, ip="192.0.2.99").status_code == 302


def test_below_the_limit_a_correct_login_still_works(world):
    client = Client()
    for n in range(MAX_FAILURES - 1):
        _login(client, f"user{n}@a.example", "falsch", ip=ATTACKER_IP)
    assert _login(client, world["alice"].email, f.PASSWORD, ip=ATTACKER_IP).status_code == 302
