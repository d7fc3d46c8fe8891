"""The monthly report to the Ministry (Kemnaker), and the same figures over time.

Every figure is computed from what was recorded when it happened (case events, payment and
training dates), never from a claim's current state, so the report for a past month comes out
the same whenever it is generated:

* received: claims whose first move to ``submitted`` falls in the month;
* approved / rejected (by reason code): moves to ``approved`` / ``rejected`` in the month;
* in progress / overdue: claims whose last recorded state at the end of the month was between
  submission and decision, and of those the ones past their state's service level then;
* beneficiaries paid and amounts: instalments paid in the month;
* training referrals and completions: referrals made and completed in the month;
* re-employments: benefits stopped in the month with the reason ``reemployed``.

The branch of a figure is the claim's branch. Figures are per branch with a national total.

The screens and the files read the figures kept per (month, branch) in reports.models, not
the events: a month is computed once (the first time it is asked for, or by
``manage.py rebuild_monthly_figures``), and the current and previous months are recomputed by
a beat job (``refresh_open_months``), so a page costs the same however many claims were ever
made.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from claims.clocks import sla_due
from claims.models import CaseEvent, CashInstalment, Claim, ClaimState
from claims.vocabulary import RejectReason, StopReason
from jkp_site.core.models import KantorCabang
from reports.models import MonthlyFigures, ReportMonth
from reports.open_money import open_money
from training.models import TrainingReferral

S = ClaimState
FORMATS = ("xlsx", "pdf")
REPORT_DIR = "reports"


@dataclass
class Figures:
    """One row of the report: a branch, or the total."""

    received: int = 0
    approved: int = 0
    rejected: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    in_progress: int = 0
    overdue: int = 0
    beneficiaries_paid: int = 0
    amount_paid: int = 0
    referrals: int = 0
    completions: int = 0
    reemployments: int = 0

    COUNTS = (
        "received",
        "approved",
        "rejected",
        "in_progress",
        "overdue",
        "beneficiaries_paid",
        "amount_paid",
        "referrals",
        "completions",
        "reemployments",
    )

    def add(self, other: Figures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected_by_reason.update(other.rejected_by_reason)


@dataclass
class BranchRow:
    branch: KantorCabang
    figures: Figures


@dataclass
class MonthlyReport:
    month: dt.date
    rows: list[BranchRow]
    total: Figures
    reject_reasons: list[str]
    generated_at: dt.datetime
    # When the kept figures were computed from the events (reports.models).
    computed_at: dt.datetime | None = None

    def reason_label(self, code: str) -> str:
        return str(RejectReason(code).label) if code in RejectReason.values else code

    @property
    def rejections(self) -> list[tuple[str, str, int]]:
        """(code, label, count) of the month's rejections; templates cannot read a Counter."""
        return [
            (code, self.reason_label(code), self.total.rejected_by_reason[code])
            for code in self.reject_reasons
        ]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(text: str) -> dt.date | None:
    """The first day of a month written YYYY-MM, or None."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month in the site's time zone (Asia/Jakarta), as aware datetimes."""
    zone = timezone.get_default_timezone()
    start = month_start(month)
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    after = dt.datetime.combine(start + relativedelta(months=1), dt.time.min, tzinfo=zone)
    return first, after


def _branches(*, region_id: int | None = None, branch_id: int | None = None):
    qs = KantorCabang.objects.select_related("kanwil").order_by("kanwil__name", "name")
    if region_id:
        qs = qs.filter(kanwil_id=region_id)
    if branch_id:
        qs = qs.filter(pk=branch_id)
    return list(qs)


def compute_figures(month: dt.date, *, branch_ids: list[int] | None = None) -> dict[int, Figures]:
    """The month's figures per branch id (branches with nothing recorded are absent)."""
    start, after = month_bounds(month)
    last_day = (after - dt.timedelta(days=1)).date()
    result: dict[int, Figures] = defaultdict(Figures)
    claim_filter = Q(claim__branch_id__in=branch_ids) if branch_ids is not None else Q()

    def events(to_state: str):
        return CaseEvent.objects.filter(claim_filter, to_state=to_state)

    received = (
        events(S.SUBMITTED)
        .values("claim_id", "claim__branch_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=start, first__lt=after)
    )
    for row in received:
        result[row["claim__branch_id"]].received += 1

    in_month = Q(created_at__gte=start, created_at__lt=after)
    approved = (
        events(S.APPROVED)
        .filter(in_month)
        .values("claim__branch_id")
        .annotate(n=Count("claim_id", distinct=True))
    )
    for row in approved:
        result[row["claim__branch_id"]].approved = row["n"]

    rejected = (
        events(S.REJECTED)
        .filter(in_month)
        .values("claim__branch_id", "reason_code")
        .annotate(n=Count("id"))
    )
    for row in rejected:
        figures = result[row["claim__branch_id"]]
        figures.rejected += row["n"]
        figures.rejected_by_reason[row["reason_code"] or "other"] += row["n"]

    reemployed = (
        events(S.STOPPED)
        .filter(in_month, reason_code=StopReason.REEMPLOYED)
        .values("claim__branch_id")
        .annotate(n=Count("claim_id", distinct=True))
    )
    for row in reemployed:
        result[row["claim__branch_id"]].reemployments = row["n"]

    due_of: dict[tuple[str, dt.date], dt.date | None] = {}
    for branch_id, state_then, since in _states_at(after, branch_ids):
        figures = result[branch_id]
        figures.in_progress += 1
        entered = (state_then, timezone.localdate(since))
        if entered not in due_of:
            due_of[entered] = sla_due(*entered)
        due = due_of[entered]
        if due is not None and last_day > due:
            figures.overdue += 1

    paid = (
        CashInstalment.objects.filter(claim_filter, paid_at__gte=start, paid_at__lt=after)
        .values("claim__branch_id")
        .annotate(people=Count("claim__participant_id", distinct=True), amount=Sum("amount"))
    )
    for row in paid:
        figures = result[row["claim__branch_id"]]
        figures.beneficiaries_paid = row["people"]
        figures.amount_paid = row["amount"] or 0

    referrals = TrainingReferral.objects.filter(claim_filter)
    for row in (
        referrals.filter(created_at__gte=start, created_at__lt=after)
        .values("claim__branch_id")
        .annotate(n=Count("id"))
    ):
        result[row["claim__branch_id"]].referrals = row["n"]
    for row in (
        referrals.filter(
            state=TrainingReferral.State.COMPLETED,
            completed_on__gte=start.date(),
            completed_on__lte=last_day,
        )
        .values("claim__branch_id")
        .annotate(n=Count("id"))
    ):
        result[row["claim__branch_id"]].completions = row["n"]
    return dict(result)


def _states_at(after: dt.datetime, branch_ids: list[int] | None) -> Iterable[tuple]:
    """(branch id, state, since) of each claim in progress when `after` began: its last
    recorded move before then. On PostgreSQL one pass over the moves (DISTINCT ON the claim);
    elsewhere a subquery per claim."""
    moves = CaseEvent.objects.filter(created_at__lt=after).exclude(to_state="")
    if branch_ids is not None:
        moves = moves.filter(claim__branch_id__in=branch_ids)
    if connection.features.can_distinct_on_fields:
        last_moves = moves.order_by("claim_id", "-created_at", "-id").distinct("claim_id")
        return (
            CaseEvent.objects.filter(pk__in=last_moves.values("pk"), to_state__in=S.IN_PROGRESS)
            .order_by()
            .values_list("claim__branch_id", "to_state", "created_at")
        )
    last_move = moves.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")
    claims = (
        Claim.objects.all()
        if branch_ids is None
        else Claim.objects.filter(branch_id__in=branch_ids)
    )
    return (
        claims.annotate(
            state_then=Subquery(last_move.values("to_state")[:1]),
            since=Subquery(last_move.values("created_at")[:1]),
        )
        .filter(state_then__in=S.IN_PROGRESS)
        .values_list("branch_id", "state_then", "since")
    )


# --- the kept figures (reports.models) ---------------------------------------------------------


def rebuild_month(month: dt.date) -> int:
    """Compute `month` from the recorded events and replace its kept figures in one
    transaction; returns the number of branch rows kept."""
    month = month_start(month)
    figures = compute_figures(month)
    rows = [
        MonthlyFigures(
            month=month,
            branch_id=branch_id,
            rejected_by_reason=dict(values.rejected_by_reason),
            **{name: getattr(values, name) for name in Figures.COUNTS},
        )
        for branch_id, values in figures.items()
    ]
    with transaction.atomic():
        marker, _ = ReportMonth.objects.get_or_create(
            month=month, defaults={"computed_at": timezone.now()}
        )
        # One rebuild of a month writes at a time; readers see the old rows or the new ones.
        marker = ReportMonth.objects.select_for_update().get(pk=marker.pk)
        MonthlyFigures.objects.filter(month=month).delete()
        MonthlyFigures.objects.bulk_create(rows)
        marker.computed_at = timezone.now()
        marker.save(update_fields=["computed_at"])
    return len(rows)


def refresh_open_months(today: dt.date | None = None) -> list[dt.date]:
    """Recompute the months that can still change: the current one and the one before
    (instalments and late events still land in it for a while)."""
    current = month_start(today or timezone.localdate())
    months = [current - relativedelta(months=1), current]
    for month in months:
        rebuild_month(month)
    return months


def kept_figures(
    months: list[dt.date], *, branch_ids: list[int] | None = None
) -> dict[dt.date, dict[int, Figures]]:
    """The figures of each month per branch id from the kept table, computing (once) a month
    never computed. Two queries when every month is kept."""
    return _kept(months, branch_ids=branch_ids)[0]


def _kept(
    months: list[dt.date], *, branch_ids: list[int] | None
) -> tuple[dict[dt.date, dict[int, Figures]], dict[dt.date, dt.datetime]]:
    months = [month_start(m) for m in months]
    computed = dict(
        ReportMonth.objects.filter(month__in=months).values_list("month", "computed_at")
    )
    missing = sorted(set(months) - set(computed))
    for month in missing:
        rebuild_month(month)
        computed[month] = timezone.now()
    # Figures just computed are read where they were written (a replica may lag behind).
    rows = MonthlyFigures.objects.using(DEFAULT_DB_ALIAS if missing else None).filter(
        month__in=months
    )
    if branch_ids is not None:
        rows = rows.filter(branch_id__in=branch_ids)
    result: dict[dt.date, dict[int, Figures]] = {month: {} for month in months}
    for row in rows:
        result[row.month][row.branch_id] = Figures(
            rejected_by_reason=Counter(row.rejected_by_reason),
            **{name: getattr(row, name) for name in Figures.COUNTS},
        )
    return result, computed


def monthly_report(
    *, month: dt.date, region_id: int | None = None, branch_id: int | None = None
) -> MonthlyReport:
    """The report for `month`: every branch (or those of a region, or one branch) and the total,
    from the kept figures."""
    branches = _branches(region_id=region_id, branch_id=branch_id)
    scoped = None if not (region_id or branch_id) else [b.pk for b in branches]
    kept, computed = _kept([month], branch_ids=scoped)
    figures = kept[month_start(month)]
    rows = [BranchRow(branch=b, figures=figures.get(b.pk, Figures())) for b in branches]
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return MonthlyReport(
        month=month_start(month),
        rows=rows,
        total=total,
        reject_reasons=sorted(total.rejected_by_reason),
        generated_at=timezone.now(),
        computed_at=computed[month_start(month)],
    )


def figures_over_time(
    *, last_month: dt.date, months: int, region_id: int | None = None, branch_id: int | None = None
) -> list[tuple[dt.date, Figures]]:
    """The total figures of each of the `months` months ending with `last_month`, oldest first."""
    scoped = None
    if region_id or branch_id:
        scoped = [b.pk for b in _branches(region_id=region_id, branch_id=branch_id)]
    wanted = [month_start(last_month) - relativedelta(months=back) for back in range(months)]
    kept = kept_figures(wanted, branch_ids=scoped)
    series = []
    for month in reversed(wanted):
        total = Figures()
        for figures in kept[month].values():
            total.add(figures)
        series.append((month, total))
    return series


# --- files ------------------------------------------------------------------------------------


def _columns() -> list[tuple[str, str]]:
    return [
        ("received", _("Claims received")),
        ("approved", _("Approved")),
        ("rejected", _("Rejected")),
        ("in_progress", _("In progress at month end")),
        ("overdue", _("Overdue at month end")),
        ("beneficiaries_paid", _("Beneficiaries paid")),
        ("amount_paid", _("Amount paid (Rp)")),
        ("referrals", _("Training referrals")),
        ("completions", _("Training completions")),
        ("reemployments", _("Re-employments")),
    ]


def render_xlsx(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet, the active one
    sheet.title = f"{report.month:%Y-%m}"
    sheet.append([_("JKP monthly report to the Ministry of Manpower"), f"{report.month:%Y-%m}"])
    sheet.append([])
    columns = _columns()
    reasons = report.reject_reasons
    header = [
        _("Region"),
        _("Branch"),
        *(label for _name, label in columns),
        *(_("Rejected: %(reason)s") % {"reason": report.reason_label(r)} for r in reasons),
    ]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append(
            [
                row.branch.kanwil.name,
                row.branch.name,
                *(getattr(row.figures, name) for name, _label in columns),
                *(row.figures.rejected_by_reason.get(r, 0) for r in reasons),
            ]
        )
    sheet.append(
        [
            _("Total"),
            "",
            *(getattr(report.total, name) for name, _label in columns),
            *(report.total.rejected_by_reason.get(r, 0) for r in reasons),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pdf(report: MonthlyReport) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/monthly_pdf.html",
        {
            "report": report,
            "columns": _columns(),
            "open_money": open_money([row.branch for row in report.rows]),
        },
    )
    return HTML(string=html).write_pdf()


def report_path(month: dt.date, fmt: str) -> str:
    return f"{REPORT_DIR}/kemnaker-{month:%Y-%m}.{fmt}"


def generate_report_file(*, month: dt.date, fmt: str, language: str) -> str:
    """Compute the month and store it as `fmt`; returns the storage path. A rerun rewrites
    the same file with the same figures (they come from recorded events)."""
    rebuild_month(month)
    with translation.override(language):
        report = monthly_report(month=month)
        content = render_xlsx(report) if fmt == "xlsx" else render_pdf(report)
    path = report_path(month, fmt)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(content))
    return path


# --- server-side SVG charts (no chart library, no external service) ---------------------------

CHART_WIDTH = 640
CHART_HEIGHT = 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 64, 16, 16, 40
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00")


@dataclass
class Chart:
    title: str
    svg: str
    legend: list[tuple[str, str]]
    table: list[tuple[str, list]]


def _nice_max(value: int) -> int:
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def _short(value: int) -> str:
    for size, suffix in ((10**12, "T"), (10**9, "M"), (10**6, "jt"), (10**3, "rb")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return str(value)


def _frame(labels: list[str], top: int, title: str) -> list[str]:
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    plot_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}"'
        f' role="img" aria-label="{escape(title)}" class="report-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(5):
        y = PAD_TOP + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{PAD_LEFT + plot_w}" y2="{y:.1f}"'
            f' stroke="#dee2e6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end"'
            f' fill="#495057">{_short(int(top * k / 4))}</text>'
        )
    step = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        x = PAD_LEFT + step * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{CHART_HEIGHT - PAD_BOTTOM + 16}" font-size="11"'
            f' text-anchor="middle" fill="#495057">{escape(label)}</text>'
        )
    return parts


def line_chart(*, title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    top = _nice_max(max((max(values, default=0) for _name, values in series), default=0))
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (CHART_WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1)
    parts = _frame(labels, top, title)
    legend = []
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (PAD_LEFT + step * (k + 0.5), PAD_TOP + plot_h - plot_h * value / top)
            for k, value in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        for (x, y), value in zip(points, values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)}: {value}</title></circle>"
            )
        legend.append((name, colour))
    parts.append("</svg>")
    table = [(name, values) for name, values in series]
    return Chart(title=title, svg="".join(parts), legend=legend, table=table)


def bar_chart(*, title: str, labels: list[str], values: list[int]) -> Chart:
    top = _nice_max(max(values, default=0))
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (CHART_WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1)
    parts = _frame(labels, top, title)
    colour = PALETTE[0]
    for k, value in enumerate(values):
        height = plot_h * value / top
        parts.append(
            f'<rect x="{PAD_LEFT + step * k + step * 0.15:.1f}"'
            f' y="{PAD_TOP + plot_h - height:.1f}" width="{step * 0.7:.1f}"'
            f' height="{height:.1f}" fill="{colour}"><title>{value:,}</title></rect>'
        )
    parts.append("</svg>")
    return Chart(title=title, svg="".join(parts), legend=[(title, colour)], table=[(title, values)])
