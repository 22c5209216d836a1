"""Access and time zone for the recruiting pages."""

from __future__ import annotations

from functools import wraps

from django.utils import timezone

from ebms.accounts.access import company_member_required, planner_required


def _in_company_zone(view):
    # Pages render inside the view, so every time shown is in the company's zone.
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(request.user.company.zone):
            return view(request, *args, **kwargs)

    return wrapper


def company_page(view):
    """Any member of the company (observers read)."""
    return company_member_required(_in_company_zone(view))


def planner_page(view):
    """Recruiters and company admins only; observers get 403."""
    return planner_required(_in_company_zone(view))
