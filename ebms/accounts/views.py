"""Login and the company admin's user management."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .access import company_admin_required
from .forms import UserCreateForm, UserEditForm
from .login_throttle import client_address, login_blocked, login_failed, login_succeeded


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses further attempts after repeated failures (see login_throttle)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _lazy(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten."
        ),
    }

    def clean(self):
        email = self.data.get("username", "")
        ip = client_address(self.request) if self.request else ""
        if login_blocked(email=email, ip=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(email=email, ip=ip)
            raise
        login_succeeded(email=email)
        return cleaned


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm


@company_admin_required
def user_list(request):
    users = request.user.company.users.order_by("-is_active", "last_name", "first_name")
    return render(request, "accounts/user_list.html", {"users": users})


@company_admin_required
def user_create(request):
    form = UserCreateForm(request.POST or None, company=request.user.company)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Benutzer %(user)s wurde angelegt.") % {"user": user})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@company_admin_required
def user_edit(request, pk: int):
    target = get_object_or_404(request.user.company.users, pk=pk)
    form = UserEditForm(request.POST or None, instance=target, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Benutzer %(user)s wurde gespeichert.") % {"user": target})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})
