"""Forms of the recruiting pages; writes go through ebms.recruiting.services."""

from .appointments import AppointmentForm, CancelForm, ProposalForm
from .candidates import ApplicationForm, CandidateForm, CandidateSearchForm
from .errors import add_service_errors
from .privacy import ApplicationStatusForm, CandidateEraseForm, PrivacySettingsForm

__all__ = [
    "AppointmentForm",
    "ApplicationForm",
    "ApplicationStatusForm",
    "CandidateEraseForm",
    "CancelForm",
    "CandidateForm",
    "CandidateSearchForm",
    "PrivacySettingsForm",
    "ProposalForm",
    "add_service_errors",
]
