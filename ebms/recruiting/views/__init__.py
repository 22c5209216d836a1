"""Recruiting pages: thin views over selectors (reads) and services (writes)."""

from .appointments import (
    appointment_cancel,
    appointment_create,
    appointment_detail,
    appointment_edit,
    appointment_email_preview,
    appointment_list,
)
from .candidate_page import candidate_proposal, candidate_proposal_page
from .candidates import (
    application_create,
    application_detail,
    candidate_create,
    candidate_detail,
    candidate_list,
)
from .dashboard import dashboard
from .erasure import application_status, candidate_erase, privacy
from .proposals import proposal_create, proposal_detail, proposal_withdraw

__all__ = [
    "appointment_cancel",
    "appointment_create",
    "appointment_detail",
    "appointment_edit",
    "appointment_email_preview",
    "appointment_list",
    "application_create",
    "application_status",
    "application_detail",
    "candidate_create",
    "candidate_detail",
    "candidate_erase",
    "candidate_list",
    "candidate_proposal",
    "candidate_proposal_page",
    "dashboard",
    "privacy",
    "proposal_create",
    "proposal_detail",
    "proposal_withdraw",
]
