"""The simulator's admin pages: tenants, users, rooms, enterprise app settings, the clock.

A stand-in for the Microsoft 365 admin center / Entra admin center, for the demo and for
people trying EBMS. German UI; thin views over m365sim.identity.directory.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from m365sim import clock
from m365sim.identity import directory
from m365sim.models import (
    ConsentRequest,
    Grant,
    Mailbox,
    MailboxKind,
    Tenant,
)
from m365sim.seed_directory import PLACES_DELAY
from m365sim.ui.forms import (
    AppSettingsForm,
    ClockForm,
    RoomForm,
    TenantConsentForm,
    TenantForm,
    UserForm,
)


def ops_links() -> dict:
    """URLs of the Graph helper's pages (plain paths until they exist)."""
    links = {}
    for key, name, fallback in (
        ("faults", "m365sim:ops-faults", "/m365/fehler/"),
        ("log", "m365sim:ops-log", "/m365/protokoll/"),
        ("subscriptions", "m365sim:ops-subscriptions", "/m365/abonnements/"),
    ):
        try:
            links[key] = reverse(name)
        except NoReverseMatch:
            links[key] = fallback
    return links


def calendar_url(mailbox: Mailbox) -> str:
    try:
        return reverse("m365sim:ops-calendar", kwargs={"pk": mailbox.pk})
    except NoReverseMatch:
        return f"/m365/kalender/{mailbox.pk}/"


def _page(request, template: str, context: dict):
    context.setdefault("sim_now", clock.now())
    context.setdefault("sim_offset", clock.offset())
    context.setdefault("ops", ops_links())
    return render(request, f"m365sim/ui/{template}", context)


def home(request):
    tenants = Tenant.objects.all()
    return _page(request, "home.html", {"tenants": tenants, "clock_form": ClockForm()})


@require_POST
def clock_set(request):
    if request.POST.get("action") == "reset":
        clock.reset()
        messages.success(request, _("Die Simulator-Uhr läuft wieder in Echtzeit."))
    else:
        form = ClockForm(request.POST)
        if form.is_valid():
            delta = timedelta(
                days=form.cleaned_data["days"] or 0, hours=form.cleaned_data["hours"] or 0
            )
            clock.advance(delta=delta)
            messages.success(request, _("Die Simulator-Uhr wurde vorgestellt."))
    return redirect(request.POST.get("next") or reverse("m365sim:ui-home"))


def tenant_add(request):
    form = TenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tenant = form.save()
        return redirect("m365sim:ui-tenant", tenant_id=tenant.id)
    return _page(request, "form.html", {"form": form, "title": _("Neuer Mandant")})


def tenant_detail(request, tenant_id):
    tenant = get_object_or_404(Tenant, id=tenant_id)
    users = tenant.mailboxes.filter(kind=MailboxKind.USER)
    rooms = tenant.mailboxes.filter(kind=MailboxKind.ROOM)
    now = clock.now()
    return _page(
        request,
        "tenant.html",
        {
            "tenant": tenant,
            "users": [(u, calendar_url(u)) for u in users],
            "rooms": [(r, calendar_url(r), r.visible_in_places(now)) for r in rooms],
        },
    )


def user_add(request, tenant_id):
    tenant = get_object_or_404(Tenant, id=tenant_id)
    form = UserForm(request.POST or None, instance=Mailbox(tenant=tenant, kind=MailboxKind.USER))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Benutzer angelegt."))
        return redirect("m365sim:ui-tenant", tenant_id=tenant.id)
    return _page(
        request, "form.html", {"form": form, "tenant": tenant, "title": _("Neuer Benutzer")}
    )


def room_add(request, tenant_id):
    tenant = get_object_or_404(Tenant, id=tenant_id)
    room = Mailbox(tenant=tenant, kind=MailboxKind.ROOM, account_enabled=False)
    initial = {"places_visible_from": clock.now() + PLACES_DELAY, "capacity": 6}
    form = RoomForm(request.POST or None, instance=room, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Raum angelegt."))
        return redirect("m365sim:ui-tenant", tenant_id=tenant.id)
    return _page(request, "form.html", {"form": form, "tenant": tenant, "title": _("Neuer Raum")})


def mailbox_edit(request, pk):
    mailbox = get_object_or_404(Mailbox.objects.select_related("tenant"), pk=pk)
    form_class = RoomForm if mailbox.is_room else UserForm
    form = form_class(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Gespeichert."))
        return redirect("m365sim:ui-tenant", tenant_id=mailbox.tenant_id)
    return _page(
        request,
        "form.html",
        {
            "form": form,
            "tenant": mailbox.tenant,
            "mailbox": mailbox,
            "title": mailbox.display_name,
            "calendar_url": calendar_url(mailbox),
        },
    )


@require_POST
def sessions_revoke(request, pk):
    mailbox = get_object_or_404(Mailbox, pk=pk)
    count = directory.user_sessions_revoke(mailbox=mailbox)
    messages.success(request, _("%(count)d Aktualisierungstoken widerrufen.") % {"count": count})
    return redirect("m365sim:ui-app", tenant_id=mailbox.tenant_id)


def app_settings(request, tenant_id):
    tenant = get_object_or_404(Tenant, id=tenant_id)
    app = directory.app_ensure()
    sp = directory.service_principal_get(tenant=tenant, client_id=str(app.client_id))
    consent_form = TenantConsentForm(
        request.POST if request.POST.get("form") == "consent" else None, instance=tenant
    )
    sp_form = (
        AppSettingsForm(request.POST if request.POST.get("form") == "sp" else None, instance=sp)
        if sp
        else None
    )
    if request.method == "POST":
        form = consent_form if request.POST.get("form") == "consent" else sp_form
        if form is not None and form.is_valid():
            form.save()
            messages.success(request, _("Gespeichert."))
            return redirect("m365sim:ui-app", tenant_id=tenant.id)
    grants = Grant.objects.filter(service_principal=sp).select_related("principal") if sp else []
    requests_ = (
        ConsentRequest.objects.filter(service_principal=sp).select_related("requested_by")
        if sp
        else []
    )
    return _page(
        request,
        "app.html",
        {
            "tenant": tenant,
            "app": app,
            "sp": sp,
            "consent_form": consent_form,
            "sp_form": sp_form,
            "grants": grants,
            "consent_requests": requests_,
            "users": tenant.mailboxes.filter(kind=MailboxKind.USER),
        },
    )


@require_POST
def admin_consent_grant(request, tenant_id):
    tenant = get_object_or_404(Tenant, id=tenant_id)
    app = directory.app_ensure()
    sp = directory.service_principal_ensure(tenant=tenant, app=app)
    directory.grant_add(sp=sp, principal=None, scopes=[*app.required_scopes, "openid", "profile"])
    messages.success(request, _("Administratorzustimmung für die Organisation erteilt."))
    return redirect("m365sim:ui-app", tenant_id=tenant.id)


@require_POST
def grant_revoke(request, pk):
    grant = get_object_or_404(Grant.objects.select_related("service_principal"), pk=pk)
    tenant_id = grant.service_principal.tenant_id
    directory.grant_revoke(grant=grant)
    messages.success(request, _("Zustimmung widerrufen."))
    return redirect("m365sim:ui-app", tenant_id=tenant_id)


@require_POST
def consent_request_decide(request, pk):
    consent_request = get_object_or_404(
        ConsentRequest.objects.select_related("service_principal"), pk=pk
    )
    sp = consent_request.service_principal
    if request.POST.get("action") == "approve":
        directory.grant_add(sp=sp, principal=None, scopes=consent_request.scopes)
        messages.success(
            request, _("Anforderung genehmigt: Zustimmung für die Organisation erteilt.")
        )
    else:
        messages.success(request, _("Anforderung abgelehnt."))
    consent_request.delete()
    return redirect("m365sim:ui-app", tenant_id=sp.tenant_id)
