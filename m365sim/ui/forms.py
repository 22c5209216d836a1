"""Forms of the simulator's admin pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from m365sim.models import Mailbox, ServicePrincipal, Tenant


class TenantForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["display_name", "domain"]


class TenantConsentForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["users_may_consent", "admin_consent_workflow", "strict_refresh_rotation"]


class UserForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("Kennwort"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leer lassen, um das Kennwort nicht zu ändern."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "email",
            "display_name",
            "given_name",
            "surname",
            "job_title",
            "time_zone",
            "account_enabled",
            "is_tenant_admin",
            "teams_licensed",
            "mailbox_enabled",
            "freebusy_shared",
        ]

    def save(self, commit: bool = True) -> Mailbox:
        mailbox = super().save(commit=False)
        if self.cleaned_data["new_password"]:
            mailbox.set_password(self.cleaned_data["new_password"])
        if commit:
            mailbox.save()
        return mailbox


class RoomForm(forms.ModelForm):
    places_visible_from = forms.DateTimeField(
        label=_("Erscheint in Places ab"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "Microsoft listet neue Räume erst nach 24–48 Stunden in der Places-API. "
            "Leer = sofort sichtbar."
        ),
    )

    class Meta:
        model = Mailbox
        fields = [
            "email",
            "display_name",
            "capacity",
            "building",
            "floor_label",
            "floor_number",
            "is_wheelchair_accessible",
            "booking_type",
            "auto_accept",
            "answer_delay_seconds",
            "booking_window_days",
            "book_in_policy",
            "places_visible_from",
            "freebusy_shared",
        ]


class AppSettingsForm(forms.ModelForm):
    class Meta:
        model = ServicePrincipal
        fields = ["enabled_for_sign_in", "assignment_required", "assigned"]
        widgets = {"assigned": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].queryset = Mailbox.objects.filter(
            tenant=self.instance.tenant, kind="user"
        )
        self.fields["assigned"].label = _("Zugewiesene Benutzer")


class ClockForm(forms.Form):
    days = forms.IntegerField(label=_("Tage"), required=False, initial=0)
    hours = forms.IntegerField(label=_("Stunden"), required=False, initial=0)
