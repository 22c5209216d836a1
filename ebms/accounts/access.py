"""View decorators: who may see and change what (always within the user's company)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def company_member_required(view):
    """Logged in, active, and belonging to a company (community managers use the admin)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.company_id:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def planner_required(view):
    """Recruiters and company admins; observers are read-only."""

    @company_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.can_plan:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def company_admin_required(view):
    @company_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_company_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
