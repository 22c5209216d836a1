"""Recruiting pages (placeholder until the recruiting views land)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def dashboard(request):
    if not request.user.company_id:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "accounts/no_company.html")
    return render(request, "recruiting/dashboard.html", {})
