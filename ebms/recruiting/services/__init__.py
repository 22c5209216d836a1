"""Recruiting services (writes). The public interface for views and the calendar module."""

from __future__ import annotations

from ..links import (
    ProposalLinkError,
    proposal_from_session,
    proposal_from_token,
    proposal_link_for,
    proposal_link_open,
    proposal_link_peek,
)
from .appointments import (
    ChangedMeanwhile,
    appointment_cancel,
    appointment_create,
    appointment_join_info_set,
    appointment_update,
    candidate_email_preview,
)
from .erasure import ErasureBlocked, candidate_erase, erasure_outlook_report, erasure_permitted
from .privacy import application_status_set, privacy_settings_get, privacy_settings_set
from .proposals import proposal_create, proposal_pick, proposal_withdraw, proposals_expire
from .validation import slot_errors, validate_appointment, validate_proposal

__all__ = [
    "ChangedMeanwhile",
    "ErasureBlocked",
    "ProposalLinkError",
    "application_status_set",
    "appointment_cancel",
    "appointment_create",
    "appointment_join_info_set",
    "appointment_update",
    "candidate_email_preview",
    "candidate_erase",
    "erasure_outlook_report",
    "erasure_permitted",
    "privacy_settings_get",
    "privacy_settings_set",
    "proposal_create",
    "proposal_from_session",
    "proposal_from_token",
    "proposal_link_for",
    "proposal_link_open",
    "proposal_link_peek",
    "proposal_pick",
    "proposal_withdraw",
    "proposals_expire",
    "slot_errors",
    "validate_appointment",
    "validate_proposal",
]
