"""Issue 14.14: every link shown to a demo role works for that role.

Starting at the dashboard, each person follows every <a href> of every page he can reach
(same origin; not logout; the simulator only where the product links it, and not beyond) and
no link answers 4xx or 5xx. Roles: recruiter (connected to Microsoft 365), observer, company
admin, and a recruiter of a company without the calendar feature. As in the demo, DEBUG is on,
so the demo footer's links are walked too.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

from calendar_integration.tests.conftest import connect
from ebms.accounts.models import Company, Role, User
from ebms.accounts.services import booking_activate
from ebms.recruiting.services import (
    appointment_cancel,
    appointment_create,
    proposal_create,
    proposal_pick,
)
from ebms.recruiting.tests import factories as f

MAX_PAGES = 400
# The product links the simulator's start page in the demo footer; its own pages are not ours.
SIMULATOR_LINKED = {"/m365/"}
SKIP_PREFIXES = ("/konto/abmelden/", "/static/", "/media/")


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _anchors(html: str) -> list[str]:
    parser = _Anchors()
    parser.feed(html)
    return parser.hrefs


def _local(base: str, href: str) -> str | None:
    """The same-origin path (with query) an href leads to, or None when it is not walked."""
    if href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    target, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(target)
    if parts.netloc != "testserver":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIP_PREFIXES):
        return None
    if path.startswith("/m365/") and path not in SIMULATOR_LINKED:
        return None
    return path


def walk(client: Client) -> dict[str, tuple[int, str]]:
    """Every page reachable by links from the dashboard: {path: (status, linked from)}."""
    seen: dict[str, tuple[int, str]] = {}
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    queued = {"/"}
    while queue and len(seen) < MAX_PAGES:
        path, source = queue.popleft()
        response = client.get(path, follow=True)
        seen[path] = (response.status_code, source)
        if response.status_code >= 400 or path in SIMULATOR_LINKED:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.request["PATH_INFO"]
        for href in _anchors(response.content.decode()):
            target = _local(final, href)
            if target is not None and target not in queued:
                queued.add(target)
                queue.append((target, path))
    assert len(seen) < MAX_PAGES, "the walk did not end: a link generates new links"
    return seen


def _broken(seen: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{path} -> {status} (linked from {source})"
        for path, (status, source) in seen.items()
        if status >= 400
    ]


def _person(email: str, company: Company, role: str, first: str, last: str) -> User:
    return User.objects.create_user(
        email, "pw-" + email, company=company, role=role, first_name=first, last_name=last
    )


def _appointments(application, recruiter: User, observers=()) -> dict:
    """An on-site (with observers), an online, a cancelled appointment; an open and a picked
    proposal."""
    on_site = f.appointment(application=application, by=recruiter, observers=observers)
    online = f.appointment(
        application=application,
        by=recruiter,
        kind="online",
        starts_at=f.future(days=8),
        title="Zweitgespräch (online)",
        candidate_message="Hallo!\n\n[[Online-Meeting-Teilnahme]]",
        meeting_link="https://meet.example.org/zweitgespraech",
    )
    cancelled = appointment_create(
        by=recruiter,
        application=application,
        recruiter=recruiter,
        observers=[],
        kind="phone",
        starts_at=f.future(days=9),
        ends_at=f.future(days=9) + timedelta(hours=1),
        title="Telefonat",
    )
    appointment_cancel(appointment=cancelled, by=recruiter, reason="Terminkonflikt")
    day = f.future(days=12)

    def propose(title: str):
        return proposal_create(
            by=recruiter,
            application=application,
            recruiter=recruiter,
            observers=list(observers),
            kind="onsite",
            location="Domstraße 1",
            title=title,
            slots=[(day, day + timedelta(hours=1)), (day.replace(hour=14), day.replace(hour=15))],
        )

    propose("Offene Vorschläge")
    picked = propose("Gewählte Vorschläge")
    proposal_pick(proposal=picked, slot=picked.slots.order_by("starts_at").first())
    return {"on_site": on_site, "online": online}


@pytest.fixture
def demo(m365, settings, django_capture_on_commit_callbacks):
    """Muster GmbH with the feature (recruiter connected to the simulator), Beispiel AG
    without it; both with candidates, appointments and proposals."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "ebms.mail.backends.DatabaseEmailBackend"
    muster = Company.objects.create(name="Muster GmbH")
    booking_activate(company=muster, by=None)
    lena = _person("lena@muster.example", muster, Role.RECRUITER, "Lena", "Schmidt")
    olaf = _person("olaf@muster.example", muster, Role.OBSERVER, "Olaf", "Beobachter")
    anna = _person("anna@muster.example", muster, Role.COMPANY_ADMIN, "Anna", "Admin")
    connect(m365, lena, email=m365.recruiter.email, rooms=False)
    beispiel = Company.objects.create(name="Beispiel AG")
    berta = _person("berta@beispiel.example", beispiel, Role.RECRUITER, "Berta", "Beispiel")
    with django_capture_on_commit_callbacks(execute=True):
        _appointments(f.application(company=muster), lena, observers=[olaf])
        _appointments(f.application(company=beispiel), berta)
    return {"recruiter": lena, "observer": olaf, "company_admin": anna, "no_feature": berta}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["recruiter", "observer", "company_admin", "no_feature"])
def test_every_link_shown_to_a_role_works_for_it(demo, role):
    seen = walk(_client(demo[role]))

    assert _broken(seen) == []
    # The walk reached the pages a person of this role works with.
    assert {"/", "/termine/", "/bewerber/"} <= set(seen)
    assert any(path.startswith("/termine/") and path[9:-1].isdigit() for path in seen)
    assert any(path.startswith("/vorschlaege/") for path in seen)
    assert any(path.startswith("/bewerbungen/") for path in seen)
    calendar_pages = {path for path in seen if path.startswith("/kalender/")}
    if role in ("recruiter", "company_admin"):
        assert "/kalender/verbinden/" in calendar_pages
    else:
        # Observers and companies without the feature are not shown the calendar pages.
        assert calendar_pages == set(), calendar_pages
    if role == "company_admin":
        assert "/demo/mails/" in seen and "/kalender/sync/probleme/" in seen
