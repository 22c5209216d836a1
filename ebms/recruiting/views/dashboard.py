"""The start page: my next appointments and open proposals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import selectors


@login_required
def dashboard(request):
    user = request.user
    if not user.company_id:
        # Community managers work in the admin.
        if user.is_staff:
            return redirect("admin:index")
        return render(request, "accounts/no_company.html")
    appointments = selectors.dashboard_appointments(user=user)
    with timezone.override(user.company.zone):
        return render(
            request,
            "recruiting/dashboard.html",
            {
                "appointments": appointments,
                "problems": selectors.problem_count(appointments),
                "proposals": list(selectors.open_proposals(company=user.company, user=user)[:10]),
            },
        )
