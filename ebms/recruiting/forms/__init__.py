"""Forms of the recruiting pages; writes go through ebms.recruiting.services."""

from .appointments import AppointmentForm, CancelForm, ProposalForm
from .candidates import ApplicationForm, CandidateForm, CandidateSearchForm
from .errors import add_service_errors

__all__ = [
    "AppointmentForm",
    "ApplicationForm",
    "CancelForm",
    "CandidateForm",
    "CandidateSearchForm",
    "ProposalForm",
    "add_service_errors",
]
