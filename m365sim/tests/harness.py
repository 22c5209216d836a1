"""Test harness for the Microsoft 365 simulator served by pytest-django's live server.

Used through the root conftest.py fixture `m365` (see there). It drives the simulator over
HTTP exactly like a browser would (GET the authorize URL, post the sign-in and consent forms)
so tests can run the real MSAL auth-code flow without a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from django.conf import settings

from m365sim import clock, tokens
from m365sim.identity import directory
from m365sim.models import (
    Delivery,
    EnterpriseApp,
    Event,
    Grant,
    Mailbox,
    ServicePrincipal,
    Subscription,
    Tenant,
)
from m365sim.seed_directory import DEMO_PASSWORD, room_ensure, tenant_ensure, user_ensure

_FORM = re.compile(r'<form[^>]*action="([^"]+)"', re.I)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', re.I)


def _form_action(html: str) -> str:
    found = _FORM.search(html)
    return unescape(found.group(1)) if found else ""


class SignInStopped(Exception):
    """The browser ended on a simulator page instead of a redirect to the app."""

    def __init__(self, page: str, status: int):
        super().__init__(f"sign-in stopped on a page (HTTP {status})")
        self.page = page
        self.status = status

    @property
    def aadsts(self) -> int | None:
        found = re.search(r'data-aadsts="(\d+)"', self.page)
        return int(found.group(1)) if found else None


@dataclass
class Browser:
    """A cookie-keeping HTTP client that fills in the simulator's sign-in pages."""

    session: requests.Session = field(default_factory=requests.Session)
    page: str = ""

    def open(self, url: str) -> requests.Response:
        response = self.session.get(url, allow_redirects=False, timeout=30)
        self.page = response.text
        return response

    def submit(self, response: requests.Response, **fields) -> requests.Response:
        """Post the page's form with its hidden fields plus `fields`."""
        html = response.text
        action = _FORM.search(html)
        if action is None:
            raise SignInStopped(html, response.status_code)
        data = {name: unescape(value) for name, value in _HIDDEN.findall(html)}
        data.update(fields)
        url = urljoin(response.url, unescape(action.group(1)))
        answer = self.session.post(url, data=data, allow_redirects=False, timeout=30)
        self.page = answer.text
        return answer


@dataclass
class M365:
    """The simulator under test, with a seeded tenant (see the `m365` fixture)."""

    base_url: str
    tenant: Tenant
    admin: Mailbox
    recruiter: Mailbox
    rooms: list[Mailbox]
    app: EnterpriseApp
    redirect_uri: str
    password: str = DEMO_PASSWORD
    _sessions: list = field(default_factory=list, repr=False)

    # -- directory -----------------------------------------------------------------------
    def add_user(self, local: str, display_name: str = "", **fields) -> Mailbox:
        """A user mailbox `local@<tenant domain>` (password: self.password unless given)."""
        return user_ensure(
            tenant=self.tenant,
            email=f"{local}@{self.tenant.domain}",
            display_name=display_name or local.title(),
            **fields,
        )

    def add_room(self, local: str, display_name: str = "", capacity: int = 6, **fields) -> Mailbox:
        return room_ensure(
            tenant=self.tenant,
            email=f"{local}@{self.tenant.domain}",
            display_name=display_name or local.title(),
            capacity=capacity,
            **fields,
        )

    def service_principal(self) -> ServicePrincipal | None:
        return directory.service_principal_get(
            tenant=self.tenant, client_id=str(self.app.client_id)
        )

    def grant_admin_consent(self, scopes: list[str]) -> Grant:
        """Tenant-wide consent, as if an admin had used /adminconsent."""
        sp = directory.service_principal_ensure(tenant=self.tenant, app=self.app)
        return directory.grant_add(sp=sp, principal=None, scopes=scopes)

    def grant_user_consent(self, mailbox: Mailbox, scopes: list[str]) -> Grant:
        sp = directory.service_principal_ensure(tenant=self.tenant, app=self.app)
        return directory.grant_add(sp=sp, principal=mailbox, scopes=scopes)

    def access_token(self, mailbox: Mailbox, scopes: list[str], **kw) -> str:
        """A Graph access token without any sign-in (for Graph-side tests)."""
        return tokens.issue_access_token(mailbox, scopes, str(self.app.client_id), **kw)

    # -- clock -----------------------------------------------------------------------------
    def advance_clock(self, **delta) -> datetime:
        """Move the simulator's clock, e.g. advance_clock(days=91); what fell due meanwhile
        (room answers, attendee responses, late join URLs) happens."""
        from m365sim.graph import later

        now = clock.advance(delta=timedelta(**delta))
        later.apply_due(now)
        return now

    # -- attendees -------------------------------------------------------------------------
    def respond(
        self,
        attendee: Mailbox,
        event: Event,
        response: str,
        *,
        after: timedelta = timedelta(minutes=5),
        propose: tuple[datetime, datetime] | None = None,
    ) -> None:
        """`attendee` answers the meeting `event` (any copy) `after` from now (simulated):
        "accepted", "tentativelyAccepted" or "declined", optionally proposing a new time."""
        from m365sim.graph import later

        organizer_item = Event.objects.get(ical_uid=event.ical_uid, is_organizer=True)
        later.attendee_answer_schedule(
            event=organizer_item,
            attendee=attendee,
            response=response,
            after=after,
            proposed_start=propose[0] if propose else None,
            proposed_end=propose[1] if propose else None,
        )

    def now(self) -> datetime:
        return clock.now()

    # -- Outlook-side changes (the mailbox owner in Outlook) ---------------------------------
    def outlook_move(self, event: Event, start: datetime, end: datetime) -> Event:
        """The owner drags `event` (this mailbox's item) to start..end in Outlook."""
        from m365sim.graph import events

        fmt = "%Y-%m-%dT%H:%M:%S"
        data = {
            "start": {"dateTime": start.astimezone(UTC).strftime(fmt), "timeZone": "UTC"},
            "end": {"dateTime": end.astimezone(UTC).strftime(fmt), "timeZone": "UTC"},
        }
        return events.event_update(event=Event.objects.get(pk=event.pk), data=data)

    def outlook_delete(self, event: Event) -> None:
        """The owner deletes `event` in Outlook (an organizer's delete cancels the meeting)."""
        from m365sim.graph import events

        events.event_delete(event=Event.objects.get(pk=event.pk))

    # -- change notifications and delta (docs/m365sim-graph.md) ----------------------------
    def deliver_notifications(self) -> int:
        """POST every due notification now (synchronously; failures are rescheduled with
        backoff on the simulator clock). Returns how many were delivered (2xx)."""
        from m365sim.graph import delivery

        return delivery.drain()

    def start_delivery_thread(self) -> None:
        """Deliver in the background as the running simulator does (off in tests)."""
        from m365sim.graph import delivery

        delivery.start_thread()

    def wait_for_notifications(self, timeout: float = 10.0) -> bool:
        """Start the delivery thread and wait until nothing due is queued."""
        from m365sim.graph import delivery

        delivery.start_thread()
        return delivery.wait_idle(timeout)

    def subscriptions(self, mailbox: Mailbox | None = None) -> list[Subscription]:
        qs = Subscription.objects.all()
        return list(qs.filter(mailbox=mailbox) if mailbox else qs)

    def notification_faults(
        self,
        subscription_id: str | None = None,
        *,
        mailbox: Mailbox | None = None,
        delay_seconds: int = 0,
        duplicate: bool = False,
        reorder: bool = False,
        drop: bool = False,
    ) -> int:
        """Switch the delivery faults of one subscription (or all of `mailbox`'s); all off
        when called without flags. Returns how many subscriptions were changed."""
        qs = Subscription.objects.all()
        if subscription_id:
            qs = qs.filter(pk=subscription_id)
        if mailbox is not None:
            qs = qs.filter(mailbox=mailbox)
        return qs.update(
            delay_seconds=delay_seconds, duplicate=duplicate, reorder=reorder, drop=drop
        )

    def lifecycle_event(self, subscription_id: str, event: str) -> None:
        """Queue a lifecycle notification: reauthorizationRequired, subscriptionRemoved
        (also removes the subscription) or missed. Deliver with deliver_notifications()."""
        from m365sim.graph import delivery

        sub = Subscription.objects.select_related("mailbox").get(pk=subscription_id)
        delivery.lifecycle(sub, event)

    def deliveries(self, mailbox: Mailbox | None = None) -> list[Delivery]:
        """The delivery log, oldest first."""
        qs = Delivery.objects.order_by("pk")
        return list(qs.filter(mailbox=mailbox) if mailbox else qs)

    def invalidate_delta(self, mailbox: Mailbox) -> int:
        """Evict `mailbox`'s delta tokens: their next use answers 410 syncStateNotFound."""
        from m365sim.graph import delta

        return delta.invalidate(mailbox)

    # -- URLs and MSAL -----------------------------------------------------------------------
    @property
    def authority(self) -> str:
        """Microsoft's authority URL for this tenant (the product uses real hosts)."""
        return f"{settings.M365_AUTHORITY_HOST}/{self.tenant.id}"

    def http(self):
        """The product's Microsoft session, mapping Microsoft's hosts onto this simulator."""
        from calendar_integration.microsoft.http import MicrosoftSession

        return self._track(MicrosoftSession())

    def msal_app(self, authority: str | None = None, **kw):
        """A real msal.ConfidentialClientApplication talking to the simulator."""
        import msal

        return msal.ConfidentialClientApplication(
            str(self.app.client_id),
            client_credential=self.app.client_secret,
            authority=authority or self.authority,
            http_client=self.http(),
            **kw,
        )

    # -- the interactive sign-in ---------------------------------------------------------------
    def browser(self) -> Browser:
        browser = Browser()
        self._track(browser.session)
        return browser

    def _track(self, session):
        self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close every HTTP connection the harness opened (before the live server stops)."""
        for session in self._sessions:
            session.close()

    def sign_in(
        self,
        auth_uri: str,
        *,
        email: str | None = None,
        password: str | None = None,
        accept: bool = True,
        org_consent: bool = False,
        browser: Browser | None = None,
    ) -> str:
        """Run the sign-in in a browser: returns the redirect URL (with code or error).

        Posts e-mail/password (default: the recruiter), then accepts (or cancels) the consent
        page if one is shown. Raises SignInStopped when a page other than those ends the flow
        (wrong password, AADSTS error page, "Need admin approval").
        """
        browser = browser or self.browser()
        response = browser.open(auth_uri)
        if response.status_code != 302:
            response = browser.submit(
                response,
                login=email or self.recruiter.email,
                passwd=self.password if password is None else password,
                action="sign_in",
            )
        if response.status_code != 302 and _form_action(response.text).endswith("/consent"):
            fields = {"action": "accept" if accept else "cancel"}
            if org_consent:
                fields["org_consent"] = "on"
            response = browser.submit(response, **fields)
        if response.status_code != 302:
            raise SignInStopped(response.text, response.status_code)
        return response.headers["Location"]

    def auth_response(self, redirect_url: str) -> dict:
        """The query parameters of a redirect, as MSAL's acquire_token_by_auth_code_flow wants."""
        return dict(parse_qsl(urlsplit(redirect_url).query))


def build(live_url: str) -> M365:
    """Seed a small tenant and point settings at the live server (called by the fixture)."""
    tenant = tenant_ensure(display_name="Contoso Test", domain="contoso.example")
    app = directory.app_ensure()
    redirect_uri = settings.M365_REDIRECT_URI
    directory.app_register_redirect_uri(app=app, redirect_uri=redirect_uri)
    admin = user_ensure(
        tenant=tenant,
        email="admin@contoso.example",
        display_name="Ada Admin",
        is_tenant_admin=True,
    )
    recruiter = user_ensure(
        tenant=tenant,
        email="rita@contoso.example",
        display_name="Rita Recruiter",
        given_name="Rita",
        surname="Recruiter",
    )
    rooms = [
        room_ensure(
            tenant=tenant,
            email="raum.alpha@contoso.example",
            display_name="Raum Alpha",
            capacity=6,
            building="Haus 1",
            floor_label="1. OG",
            floor_number=1,
        ),
        room_ensure(
            tenant=tenant,
            email="raum.beta@contoso.example",
            display_name="Raum Beta",
            capacity=12,
            building="Haus 1",
            floor_label="EG",
            floor_number=0,
        ),
    ]
    return M365(
        base_url=f"{live_url}/m365",
        tenant=tenant,
        admin=admin,
        recruiter=recruiter,
        rooms=rooms,
        app=app,
        redirect_uri=redirect_uri,
    )
