"""The demo journey in a real browser (chromium via Playwright) against the live server.

A community manager starts the 7-day trial in the admin; the tenant admin connects first
("+Räume", consent for the organisation on the simulator's pages); a recruiter connects
without a consent page and plans an on-site and an online appointment; the candidate's
e-mail is on the demo mail page; the recruiter's calendar in the simulator shows the events.

Issue 14: the sync and mail state on the dashboard, the appointment list and the application
page; "Verbunden als" and a confirmed disconnect; an observer sees no link he may not open;
English dates and function-check rows; a paused booking warns and offers no retry; and
axe-core (WCAG 2.1 A/AA) finds no violation on any EBMS page the journey visits.

Every step asserts what the person sees and saves a screenshot (stable names, overwritten on
each run) to var/e2e-screenshots/, or to the folder E2E_SCREENSHOTS names: `make screenshots`
refreshes docs/screenshots/ (shown by docs/screenshots/README.md).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from ebms.accounts.models import Company, Role, User
from ebms.accounts.roles import community_manager_group
from ebms.recruiting.models import Application, Candidate, Position
from m365sim.models import Mailbox
from m365sim.seed_directory import DEMO_PASSWORD, seed_muster

from .axe import axe_violations, describe

# Without the package the module is skipped (the fixtures also skip without chromium).
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing"
).expect

SHOTS = Path(
    os.environ.get("E2E_SCREENSHOTS") or Path(django_settings.BASE_DIR) / "var" / "e2e-screenshots"
)
PASSWORD = "Demo-2026!"
TEMP_PASSWORD = "Vorlaeufig-2026!"
DOMAIN = "muster.example"


class Camera:
    """Saves numbered full-page screenshots: NN-step-name.png; before each, axe-core checks
    the page (EBMS pages only: not the Django admin, not the simulator)."""

    def __init__(self) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("[0-9][0-9]-*.png"):
            old.unlink()  # a renamed or dropped step leaves no stale picture behind
        self.count = 0
        self.checked: list[str] = []
        self.violations: dict[str, list[dict]] = {}

    def __call__(self, page, name: str) -> None:
        self.check(page)
        self.count += 1
        page.screenshot(path=str(SHOTS / f"{self.count:02d}-{name}.png"), full_page=True)

    def check(self, page) -> None:
        """axe-core on the page as it is now (WCAG 2.1 A/AA); violations kept per URL."""
        path = page.url.split("//", 1)[-1].split("/", 1)[-1]
        if path.startswith(("admin/", "m365/")):
            return
        self.checked.append(page.url)
        found = axe_violations(page)
        if found:
            self.violations[page.url] = found

    def assert_accessible(self) -> None:
        report = "\n".join(f"{url}:\n{describe(v)}" for url, v in self.violations.items())
        assert not self.violations, f"axe-core found WCAG 2.1 violations:\n{report}"


@dataclass
class Journey:
    base: str
    shot: Camera
    company: Company
    admin: User
    recruiter: User
    observer: User
    application: Application
    mailbox: Mailbox
    room: Mailbox


def _seed() -> dict:
    """Muster GmbH without any booking, its admin and a recruiter, one application; the
    Microsoft 365 tenant of Muster GmbH with mailboxes for them, an IT admin and rooms."""
    manager = User.objects.create_user(
        "cm@ebms.example", PASSWORD, first_name="Clara", last_name="Community", is_staff=True
    )
    manager.groups.add(community_manager_group())
    company = Company.objects.create(name="Muster GmbH")
    admin = User.objects.create_user(
        f"anna.admin@{DOMAIN}", PASSWORD, first_name="Anna", last_name="Admin",
        company=company, role=Role.COMPANY_ADMIN,
    )  # fmt: skip
    recruiter = User.objects.create_user(
        f"lena.schmidt@{DOMAIN}", PASSWORD, first_name="Lena", last_name="Schmidt",
        company=company, role=Role.RECRUITER,
    )  # fmt: skip
    observer = User.objects.create_user(
        f"olaf.beobachter@{DOMAIN}", PASSWORD, first_name="Olaf", last_name="Beobachter",
        company=company, role=Role.OBSERVER,
    )  # fmt: skip
    position = Position.objects.create(
        company=company, title="Softwareentwickler (m/w/d)", location="Köln"
    )
    candidate = Candidate.objects.create(
        company=company, first_name="Sophie", last_name="Wagner",
        email="sophie.wagner@example.org", language="de",
    )  # fmt: skip
    application = Application.objects.create(
        company=company, candidate=candidate, position=position
    )
    # The simulator's Muster GmbH tenant: mailboxes for the EBMS users above, the tenant
    # admin it-admin@, rooms and two weeks of existing events (as `make demo` seeds it).
    seed_muster()
    # The booking assistant answers after the create (asynchronous, as in Exchange); with no
    # delay its answer is there by the time the simulator's week view is opened (the page
    # applies what is due; the test thread cannot move the simulator clock once pages run).
    Mailbox.objects.filter(email=f"raum.rhein@{DOMAIN}").update(answer_delay_seconds=0)
    return {
        "company": company,
        "admin": admin,
        "recruiter": recruiter,
        "observer": observer,
        "application": application,
        "mailbox": Mailbox.objects.get(email=recruiter.email),
        "room": Mailbox.objects.get(email=f"raum.rhein@{DOMAIN}"),
    }


def _workday(days_ahead: int) -> date:
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _login(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/konto/anmelden/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    _submit(page, "main button[type=submit]")
    page.wait_for_url(f"{base}/")


def _see(page, text: str) -> None:
    """The page shows `text` (waits for it, as a person would)."""
    expect(page.locator("body")).to_contain_text(text)


def _not_see(page, text: str) -> None:
    expect(page.locator("body")).not_to_contain_text(text)


def _submit(target, selector: str | None = None) -> None:
    """Click a submit button (a selector on a page, or a locator) and wait for the next page."""
    page = target if selector is not None else target.page
    with page.expect_navigation():
        (page.locator(selector) if selector is not None else target).click()


def _set_time(page, day: date, begin: str, finish: str) -> None:
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", begin)
    page.fill("#id_end_time", finish)
    for field in ("#id_date", "#id_start_time", "#id_end_time"):
        # As when a person leaves the field: the picker follows the form's change events.
        page.locator(field).dispatch_event("change")


def _pick_next_free(page) -> tuple[str, str, str]:
    """Click the picker's "next common free slot"; returns the (date, start, end) it set."""
    page.get_by_role("button", name="Nächsten gemeinsamen freien Termin finden").click()
    expect(page.locator("[data-conflicts]")).to_contain_text("Frei für alle")
    return (
        page.input_value("#id_date"),
        page.input_value("#id_start_time"),
        page.input_value("#id_end_time"),
    )


def _check_rows(page) -> dict[str, str]:
    rows = page.locator("table.ci-check tbody tr")
    return {
        rows.nth(i).get_attribute("data-item"): rows.nth(i).get_attribute("data-status")
        for i in range(rows.count())
    }


def test_trial_connection_and_planning_in_the_browser(m365, new_page, settings):
    # As in `make demo`: the demo mail page exists only with DEBUG, and mails go to the database
    # (pytest-django would switch both off).
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "ebms.mail.backends.DatabaseEmailBackend"
    # All database work first: no ORM calls once the browser runs (see conftest.py).
    journey = Journey(base=m365.base_url.removesuffix("/m365"), shot=Camera(), **_seed())
    # Every context may take axe-core's script (tests/e2e/axe.py): CSP bypassed here only.
    browser = functools.partial(new_page, bypass_csp=True)

    cm = browser()
    _community_manager_starts_the_trial(cm, journey)
    _company_admin_sees_the_trial_and_adds_the_tenant_admin(browser(), journey)
    tom = browser()
    _tenant_admin_connects_with_rooms_and_consents_for_the_organisation(tom, journey)
    lena = browser()
    _recruiter_connects_without_a_consent_page(lena, journey)
    on_site, online = _recruiter_plans_on_site_with_a_room_and_online(lena, journey)
    _candidate_mail_shows_the_teams_join_info(browser(), journey)
    _calendars_in_the_simulator_show_both_events(lena, journey, on_site, online)
    _recruiter_sees_sync_and_mail_state_where_she_looks(lena, journey)
    _observer_sees_no_link_he_may_not_open(browser(), journey)
    _english_mode_shows_english_dates_and_check_rows(lena, journey)
    _disconnecting_asks_first_and_explains(tom, journey)
    _paused_booking_warns_and_offers_no_retry(cm, lena, journey)
    assert len(journey.shot.checked) >= 20, journey.shot.checked
    journey.shot.assert_accessible()


def _community_manager_starts_the_trial(cm, j: Journey) -> None:
    cm.goto(f"{j.base}/admin/")
    cm.fill("#id_username", "cm@ebms.example")
    cm.fill("#id_password", PASSWORD)
    _submit(cm, "input[type=submit]")
    cm.goto(f"{j.base}/admin/accounts/company/")
    _see(cm, "nicht gebucht")
    cm.check(f"input[name=_selected_action][value='{j.company.pk}']")
    cm.select_option("select[name=action]", label="7-Tage-Demo starten")
    j.shot(cm, "admin-start-trial")
    _submit(cm, "button[name=index]")
    _see(cm, "7-Tage-Demo für Muster GmbH gestartet.")
    _see(cm, "7-Tage-Demo (noch 7 Tage)")
    j.shot(cm, "admin-trial-started")


def _company_admin_sees_the_trial_and_adds_the_tenant_admin(anna, j: Journey) -> None:
    """The tenant admin has no EBMS profile: a temporary recruiter account for him."""
    _login(anna, j.base, j.admin.email)
    _see(anna, "7-Tage-Demo aktiv: noch 7 Tage.")
    j.shot(anna, "dashboard-trial-notice")
    _submit(anna, "nav.mainnav >> text=Benutzer")
    _submit(anna, "text=Benutzer anlegen")
    anna.fill("#id_first_name", "Tom")
    anna.fill("#id_last_name", "IT")
    anna.fill("#id_email", f"it-admin@{DOMAIN}")
    anna.select_option("#id_role", "recruiter")
    anna.fill("#id_password", TEMP_PASSWORD)
    j.shot(anna, "user-create-tenant-admin")
    _submit(anna, "main button[type=submit]")
    _see(anna, "Benutzer Tom IT wurde angelegt.")


def _tenant_admin_connects_with_rooms_and_consents_for_the_organisation(tom, j: Journey) -> None:
    _login(tom, j.base, f"it-admin@{DOMAIN}", TEMP_PASSWORD)
    _submit(tom, "nav.mainnav >> text=Kalender")
    _see(tom, "Erste Einrichtung durch einen Tenant-Administrator")
    j.shot(tom, "connect-first-setup")
    tom.get_by_role("button", name="Account verbinden (+Räume)").click()
    tom.wait_for_url(re.compile(r"/m365/login/"))
    _see(tom, "Anmelden")
    tom.fill("input[name=login]", f"it-admin@{DOMAIN}")
    tom.fill("input[name=passwd]", DEMO_PASSWORD)
    j.shot(tom, "m365-sign-in")
    _submit(tom, "button[value=sign_in]")
    _see(tom, "Angeforderte Berechtigungen")
    tom.get_by_label("Zustimmung im Namen Ihrer Organisation").check()
    j.shot(tom, "m365-consent-for-organisation")
    _submit(tom, "button[value=accept]")
    tom.wait_for_url(f"{j.base}/kalender/verbinden/")
    _see(tom, "Ihr Microsoft-Konto ist verbunden.")
    _see(tom, f"IT-Administration <it-admin@{DOMAIN}>")
    checks = _check_rows(tom)
    assert set(checks) >= {"profile", "write", "free_busy", "teams", "rooms"}
    assert set(checks.values()) == {"ok"}, checks
    j.shot(tom, "tenant-admin-connected-function-check")


def _recruiter_connects_without_a_consent_page(lena, j: Journey) -> None:
    _login(lena, j.base, j.recruiter.email)
    _submit(lena, "nav.mainnav >> text=Kalender")
    _not_see(lena, "Erste Einrichtung")
    lena.get_by_role("button", name="Account verbinden (+Räume)").click()
    lena.wait_for_url(re.compile(r"/m365/login/"))
    lena.fill("input[name=login]", j.recruiter.email)
    lena.fill("input[name=passwd]", DEMO_PASSWORD)
    # The organisation's consent covers her, rooms included: straight back to EBMS.
    _submit(lena, "button[value=sign_in]")
    assert lena.url == f"{j.base}/kalender/verbinden/"
    _see(lena, "Ihr Microsoft-Konto ist verbunden.")
    _see(lena, f"Lena Schmidt <{j.recruiter.email}>")
    checks = _check_rows(lena)
    assert checks.get("rooms") == "ok"
    assert set(checks.values()) == {"ok"}, checks
    # Issue 14.13: connected means "Verbunden als ...", no more "verbinden" buttons.
    expect(lena.locator("[data-connected-as]")).to_have_text(f"Verbunden als {j.recruiter.email}")
    expect(lena.get_by_role("button", name=re.compile("Account verbinden"))).to_have_count(0)
    j.shot(lena, "recruiter-connected-function-check")


def _recruiter_plans_on_site_with_a_room_and_online(lena, j: Journey) -> tuple[tuple, tuple]:
    """Both times come from the picker's "next common free slot"; returns (title, date, start,
    end) of each appointment."""
    day = _workday(2)
    lena.goto(f"{j.base}/bewerbungen/{j.application.pk}/")
    _submit(lena, "main >> text=Termin planen")
    lena.select_option("#id_kind", "onsite")
    lena.fill("#id_title", "Vorstellungsgespräch Sophie Wagner")
    _set_time(lena, day, "08:00", "09:00")
    lena.fill("#id_location", "Muster GmbH, Domstraße 1, 50667 Köln")
    picker = lena.locator("[data-picker]")
    expect(picker.locator(".pk-row .pk-label", has_text="Lena Schmidt")).to_have_count(1)
    # The room list comes from Microsoft's Places API; the recruiter fetches it once.
    picker.get_by_role("button", name="Raumliste aktualisieren").click()
    expect(picker.locator("[data-rooms-refreshed]")).not_to_have_text("noch nie")
    # Dates as a German reader writes them (issue 14.12), not ISO.
    expect(picker.locator("[data-rooms-refreshed]")).to_have_text(
        re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$")
    )
    room = j.room.email
    expect(picker.locator(f"[data-room-select] option[value='{room}']")).to_have_count(1)
    picker.locator("[data-room-select]").select_option(room)
    expect(lena.locator("#id_room_email")).to_have_value(room)
    expect(lena.locator("#id_room_name")).to_have_value("Besprechungsraum Rhein")
    expect(picker.locator(".pk-kind-room .pk-label")).to_contain_text("Besprechungsraum Rhein")
    on_site = ("Vorstellungsgespräch Sophie Wagner", *_pick_next_free(lena))
    j.shot(lena, "plan-on-site-with-room-in-picker")
    _submit(lena, "main button.primary[type=submit]")
    _see(lena, "Der Termin wurde geplant.")
    _see(lena, "Besprechungsraum Rhein")
    _see(lena, "Einladung: gesendet")
    expect(lena.locator("[data-sync-status]")).to_have_text("synchronisiert")
    j.shot(lena, "on-site-appointment-planned")

    lena.goto(f"{j.base}/bewerbungen/{j.application.pk}/termin/neu/")
    lena.select_option("#id_kind", "online")
    lena.fill("#id_title", "Zweitgespräch (online)")
    _set_time(lena, date.fromisoformat(on_site[1]), on_site[2], on_site[3])
    # The slot just booked shows as taken; the next free one comes after it.
    expect(lena.locator("[data-conflicts]")).to_contain_text("Konflikte zur gewählten Zeit")
    online = ("Zweitgespräch (online)", *_pick_next_free(lena))
    assert (online[1], online[2]) >= (on_site[1], on_site[3])
    # No meeting link: the calendar integration creates a Teams meeting with the event.
    expect(lena.locator("#id_meeting_link")).to_have_value("")
    expect(lena.locator("#id_candidate_message")).to_have_value(re.compile(r"\[\[Online-"))
    j.shot(lena, "plan-online-in-picker")
    _submit(lena, "main button.primary[type=submit]")
    _see(lena, "Der Termin wurde geplant.")
    _see(lena, "Einladung: gesendet")
    expect(lena.locator("[data-sync-status]")).to_have_text("synchronisiert")
    _see(lena, "https://teams.microsoft.com/l/meetup-join/")
    j.shot(lena, "online-appointment-planned")
    return on_site, online


def _candidate_mail_shows_the_teams_join_info(anna, j: Journey) -> None:
    """The company admin reads the candidate's mail on the demo mail page (login required;
    a recruiter may not, issue 11.6)."""
    _login(anna, j.base, j.admin.email)
    anna.goto(f"{j.base}/demo/mails/")
    mails = anna.locator("table.table tbody tr", has_text="sophie.wagner@example.org")
    expect(mails).to_have_count(2)
    j.shot(anna, "demo-mails")
    _submit(anna.get_by_role("link", name="Einladung: Zweitgespräch (online)"))
    text_part = anna.locator("pre").first
    expect(text_part).to_contain_text("https://teams.microsoft.com/l/meetup-join/")
    expect(text_part).to_contain_text("Besprechungs-ID")
    expect(text_part).not_to_contain_text("[[Online-Meeting-Teilnahme]]")
    html_part = anna.frame_locator("iframe").locator("body")
    expect(html_part).to_contain_text("Microsoft Teams-Besprechung")
    expect(html_part).to_contain_text("Klicken Sie hier, um an der Besprechung teilzunehmen")
    j.shot(anna, "candidate-mail-teams-join-info")


def _calendars_in_the_simulator_show_both_events(lena, j: Journey, on_site, online) -> None:
    """The recruiter's Outlook calendar (the simulator's week view) and the room's."""

    def event(mailbox: Mailbox, day_iso: str, text: str):
        lena.goto(f"{j.base}/m365/kalender/{mailbox.pk}/?woche={day_iso}")
        _see(lena, f"Kalender von {mailbox.display_name}")
        return lena.locator(f".ops-col[data-date='{day_iso}'] .ops-ev", has_text=text)

    title, day_iso, begin, finish = online
    teams = event(j.mailbox, day_iso, title)
    expect(teams).to_contain_text(f"{begin}–{finish}")
    expect(teams.get_by_role("link", name="Teams-Besprechung beitreten")).to_have_count(1)

    title, day_iso, begin, finish = on_site
    interview = event(j.mailbox, day_iso, title)
    expect(interview).to_contain_text(f"{begin}–{finish}")
    expect(interview).to_contain_text("Besprechungsraum Rhein (Raum): angenommen")
    j.shot(lena, "m365-recruiter-calendar")

    # The room accepted and holds the booking (as Exchange does, under the organizer's name).
    booking = event(j.room, day_iso, "Organisator: Lena Schmidt")
    expect(booking).to_contain_text(f"{begin}–{finish}")
    expect(booking).to_contain_text("Antwort: angenommen")
    j.shot(lena, "m365-room-calendar")


# --- issue 14 -------------------------------------------------------------------------------


def _recruiter_sees_sync_and_mail_state_where_she_looks(lena, j: Journey) -> None:
    """Point 1: dashboard, appointment list and application page show, per appointment, the
    Outlook state and the candidate mail's state (no problems: no problem count)."""
    lena.goto(f"{j.base}/")
    # Point 13: connected, the notice names the account instead of offering to connect.
    expect(lena.locator("[data-notice-connected]")).to_have_text(
        f"Verbunden als {j.recruiter.email}"
    )
    expect(lena.get_by_role("link", name="Microsoft-Konto verbinden")).to_have_count(0)
    mine = lena.locator("main table.table").first
    expect(mine.locator("[data-sync-state='synced']")).to_have_count(2)
    expect(mine.locator("[data-sync-state]").first).to_have_text("synchronisiert")
    expect(mine).to_contain_text("Einladung: gesendet")
    expect(lena.locator("[data-problem-count]")).to_have_count(0)
    j.shot(lena, "dashboard-sync-and-mail-state")

    _submit(lena, "nav.mainnav >> text=Termine")
    expect(lena.locator("main [data-sync-state='synced']")).to_have_count(2)
    j.shot(lena, "appointment-list-sync-state")

    lena.goto(f"{j.base}/bewerbungen/{j.application.pk}/")
    expect(lena.locator("main [data-sync-state='synced']")).to_have_count(2)
    expect(lena.locator("main table.table").first).to_contain_text("Einladung: gesendet")
    _fits_the_window(lena)  # point 16: the Teams link wraps in its cell
    j.shot(lena, "application-sync-state")
    _submit(lena.get_by_role("link", name="Zweitgespräch (online)"))
    _see(lena, "https://teams.microsoft.com/l/meetup-join/")
    _fits_the_window(lena)
    lena.go_back()

    # Point 3: the call history in words, not "create POST".
    _submit(lena.get_by_role("link", name="Vorstellungsgespräch Sophie Wagner"))
    expect(lena.locator("[data-sync-state]")).to_have_text("synchronisiert")
    lena.wait_for_load_state("networkidle")  # the panel's fresh state has replaced it
    lena.get_by_text("Verlauf der Microsoft-Aufrufe").click()
    history = lena.locator("#sync-panel details table")
    expect(history).to_contain_text("Termin angelegt")
    expect(history).not_to_contain_text("create")
    # Point 4: the report form says what is sent along.
    lena.locator("#sync-panel summary", has_text="Problem melden").click()
    expect(lena.locator("#sync-report-help")).to_contain_text("Mitgesendet werden")
    j.shot(lena, "appointment-history-and-report-form")


def _observer_sees_no_link_he_may_not_open(olaf, j: Journey) -> None:
    """Point 14: no calendar setup or connect link for an observer, anywhere he goes."""
    _login(olaf, j.base, j.observer.email)
    setup_links = olaf.locator("a[href^='/kalender/']")
    expect(olaf.locator("nav.mainnav a", has_text="Kalender")).to_have_count(0)
    expect(setup_links).to_have_count(0)
    j.shot(olaf, "observer-dashboard")
    _submit(olaf, "nav.mainnav >> text=Termine")
    expect(olaf.locator("main [data-sync-state='synced']")).to_have_count(2)
    _submit(olaf.get_by_role("link", name="Zweitgespräch (online)"))
    expect(olaf.locator("[data-sync-state]")).to_have_text("synchronisiert")
    expect(setup_links).to_have_count(0)
    expect(olaf.get_by_role("link", name="Bearbeiten")).to_have_count(0)
    expect(olaf.get_by_role("button", name="Erneut versuchen")).to_have_count(0)
    j.shot(olaf, "observer-appointment")


def _fits_the_window(page) -> None:
    """No horizontal scrolling: long links wrap inside their box (issue 14.16)."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


GERMAN_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


def _english_mode_shows_english_dates_and_check_rows(lena, j: Journey) -> None:
    """Point 12: in English, the function check and every date read English."""
    _submit(lena, "nav.mainnav >> text=Kalender")
    with lena.expect_navigation():
        lena.select_option("#lang-select", "en")
    expect(lena.locator("html")).to_have_attribute("lang", "en")
    check = lena.locator("table.ci-check")
    expect(check.locator("tr[data-item='profile'] td").first).to_have_text("Profile")
    expect(check.locator("tr[data-item='write'] td").first).to_have_text("Write calendar")
    expect(check).not_to_contain_text("Angemeldet als")
    expect(lena.locator("[data-connected-as]")).to_have_text(f"Connected as {j.recruiter.email}")
    assert not GERMAN_DATE.search(lena.locator("main").inner_text())
    j.shot(lena, "english-function-check")
    _submit(lena, "nav.mainnav >> text=Appointments")
    expect(lena.locator("main [data-sync-state='synced']")).to_have_text(["synced"] * 2)
    assert not GERMAN_DATE.search(lena.locator("main").inner_text())
    j.shot(lena, "english-appointment-list")
    with lena.expect_navigation():
        lena.select_option("#lang-select", "de")
    expect(lena.locator("html")).to_have_attribute("lang", "de")
    # And German reads German: 01.12.2026 in the list.
    assert GERMAN_DATE.search(lena.locator("main").inner_text())


def _disconnecting_asks_first_and_explains(tom, j: Journey) -> None:
    """Point 13: "Verbindung trennen" explains what happens (no "Tokens") and asks first."""
    tom.goto(f"{j.base}/kalender/verbinden/")
    expect(tom.locator("[data-connected-as]")).to_have_text(f"Verbunden als it-admin@{DOMAIN}")
    tom.get_by_text("Verbindung trennen …").click()
    confirm = tom.locator("[data-disconnect]")
    expect(confirm).to_contain_text("Termine, die schon in Outlook stehen, bleiben dort")
    expect(tom.locator("main")).not_to_contain_text("Token")
    j.shot(tom, "disconnect-asks-first")
    _submit(tom.get_by_role("button", name="Ja, Verbindung trennen"))
    _see(tom, "Die Verbindung wurde getrennt.")
    expect(tom.locator("[data-connected-as]")).to_have_count(0)
    expect(tom.get_by_role("button", name="Account verbinden (+Räume)")).to_have_count(1)
    j.shot(tom, "disconnected")


def _paused_booking_warns_and_offers_no_retry(cm, lena, j: Journey) -> None:
    """Point 2: the booking ends; a time change warns that Outlook, observers and room keep
    the old time, and the paused appointment offers no "Erneut versuchen"."""
    cm.goto(f"{j.base}/admin/accounts/company/")
    cm.check(f"input[name=_selected_action][value='{j.company.pk}']")
    cm.select_option("select[name=action]", label="Buchung beenden")
    _submit(cm, "button[name=index]")
    _see(cm, "Buchung für Muster GmbH beendet.")

    lena.goto(f"{j.base}/bewerbungen/{j.application.pk}/")
    _submit(lena.get_by_role("link", name="Vorstellungsgespräch Sophie Wagner"))
    _submit(lena.get_by_role("link", name="Bearbeiten"))
    warning = lena.locator("[data-flag='paused-edit']")
    expect(warning).to_contain_text("Outlook, die Beobachter und der Raum behalten die alte Zeit")
    j.shot(lena, "paused-booking-edit-warns")
    day = date.fromisoformat(lena.input_value("#id_date"))
    _set_time(lena, day, "17:00", "18:00")
    _submit(lena, "main button.primary[type=submit]")
    _see(lena, "Der Termin wurde gespeichert.")
    expect(lena.locator("[data-sync-state]")).to_have_text("pausiert")
    expect(lena.locator("[data-flag='paused']")).to_contain_text("behalten sie die alte Zeit")
    expect(lena.get_by_role("button", name="Erneut versuchen")).to_have_count(0)
    j.shot(lena, "paused-booking-no-retry")
