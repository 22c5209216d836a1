"""Company admins manage their own company's users; nobody else's."""

from __future__ import annotations

from django.urls import reverse

from ebms.accounts.models import Role, User


def test_the_company_admin_creates_a_recruiter(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "first_name": "Dora",
            "last_name": "Neu",
            "email": "Dora@Muster.example",
            "role": Role.RECRUITER,
            "password": "ein-langes-Passwort-2026",
        },
    )
    assert response.status_code == 302
    dora = User.objects.get(email="dora@muster.example")
    assert dora.company == carol.company and dora.role == Role.RECRUITER
    assert dora.check_password("ein-langes-Passwort-2026")


def test_a_taken_email_or_weak_password_is_refused_at_the_field(client, carol, alice):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "first_name": "X",
            "last_name": "Y",
            "email": alice.email,
            "role": "recruiter",
            "password": "123",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors and "password" in form.errors
    assert User.objects.count() == 2


def test_the_admin_downgrades_and_deactivates_a_user_who_keeps_his_history(client, carol, alice):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:user_edit", args=[alice.pk]),
        {"first_name": "Alice", "last_name": "Recruiter", "role": Role.OBSERVER},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.role == Role.OBSERVER and alice.is_active is False
    assert User.objects.filter(pk=alice.pk).exists()
    assert not client.login(email=alice.email, password="pw-alice-2026")


def test_the_admin_cannot_lock_himself_out(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:user_edit", args=[carol.pk]),
        {"first_name": "Carol", "last_name": "Admin", "role": Role.RECRUITER, "is_active": "on"},
    )
    assert response.status_code == 200
    carol.refresh_from_db()
    assert carol.role == Role.COMPANY_ADMIN


def test_a_user_of_another_company_is_not_found(client, carol, mallory):
    client.force_login(carol)
    assert client.get(reverse("accounts:user_edit", args=[mallory.pk])).status_code == 404
    client.post(reverse("accounts:user_edit", args=[mallory.pk]), {"role": "observer"})
    mallory.refresh_from_db()
    assert mallory.role == Role.COMPANY_ADMIN and mallory.is_active


def test_recruiters_and_observers_cannot_manage_users(client, alice, bob):
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(reverse("accounts:user_list")).status_code == 403
        assert client.post(reverse("accounts:user_create"), {}).status_code == 403


def test_the_user_list_shows_only_the_own_company(client, carol, alice, mallory):
    client.force_login(carol)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert alice.email in page and mallory.email not in page


def test_login_with_email_and_password(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": alice.email, "password": "pw-alice-2026"}
    )
    assert response.status_code == 302
    client.logout()
    wrong = client.post(reverse("accounts:login"), {"username": alice.email, "password": "x"})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_login_is_refused_after_five_failures_even_with_the_right_password(client, alice):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": alice.email, "password": "falsch"})
    response = client.post(url, {"username": alice.email, "password": "pw-alice-2026"})
    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_the_throttle_counts_the_forwarded_client(client, alice, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    url = reverse("accounts:login")
    for n in range(5):
        client.post(
            url, {"username": f"nobody{n}@x.example", "password": "x"}, HTTP_X_REAL_IP="203.0.113.9"
        )
    # Another client behind the same proxy (same REMOTE_ADDR) still gets in.
    response = client.post(
        url, {"username": alice.email, "password": "pw-alice-2026"}, HTTP_X_REAL_IP="198.51.100.7"
    )
    assert response.status_code == 302
