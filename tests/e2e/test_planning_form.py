"""The planning form in a real browser (issue 14, points 5, 6, 8, 9, 11).

A connected recruiter plans an appointment: the picker stands under the time fields and
draws unknown availability hatched with one explanation, observers are picked by typing a
name (chips), an online appointment says that Teams makes the meeting, a busy time asks
"Trotzdem planen?" once, and a double click on the submit button plans one appointment.
Screenshots go where the journey's go (E2E_SCREENSHOTS or var/e2e-screenshots/), named
form-NN-*.png so the journey's own clean-up leaves them alone.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from calendar_integration.tests.conftest import connect
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_activate
from ebms.recruiting.tests import factories as f

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing"
).expect

SHOTS = Path(
    os.environ.get("E2E_SCREENSHOTS") or Path(django_settings.BASE_DIR) / "var" / "e2e-screenshots"
)
PASSWORD = "Demo-2026!"


class Camera:
    """Full-page screenshots named <prefix>-NN-<step>.png (stable across runs)."""

    def __init__(self, prefix: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.prefix, self.count = prefix, 0

    def __call__(self, page, name: str) -> None:
        self.count += 1
        page.screenshot(
            path=str(SHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"), full_page=True
        )


def _workday(days_ahead: int) -> date:
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _user(email: str, company: Company, role: str, first: str, last: str) -> User:
    return User.objects.create_user(
        email, PASSWORD, company=company, role=role, first_name=first, last_name=last
    )


def _seed(m365) -> dict:
    company = Company.objects.create(name="Muster GmbH")
    booking_activate(company=company, by=None)
    tom = _user("it-admin@muster.example", company, Role.RECRUITER, "Tom", "IT")
    alice = _user("alice@muster.example", company, Role.RECRUITER, "Alice", "Recruiter")
    _user("olga@muster.example", company, Role.OBSERVER, "Olga", "Observer")
    _user("bert@muster.example", company, Role.OBSERVER, "Bert", "Beobachter")
    connect(m365, tom, email=m365.admin.email, rooms=True, org_consent=True)
    connect(m365, alice, email=m365.recruiter.email, rooms=True)
    application = f.application(company=company)
    day = _workday(3)
    zone = company.zone
    busy = f.appointment(
        application=application, by=alice, kind="phone", title="Schon gebucht",
        starts_at=datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=zone),
    )  # fmt: skip
    return {"alice": alice, "application": application, "day": day, "busy": busy}


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/konto/anmelden/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def _set_time(page, day: date, begin: str, finish: str) -> None:
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", begin)
    page.fill("#id_end_time", finish)
    for field in ("#id_date", "#id_start_time", "#id_end_time"):
        page.locator(field).dispatch_event("change")


def test_the_planning_form_leads_to_the_right_choice(m365, new_page, settings):
    settings.DEBUG = True
    world = _seed(m365)
    base = m365.base_url.removesuffix("/m365")
    shot = Camera("form")
    page = new_page()
    _login(page, base, world["alice"].email)
    page.goto(f"{base}/bewerbungen/{world['application'].pk}/termin/neu/")
    page.select_option("#id_kind", "onsite")
    page.fill("#id_title", "Vorstellungsgespräch")
    page.fill("#id_location", "Domstraße 1, Köln")
    _set_time(page, world["day"], "10:30", "11:30")

    # 5. The picker stands directly under the time fields, above the organizer.
    picker = page.locator("[data-picker]")
    expect(picker.locator(".pk-row .pk-label", has_text="Alice Recruiter")).to_have_count(1)
    times = page.locator("#id_end_time").bounding_box()
    picker_box = picker.bounding_box()
    organizer = page.locator("#id_recruiter").bounding_box()
    assert times["y"] < picker_box["y"] < organizer["y"]

    # 6. Observers: type a name, pick it, see a chip; the organizer is not offered.
    combo = page.get_by_role("combobox", name="Beobachter")
    expect(page.locator("#id_observers")).to_be_hidden()
    combo.fill("Ali")
    expect(page.locator(".ms-option")).to_have_count(0)
    combo.fill("olg")
    expect(page.locator(".ms-option")).to_have_text(["Olga Observer"])
    combo.press("Enter")
    expect(page.locator(".ms-chip")).to_contain_text(["Olga Observer"])
    expect(page.locator("#id_observers option:checked")).to_have_text(["Olga Observer"])

    # 5. Olga has no mailbox in the tenant: her row is hatched across the whole day (no
    # white "working hours"), the legend has one "unbekannt" entry, the reason is said once.
    olga = picker.locator(".pk-row", has_text="Olga Observer")
    expect(olga).to_have_class(re.compile("pk-row-unknown"))
    expect(olga.locator(".pk-work")).to_have_count(0)
    expect(olga.locator(".pk-day.pk-unknown")).to_have_count(1)
    expect(picker.locator(".picker-legend li", has_text="unbekannt")).to_have_count(1)
    expect(picker.locator("[data-unknown-note]")).to_contain_text(
        "Olga Observer – in Microsoft 365 nicht gefunden"
    )
    expect(picker.locator(".pk-why", has_text="nicht gefunden")).to_have_count(0)
    shot(page, "picker-under-times-observer-chips-unknown-hatched")

    # 9. Online: Teams makes the meeting; the link field only for "Eigenen Link verwenden".
    page.select_option("#id_kind", "online")
    expect(
        page.get_by_text("wird automatisch eine Microsoft-Teams-Besprechung erstellt")
    ).to_be_visible()
    expect(page.locator("#id_meeting_link")).to_be_hidden()
    page.get_by_label("Eigenen Link verwenden").check()
    expect(page.locator("#id_meeting_link")).to_be_visible()
    expect(page.get_by_text("wird automatisch eine Microsoft-Teams-Besprechung")).to_be_hidden()
    shot(page, "online-teams-notice-own-link")
    page.get_by_label("Eigenen Link verwenden").uncheck()
    expect(page.locator("#id_meeting_link")).to_be_hidden()

    # 8. The time overlaps Alice's booked appointment: asked once, saved when confirmed.
    with page.expect_navigation():
        page.locator("main form button.primary[type=submit]").click()
    ask = page.locator("[data-conflict-ask]")
    expect(ask).to_contain_text("Trotzdem planen?")
    expect(ask).to_contain_text("Alice Recruiter: gebucht 10:00–11:00")
    expect(page.locator(".ms-chip")).to_contain_text(["Olga Observer"])
    shot(page, "conflict-trotzdem-planen")
    with page.expect_navigation():
        ask.get_by_role("button", name="Trotzdem planen").click()
    expect(page.locator("body")).to_contain_text("Der Termin wurde geplant.")
    shot(page, "planned-after-confirmation")

    # 11. A double click on the submit button plans one appointment, not two.
    page.goto(f"{base}/bewerbungen/{world['application'].pk}/termin/neu/")
    page.select_option("#id_kind", "phone")
    page.fill("#id_title", "Doppelklick")
    _set_time(page, world["day"], "14:00", "15:00")
    with page.expect_navigation():
        page.locator("main form button.primary[type=submit]").dblclick()
    expect(page.locator("body")).to_contain_text("Der Termin wurde geplant.")
    page.goto(f"{base}/termine/")
    expect(page.locator("main tr", has_text="Doppelklick")).to_have_count(1)
