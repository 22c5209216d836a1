"""Forms for company admins managing their users."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class UserCreateForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Startpasswort"), widget=forms.PasswordInput, strip=False, max_length=128
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role"]

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["role"].choices = Role.choices
        self.fields["role"].required = True
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Diese E-Mail-Adresse ist bereits vergeben."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.company = self.company
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "role", "is_active"]
        labels = {"is_active": _("Aktiv (deaktivierte Benutzer behalten ihre Historie)")}

    def __init__(self, *args, acting_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        self.fields["role"].choices = Role.choices
        self.fields["role"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance == self.acting_user and (
            cleaned.get("role") != Role.COMPANY_ADMIN or not cleaned.get("is_active")
        ):
            raise forms.ValidationError(
                _(
                    "Sie können sich nicht selbst deaktivieren oder die Administratorrolle entziehen."
                )
            )
        return cleaned
