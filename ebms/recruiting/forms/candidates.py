"""Candidate search, candidate and application forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ebms.accounts.submissions import SubmissionKeyMixin

from ..models import Application, Candidate
from ..selectors import open_positions_for


class CandidateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suche"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name oder E-Mail")}),
    )


class CandidateForm(SubmissionKeyMixin, forms.ModelForm):
    """A new candidate of the user's company."""

    class Meta:
        model = Candidate
        fields = ["first_name", "last_name", "email", "phone", "language"]
        help_texts = {
            "email": _("Für Einladungen und Terminvorschläge nötig."),
            "language": _("Sprache der E-Mails und der Seite für den Bewerber."),
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def save(self, commit: bool = True) -> Candidate:
        candidate = super().save(commit=False)
        candidate.company = self.company
        if commit:
            candidate.save()
        return candidate


class ApplicationForm(SubmissionKeyMixin, forms.ModelForm):
    """An application of a candidate for one of the company's open positions."""

    class Meta:
        model = Application
        fields = ["position"]

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.fields["position"].queryset = open_positions_for(candidate=candidate)
        self.fields["position"].empty_label = None

    def save(self, commit: bool = True) -> Application:
        application = super().save(commit=False)
        application.company_id = self.candidate.company_id
        application.candidate = self.candidate
        if commit:
            application.save()
        return application
