"""Head-office reporting screens: the monthly Kemnaker report and the dashboard."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jkp_site.core.permissions import ClaimPerm


@login_required
@permission_required(ClaimPerm.VIEW_REPORT, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard.html", {})
