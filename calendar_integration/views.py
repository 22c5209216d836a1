"""Connection page (the Microsoft connection itself lands with the connection issue)."""

from django.shortcuts import render

from ebms.accounts.access import company_member_required
from ebms.accounts.services import feature_active


@company_member_required
def connect(request):
    if not feature_active(company=request.user.company):
        return render(request, "calendar_integration/not_booked.html", status=403)
    return render(request, "calendar_integration/connect.html")
