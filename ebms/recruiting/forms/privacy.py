"""Forms of the GDPR pages (issue 15): privacy settings, erasing a candidate, closing an
application."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Application, Erasure, PrivacySettings


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = ["outlook_candidate_data", "retention_months", "recruiters_may_erase"]
        widgets = {"outlook_candidate_data": forms.RadioSelect}
        help_texts = {
            "outlook_candidate_data": _(
                "Betreff und Beschreibung der Outlook-Termine. Kontaktdaten des Bewerbers gehen "
                "nie an Microsoft. Eine Änderung aktualisiert die anstehenden Termine."
            ),
        }

    retention_months = forms.IntegerField(
        label=_("Aufbewahrungsfrist nach Abschluss (Monate, 0 = aus)"), min_value=0, max_value=120
    )
    include_past = forms.BooleanField(
        label=_("Geänderte Bewerberdaten auch in vergangene Termine übernehmen"), required=False
    )


class CandidateEraseForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Was soll geschehen?"),
        choices=[
            (
                Erasure.Mode.ANONYMISED,
                _("Anonymisieren: Zahlen und Daten bleiben für die Statistik"),
            ),
            (Erasure.Mode.DELETED, _("Löschen: Bewerber, Bewerbungen und Termine werden entfernt")),
        ],
        widget=forms.RadioSelect,
        initial=Erasure.Mode.ANONYMISED,
    )
    cancel_upcoming = forms.BooleanField(
        label=_("Anstehende Termine absagen (der Bewerber erhält die Absage)"), required=False
    )


class ApplicationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Application.Status.choices)
