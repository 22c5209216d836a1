"""Connection pages: connect, callback, disconnect, function check, admin information (F2-F4, F11).

Thin: check access (always the user's own company), call one service, render or redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ebms.accounts.access import company_admin_required, planner_required

from ..microsoft.consent import ERROR_CODES, Kind, Problem, classify
from ..microsoft.errors import Unreachable
from ..microsoft.identity import ROOM_SCOPE, scopes_for
from . import selectors, services
from .access import UserRequest, company_of
from .gating import feature_required
from .lifecycle import connection_disconnect


def _safe_next(request: HttpRequest, value: str) -> str | None:
    """`value` if it stays on this site ("" when empty), None for anything else."""
    if not value:
        return ""
    if url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def _problem(
    request: UserRequest, problem: Problem, *, with_rooms: bool = False, tenant_hint: str = ""
) -> HttpResponse:
    company = company_of(request.user)
    if problem.kind in (Kind.ADMIN_CONSENT, Kind.CONSENT_REQUIRED):
        consent_url = services.admin_consent_url(company=company, tenant_hint=tenant_hint)
        return render(
            request,
            "calendar_integration/admin_consent_required.html",
            {
                "problem": problem,
                "consent_url": consent_url,
                "connection": selectors.connection_for(user=request.user),
                "with_rooms": with_rooms,
                "app_id": _app_id(),
            },
        )
    status = 400 if problem.kind in _REFUSALS else 200
    return render(
        request,
        "calendar_integration/problem.html",
        {"problem": problem, "with_rooms": with_rooms, "app_id": _app_id()},
        status=status,
    )


_REFUSALS = {
    Kind.INVALID_STATE,
    Kind.REPLAYED,
    Kind.WRONG_USER,
    Kind.FOREIGN_TENANT,
    Kind.ACCOUNT_TAKEN,
}


def _app_id() -> str:
    return settings.M365_CLIENT_ID


@planner_required
@require_GET
@feature_required
def connect(request: UserRequest) -> HttpResponse:
    connection = selectors.connection_for(user=request.user)
    next_url = _safe_next(request, request.GET.get("next", "")) or ""
    return render(
        request,
        "calendar_integration/connect.html",
        {
            "connection": connection,
            "check": selectors.latest_check(connection=connection),
            "first_setup": not company_of(request.user).microsoft_tenant_id,
            "next_url": next_url,
        },
    )


@planner_required
@require_POST
@feature_required
def connect_start(request: UserRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next", ""))
    if next_url is None:
        return _problem(request, Problem(kind=Kind.INVALID_STATE, description="next"))
    with_rooms = request.POST.get("rooms") == "1"
    try:
        url = services.connect_begin(user=request.user, with_rooms=with_rooms, next_url=next_url)
    except Unreachable:
        return _problem(request, Problem(kind=Kind.UNREACHABLE), with_rooms=with_rooms)
    return redirect(url)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Microsoft's redirect for both the sign-in and the admin-consent flow."""
    if "admin_consent" in request.GET:
        return _admin_consent_done(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _signin_done(request)


@planner_required
@feature_required
def _signin_done(request: UserRequest) -> HttpResponse:
    finished = services.connect_finish(user=request.user, params=request.GET.dict())
    if finished.redirect_url:
        return redirect(finished.redirect_url)
    if finished.sent:
        messages.info(
            request,
            ngettext(
                "%(count)d wartender Termin wird jetzt in Outlook eingetragen.",
                "%(count)d wartende Termine werden jetzt in Outlook eingetragen.",
                finished.sent,
            )
            % {"count": finished.sent},
        )
    if finished.problem is not None:
        return _problem(
            request,
            finished.problem,
            with_rooms=finished.with_rooms,
            tenant_hint=finished.tenant_hint,
        )
    messages.success(request, _("Ihr Microsoft-Konto ist verbunden."))
    next_url = _safe_next(request, finished.next_url)
    return redirect(next_url or reverse("calendar_integration:connect"))


def _admin_consent_done(request: HttpRequest) -> HttpResponse:
    """Result of the admin-consent link. The `tenant` parameter is not trusted for anything:
    whether consent works shows the next connection with rooms."""
    company_id = services.admin_consent_verify_state(request.GET.get("state", ""))
    if company_id is None:
        return render(
            request,
            "calendar_integration/problem.html",
            {"problem": Problem(kind=Kind.INVALID_STATE), "app_id": _app_id()},
            status=400,
        )
    error = request.GET.get("error", "")
    problem = None
    if error:
        problem = classify(error=error, description=request.GET.get("error_description", ""))
    own_company = (
        request.user.is_authenticated and getattr(request.user, "company_id", None) == company_id
    )
    return render(
        request,
        "calendar_integration/admin_consent_done.html",
        {"problem": problem, "own_company": own_company, "app_id": _app_id()},
    )


@planner_required
@require_POST
def disconnect(request: UserRequest) -> HttpResponse:
    connection = selectors.connection_for(user=request.user)
    if connection is not None:
        connection_disconnect(connection=connection)
        messages.success(
            request,
            _(
                "Die Verbindung wurde getrennt. EBMS hat Ihre Anmeldung bei Microsoft gelöscht; "
                "Termine in Outlook bleiben bestehen."
            ),
        )
    return redirect("calendar_integration:connect")


@planner_required
@require_POST
@feature_required
def check(request: UserRequest) -> HttpResponse:
    connection = selectors.connection_for(user=request.user)
    if connection is None or not connection.is_usable:
        messages.error(request, _("Bitte verbinden Sie zuerst Ihr Microsoft-Konto."))
    else:
        services.function_check_rerun(connection=connection)
        messages.success(request, _("Der Funktionstest wurde ausgeführt."))
    return redirect("calendar_integration:connect")


@planner_required
@require_GET
@feature_required
def admin_info(request: UserRequest) -> HttpResponse:
    """F11: what a tenant admin needs to know and do (also for the temporary recruiter account)."""
    company = company_of(request.user)
    permissions = [
        (
            "openid, profile, offline_access",
            _(
                "Anmeldung und dauerhafter Zugriff ohne erneute Anmeldung (MSAL fügt sie selbst hinzu)."
            ),
            False,
        ),
        ("User.Read", _("Anmelden und das eigene Profil lesen (Name, E-Mail)."), False),
        (
            "Calendars.ReadWrite",
            _(
                "Termine im eigenen Kalender anlegen, ändern und absagen; Frei/Gebucht von Kollegen und Räumen lesen (getSchedule)."
            ),
            False,
        ),
        (ROOM_SCOPE, _("Raumliste der Organisation lesen (Places API), nur bei „+Räume“."), True),
    ]
    return render(
        request,
        "calendar_integration/admin_info.html",
        {
            "app_id": _app_id(),
            "company": company,
            "permissions": permissions,
            "error_codes": ERROR_CODES,
            "consent_url": services.admin_consent_url(company=company),
            "scopes": scopes_for(with_rooms=True),
        },
    )


@company_admin_required
@require_GET
def overview(request: UserRequest) -> HttpResponse:
    return render(
        request,
        "calendar_integration/overview.html",
        {"rows": selectors.company_connection_overview(company=company_of(request.user))},
    )
