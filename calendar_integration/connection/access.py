"""Types for the module's views: a request that passed `ebms.accounts.access` (a logged-in
user of a company), and the company of such a user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ebms.accounts.models import Company, User

__all__ = ["UserRequest", "company_of"]


class UserRequest(HttpRequest):
    """The request of a view behind planner_required / company_member_required."""

    user: User


def company_of(user: User) -> Company:
    """The company of a planner or member (staff without a company never get here)."""
    if user.company is None:
        raise PermissionDenied
    return user.company
