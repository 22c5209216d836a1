"""Form of the fault injection page."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy

from m365sim.models import FaultRule


class FaultRuleForm(forms.ModelForm):
    class Meta:
        model = FaultRule
        fields = [
            "kind",
            "mailbox",
            "method",
            "path_contains",
            "probability",
            "remaining",
            "retry_after",
            "delay_ms",
            "status",
            "seed",
        ]

    def clean_probability(self) -> float:
        value = self.cleaned_data["probability"]
        if not 0 <= value <= 1:
            raise forms.ValidationError("Zwischen 0 und 1.")
        return value

    def clean_mailbox(self) -> str:
        return self.cleaned_data["mailbox"].strip().lower()

    def clean_method(self) -> str:
        return self.cleaned_data["method"].strip().upper()


class RespondForm(forms.Form):
    """An attendee's answer to a meeting, arriving after `minutes` of simulated time."""

    response = forms.ChoiceField(
        choices=[
            ("accepted", pgettext_lazy("attendee answer", "Zusagen")),
            ("tentativelyAccepted", pgettext_lazy("attendee answer", "Mit Vorbehalt")),
            ("declined", pgettext_lazy("attendee answer", "Absagen")),
        ]
    )
    minutes = forms.IntegerField(min_value=0, max_value=100000, initial=5)
    propose_start = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    propose_minutes = forms.IntegerField(min_value=5, max_value=1440, initial=60, required=False)
