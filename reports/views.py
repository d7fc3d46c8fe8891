"""Head-office reporting screens: the dashboard and the monthly Kemnaker report."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jkp_site.core.http import AuthenticatedHttpRequest
from jkp_site.core.models import KantorCabang, Kanwil
from jkp_site.core.permissions import ClaimPerm
from jkp_site.db_router import replica_reads
from reports import jobs
from reports import monthly as reports
from reports.open_money import open_money

MONTH_CHOICES_BACK = 24
DEFAULT_MONTHS = 12
MISSES_PER_PAGE = 50
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _last_complete_month() -> dt.date:
    return reports.month_start(timezone.localdate()) - dt.timedelta(days=1)


class ReportFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Kanwil.objects.all(), required=False
    )
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Branch"),
        queryset=KantorCabang.objects.select_related("kanwil"),
        required=False,
    )
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    months = forms.TypedChoiceField(
        label=gettext_lazy("Months shown"),
        choices=[(6, "6"), (12, "12"), (24, "24")],
        coerce=int,
        required=False,
        initial=DEFAULT_MONTHS,
        empty_value=DEFAULT_MONTHS,  # type: ignore[arg-type]  # any value is valid; stubs: str
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and month > timezone.localdate():
            raise forms.ValidationError(_("Choose a month that has started."))
        return month


def _filters(request: HttpRequest, *, default_month: dt.date) -> tuple[ReportFilterForm, dict]:
    data = None
    if request.GET:
        # The selector shows the number of months drawn, also when only a branch was chosen.
        data = request.GET.copy()
        if not data.get("months"):
            data["months"] = str(DEFAULT_MONTHS)
    form = ReportFilterForm(data)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    region = chosen.get("region")
    branch = chosen.get("branch")
    return form, {
        "region_id": region.pk if region else None,
        "branch_id": branch.pk if branch else None,
        "month": reports.month_start(chosen.get("month") or default_month),
        "months": chosen.get("months") or DEFAULT_MONTHS,
    }


def _misses_scope(chosen: dict) -> str:
    """The query of the Same Day Service misses behind the table's total."""
    if chosen["branch_id"]:
        return f"branch={chosen['branch_id']}"
    if chosen["region_id"]:
        return f"region={chosen['region_id']}"
    return ""


@login_required
@permission_required(ClaimPerm.VIEW_REPORT, raise_exception=True)
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    """The report's figures over time, with charts, for a region or branch, linking to queues.

    By default the series ends with the current month (so far)."""
    form, chosen = _filters(request, default_month=timezone.localdate())
    scope = {"region_id": chosen["region_id"], "branch_id": chosen["branch_id"]}
    series = reports.figures_over_time(last_month=chosen["month"], months=chosen["months"], **scope)
    current = reports.month_start(timezone.localdate())
    # The month not over yet is marked on the axis and in the tables: its figures still move.
    labels = [f"{month:%m/%y}{'*' if month >= current else ''}" for month, _figures in series]
    charts = [
        reports.line_chart(
            title=_("Claims received, approved and rejected"),
            labels=labels,
            series=[
                (_("Received"), [f.received for _m, f in series]),
                (_("Approved"), [f.approved for _m, f in series]),
                (_("Rejected"), [f.rejected for _m, f in series]),
            ],
        ),
        reports.line_chart(
            title=_("In progress and overdue at month end"),
            labels=labels,
            series=[
                (_("In progress"), [f.in_progress for _m, f in series]),
                (_("Overdue"), [f.overdue for _m, f in series]),
            ],
        ),
        reports.bar_chart(
            title=_("Cash paid (Rp)"),
            labels=labels,
            values=[f.amount_paid for _m, f in series],
        ),
        reports.line_chart(
            title=_("Same Day Service"),
            labels=labels,
            series=[
                (_("Decided after a complete file"), [f.same_day_decided for _m, f in series]),
                (_("Decided the same working day"), [f.same_day_met for _m, f in series]),
            ],
        ),
        reports.line_chart(
            title=_("Training and re-employment"),
            labels=labels,
            series=[
                (_("Referrals"), [f.referrals for _m, f in series]),
                (_("Completions"), [f.completions for _m, f in series]),
                (_("Re-employments"), [f.reemployments for _m, f in series]),
            ],
        ),
    ]
    report = reports.monthly_report(month=chosen["month"], **scope)
    queue = reverse("claims:list")
    misses_url = reverse("reports:same_day_missed", kwargs={"month": f"{report.month:%Y-%m}"})
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "charts": charts,
            "misses_url": misses_url,
            "misses_scope": _misses_scope(chosen),
            "series": series,
            "report": report,
            "queue_links": [
                (_("Awaiting approval"), f"{queue}?state=awaiting_approval"),
                (_("Verifying documents"), f"{queue}?state=verifying"),
                (_("Appealed"), f"{queue}?state=appealed"),
                (_("Overdue now"), f"{queue}?overdue=true"),
            ],
            "queue_url": queue,
            "provisional_in_series": any(month >= current for month, _figures in series),
            "open_money": open_money([row.branch for row in report.rows]),
        },
    )


@login_required
@permission_required(ClaimPerm.VIEW_REPORT, raise_exception=True)
@replica_reads
def monthly(request: HttpRequest) -> HttpResponse:
    """The monthly Kemnaker report for a chosen month (default: the last complete one), and its
    XLSX and PDF files."""
    form, chosen = _filters(request, default_month=_last_complete_month())
    month = chosen["month"]
    report = reports.monthly_report(month=month)
    files = [
        {
            "format": fmt,
            "stalled": (job := jobs.live_job(month, fmt)) is not None and jobs.is_stalled(job),
            "ready": default_storage.exists(reports.report_path(month, fmt)),
            "job": job,
            "failed": jobs.last_failure(month, fmt),
            "url": reverse("reports:download", kwargs={"month": f"{month:%Y-%m}", "fmt": fmt}),
        }
        for fmt in reports.FORMATS
    ]
    return render(
        request,
        "reports/monthly.html",
        {
            "form": form,
            "report": report,
            "misses_url": reverse("reports:same_day_missed", kwargs={"month": f"{month:%Y-%m}"}),
            "files": files,
            "pending": any(f["job"] for f in files),
            "month_value": f"{month:%Y-%m}",
            "open_money": open_money([row.branch for row in report.rows]),
        },
    )


@require_POST
@login_required
@permission_required(ClaimPerm.VIEW_REPORT, raise_exception=True)
def generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue the XLSX and PDF of a month; the monthly page shows them when ready."""
    month = reports.parse_month(request.POST.get("month", ""))
    if month is None:
        messages.error(request, _("Choose a month as YYYY-MM."))
        return redirect("reports:monthly")
    if month > timezone.localdate():
        messages.error(request, _("Choose a month that has started."))
        return redirect("reports:monthly")
    jobs.request_report_files(month=month, language=translation.get_language(), user=request.user)
    messages.success(request, _("The report files are being generated."))
    return redirect(f"{reverse('reports:monthly')}?month={month:%Y-%m}")


@login_required
@permission_required(ClaimPerm.VIEW_REPORT, raise_exception=True)
def download(request: HttpRequest, month: str, fmt: str) -> FileResponse:
    if fmt not in reports.FORMATS:
        raise Http404
    day = reports.parse_month(month)
    if day is None:
        raise Http404
    path = reports.report_path(day, fmt)
    if not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"jkp-kemnaker-{month}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )


@require_GET
@login_required
@permission_required(ClaimPerm.VIEW, raise_exception=True)
@replica_reads
def same_day_missed(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    """The claims first decided in `month` later than the working day their file became
    complete (Same Day Service), of the offices the user sees; ``?office=`` (one office),
    ``?branch=`` (a branch and its sub-offices) or ``?region=`` narrows them as the report's
    row or total does."""
    day = reports.parse_month(month)
    if day is None or day > timezone.localdate():
        raise Http404
    narrowed = {
        f"{name}_id": int(value)
        for name in ("office", "branch", "region")
        if (value := request.GET.get(name, "")).isdigit()
    }
    misses = reports.same_day_misses(user=request.user, month=day, **narrowed)
    page = Paginator(misses, MISSES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/same_day_missed.html",
        {
            "month": day,
            "page": page,
            "querystring": query.urlencode(),
            "provisional": day >= reports.month_start(timezone.localdate()),
        },
    )
