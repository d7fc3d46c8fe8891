"""The monthly report to the Ministry (Kemnaker), and the same figures over time.

Every figure is computed from what was recorded when it happened (case events, payment and
training dates), never from a claim's current state, so the report for a past month comes out
the same whenever it is generated:

* received: claims whose first move to ``submitted`` falls in the month;
* approved / rejected (by reason code): moves to ``approved`` / ``rejected`` in the month;
* in progress / overdue: claims whose last move (a change of state) before the end of the
  month left them in progress (``ClaimState.IN_PROGRESS``), and of those the ones past their
  state's service level (``claims.clocks.overdue_on``) on the month's last day; for the current
  month, which has not ended, on today: the queue's figure of the same day;
* beneficiaries paid and amounts: instalments paid in the month;
* training referrals and completions: referrals made and completed in the month;
* re-employments: benefits stopped in the month with the reason ``reemployed``;
* Same Day Service (BPJAMSOSTEK's service aim): of the claims first decided (approved or
  rejected; an appeal's decision is not counted) in the month, those decided on the working
  day their file became complete, and the median working days from complete to decided. The
  file is complete when verification ends: every document checked, an accepted proof of PHK
  and the rules engine run, the move to ``eligibility_checked`` (the last one before the
  decision, when a supervisor sent the case back to verification). Working days as the service
  clocks count them (``claims.clocks.working_days_elapsed``): a file completed on a weekend or
  holiday counts from the next working day. Decided claims that never went through
  verification are not counted.

The current month is provisional (``MonthlyReport.provisional``): its figures still move, and
the screens and files say so.

The branch of a figure is the claim's branch. Figures are per branch with a national total.

The screens and the files read the figures kept per (month, branch) in reports.models, not
the events: a month is computed once (the first time it is asked for, or by
``manage.py rebuild_monthly_figures``), and the current and previous months are recomputed by
a beat job (``refresh_open_months``) and the current month again on its first read of a new day,
so a page costs the same however many claims were ever made.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from claims.clocks import overdue_on, working_days_elapsed
from claims.models import CaseEvent, Claim, ClaimState
from claims.selectors import paid_instalments
from claims.vocabulary import RejectReason, StopReason
from jkp_site.core.models import KantorCabang
from jkp_site.core.scoping import branch_q, branch_scope_q, branches_under
from reports.models import MonthlyFigures, ReportMonth, SameDayMiss
from reports.open_money import open_money
from training.models import TrainingReferral

if TYPE_CHECKING:
    from jkp_site.core.models import User

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
    same_day_decided: int = 0
    same_day_met: int = 0
    # Decisions by working days from a complete file to the decision.
    decision_working_days: Counter = field(default_factory=Counter)

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
        "same_day_decided",
        "same_day_met",
    )

    def add(self, other: Figures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected_by_reason.update(other.rejected_by_reason)
        self.decision_working_days.update(other.decision_working_days)

    @property
    def same_day_missed(self) -> int:
        return self.same_day_decided - self.same_day_met

    @property
    def same_day_percent(self) -> float | None:
        """The share of decisions made on the working day the file became complete, in %."""
        if not self.same_day_decided:
            return None
        return round(100 * self.same_day_met / self.same_day_decided, 1)

    @property
    def median_working_days(self) -> float | None:
        """The median working days from a complete file to the decision."""
        return median_of(self.decision_working_days)


def median_of(histogram: Counter) -> float | None:
    """The median of values counted in ``histogram`` ({value: how many})."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = ((total - 1) // 2, total // 2)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        for position in middle:
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return sum(found) / 2


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

    @property
    def provisional(self) -> bool:
        """The month had not ended when the report was made: its figures still move."""
        return self.month >= month_start(timezone.localdate(self.generated_at))

    @property
    def judged_on(self) -> dt.date:
        """The day "in progress" and "overdue" describe: the month's last day, or for a
        month not over, the day the figures were computed."""
        return judged_on(self.month, timezone.localdate(self.computed_at or self.generated_at))

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


def judged_on(month: dt.date, today: dt.date) -> dt.date:
    """The day a month's "in progress" and "overdue" are judged on: its last day, or today
    while the month runs (the day the queue judges them on)."""
    last_day = month_start(month) + relativedelta(months=1) - dt.timedelta(days=1)
    return min(last_day, today)


def _branches(*, region_id: int | None = None, branch_id: int | None = None):
    """The offices reported: every one, a region's, or a branch with its sub-offices (the
    offices its staff see, as on their queue)."""
    qs = KantorCabang.objects.select_related("kanwil").order_by("kanwil__name", "name")
    if region_id:
        qs = qs.filter(kanwil_id=region_id)
    if branch_id:
        qs = qs.filter(pk__in=branches_under(branch_id))
    return list(qs)


@dataclass(frozen=True)
class DecisionTiming:
    """A claim first decided in the month, and how long after its file became complete."""

    claim_id: int
    branch_id: int
    completed_at: dt.datetime
    decided_at: dt.datetime
    working_days: int


def decision_timings(
    month: dt.date, *, branch_ids: list[int] | None = None
) -> list[DecisionTiming]:
    """Same Day Service: every claim first decided in `month` after a complete file (the last
    move to eligibility_checked before the decision), with the working days in between."""
    start, after = month_bounds(month)
    moves = CaseEvent.objects.exclude(from_state=F("to_state"))
    if branch_ids is not None:
        moves = moves.filter(claim__branch_id__in=branch_ids)
    decided = (
        moves.filter(to_state__in=(S.APPROVED, S.REJECTED))
        .values("claim_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=start, first__lt=after)
    )
    first_decision = {row["claim_id"]: row["first"] for row in decided}
    completions: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for claim_id, branch_id, at in (
        moves.filter(
            to_state=S.ELIGIBILITY_CHECKED,
            claim_id__in=decided.values("claim_id"),
            created_at__lt=after,
        )
        .order_by()
        .values_list("claim_id", "claim__branch_id", "created_at")
    ):
        completions[claim_id].append((at, branch_id))
    timings = []
    for claim_id, decided_at in first_decision.items():
        before = [c for c in completions.get(claim_id, []) if c[0] <= decided_at]
        if not before:
            continue
        completed_at, branch_id = max(before)
        timings.append(
            DecisionTiming(
                claim_id=claim_id,
                branch_id=branch_id,
                completed_at=completed_at,
                decided_at=decided_at,
                working_days=working_days_elapsed(
                    timezone.localdate(completed_at), timezone.localdate(decided_at)
                ),
            )
        )
    return sorted(timings, key=lambda t: t.claim_id)


def compute_figures(
    month: dt.date, *, branch_ids: list[int] | None = None, today: dt.date | None = None
) -> dict[int, Figures]:
    """The month's figures per branch id (branches with nothing recorded are absent)."""
    return _compute(month, branch_ids=branch_ids, today=today)[0]


def _compute(
    month: dt.date, *, branch_ids: list[int] | None, today: dt.date | None
) -> tuple[dict[int, Figures], list[DecisionTiming]]:
    start, after = month_bounds(month)
    last_day = (after - dt.timedelta(days=1)).date()
    judge_day = judged_on(month, today or timezone.localdate())
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

    late_of: dict[tuple[str, dt.date], bool] = {}
    for branch_id, state_then, since in _states_at(after, branch_ids):
        figures = result[branch_id]
        figures.in_progress += 1
        entered = (state_then, timezone.localdate(since))
        if entered not in late_of:
            late_of[entered] = overdue_on(*entered, judge_day)
        figures.overdue += late_of[entered]

    paid = (
        paid_instalments(start, after)
        .filter(claim_filter)
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

    timings = decision_timings(month, branch_ids=branch_ids)
    for timing in timings:
        figures = result[timing.branch_id]
        figures.same_day_decided += 1
        figures.same_day_met += timing.working_days == 0
        figures.decision_working_days[timing.working_days] += 1
    return dict(result), timings


def _states_at(after: dt.datetime, branch_ids: list[int] | None) -> Iterable[tuple]:
    """(branch id, state, since) of each claim in progress when `after` began: its last
    recorded move (a change of state; an action that left the state as it was does not restart
    the clock, as on the queue) before then. On PostgreSQL one pass over the moves (DISTINCT ON
    the claim); elsewhere a subquery per claim."""
    moves = (
        CaseEvent.objects.filter(created_at__lt=after)
        .exclude(to_state="")
        .exclude(from_state=F("to_state"))
    )
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
    """Compute `month` from the recorded events and replace its kept figures (and its Same Day
    Service misses) in one transaction; returns the number of branch rows kept."""
    month = month_start(month)
    figures, timings = _compute(month, branch_ids=None, today=None)
    rows = [
        MonthlyFigures(
            month=month,
            branch_id=branch_id,
            rejected_by_reason=dict(values.rejected_by_reason),
            decision_working_days={
                str(days): n for days, n in sorted(values.decision_working_days.items())
            },
            **{name: getattr(values, name) for name in Figures.COUNTS},
        )
        for branch_id, values in figures.items()
    ]
    misses = [
        SameDayMiss(
            month=month,
            branch_id=t.branch_id,
            claim_id=t.claim_id,
            completed_at=t.completed_at,
            decided_at=t.decided_at,
            working_days=t.working_days,
        )
        for t in timings
        if t.working_days > 0
    ]
    with transaction.atomic():
        marker, _ = ReportMonth.objects.get_or_create(
            month=month, defaults={"computed_at": timezone.now()}
        )
        # One rebuild of a month writes at a time; readers see the old rows or the new ones.
        marker = ReportMonth.objects.select_for_update().get(pk=marker.pk)
        MonthlyFigures.objects.filter(month=month).delete()
        MonthlyFigures.objects.bulk_create(rows)
        SameDayMiss.objects.filter(month=month).delete()
        SameDayMiss.objects.bulk_create(misses, batch_size=2000)
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


def _ensure_kept(months: list[dt.date]) -> tuple[dict[dt.date, dt.datetime], str | None]:
    """When each month's kept figures were computed, computing the months never computed
    (and the current month once a day); the database to read them from."""
    computed = dict(
        ReportMonth.objects.filter(month__in=months).values_list("month", "computed_at")
    )
    today = timezone.localdate()
    # The current month judges "overdue" on the day it was computed: a new day computes it again.
    missing = sorted(
        month
        for month in set(months)
        if month not in computed
        or (month == month_start(today) and timezone.localdate(computed[month]) < today)
    )
    for month in missing:
        rebuild_month(month)
        computed[month] = timezone.now()
    # Figures just computed are read where they were written (a replica may lag behind).
    return computed, DEFAULT_DB_ALIAS if missing else None


def same_day_misses(
    *,
    user: User,
    month: dt.date,
    office_id: int | None = None,
    branch_id: int | None = None,
    region_id: int | None = None,
) -> QuerySet[SameDayMiss]:
    """The kept Same Day Service misses of `month` among the claims the user sees (their
    branch and its sub-offices; head office every branch), narrowed to one office, a branch
    and its sub-offices, or a region, as the report's rows and totals are; slowest first."""
    month = month_start(month)
    _computed, database = _ensure_kept([month])
    misses = SameDayMiss.objects.using(database).filter(month=month)
    scope = branch_scope_q(user, prefix="claim__")
    if scope is not None:
        misses = misses.filter(scope)
    if office_id is not None:
        misses = misses.filter(branch_id=office_id)
    if branch_id is not None:
        misses = misses.filter(branch_q(branch_id))
    if region_id is not None:
        misses = misses.filter(branch__kanwil_id=region_id)
    return misses.select_related("claim__participant", "branch").order_by(
        "-working_days", "decided_at", "pk"
    )


def _kept(
    months: list[dt.date], *, branch_ids: list[int] | None
) -> tuple[dict[dt.date, dict[int, Figures]], dict[dt.date, dt.datetime]]:
    months = [month_start(m) for m in months]
    computed, database = _ensure_kept(months)
    rows = MonthlyFigures.objects.using(database).filter(month__in=months)
    if branch_ids is not None:
        rows = rows.filter(branch_id__in=branch_ids)
    result: dict[dt.date, dict[int, Figures]] = {month: {} for month in months}
    for row in rows:
        result[row.month][row.branch_id] = Figures(
            rejected_by_reason=Counter(row.rejected_by_reason),
            decision_working_days=Counter(
                {int(days): n for days, n in row.decision_working_days.items()}
            ),
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
        ("same_day_decided", _("Decided after a complete file")),
        ("same_day_met", _("Decided the same working day")),
        ("same_day_percent", _("Same day (%)")),
        ("median_working_days", _("Median working days to decide")),
    ]


def provisional_note(report: MonthlyReport) -> str:
    return _(
        "PROVISIONAL: %(month)s is not over; its figures still change (in progress and "
        "overdue as of %(day)s)."
    ) % {"month": f"{report.month:%Y-%m}", "day": f"{report.judged_on:%d-%m-%Y}"}


def render_xlsx(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet, the active one
    sheet.title = f"{report.month:%Y-%m}"
    title = [_("JKP monthly report to the Ministry of Manpower"), f"{report.month:%Y-%m}"]
    sheet.append([*title, provisional_note(report)] if report.provisional else title)
    if report.provisional:
        sheet.cell(row=1, column=3).font = Font(bold=True, color="C00000")
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
    _open_money_sheet(book.create_sheet(_("Open money")), report, Font(bold=True))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _open_money_sheet(sheet, report: MonthlyReport, bold) -> None:
    """The over- and underpayments open now per branch, as the report page shows them."""
    money = open_money([row.branch for row in report.rows])
    sheet.append([_("Open over- and underpayments per branch (now)")])
    sheet.append(
        [
            _("Branch"),
            _("Underpayments to pay"),
            _("Rp"),
            _("Open debts"),
            _("Rp"),
        ]
    )
    for cell in sheet[2]:
        cell.font = bold
    for row in [*money.rows, money.total]:
        sheet.append(
            [
                row.branch.name if row.branch is not None else _("Total"),
                row.underpaid_count,
                row.underpaid_total,
                row.debt_count,
                row.debt_total,
            ]
        )


def render_pdf(report: MonthlyReport) -> bytes:
    from weasyprint import HTML

    columns = _columns()
    html = render_to_string(
        "reports/monthly_pdf.html",
        {
            "report": report,
            "columns": columns,
            "rows": [
                (row.branch, [getattr(row.figures, name) for name, _label in columns])
                for row in report.rows
            ],
            "total": [getattr(report.total, name) for name, _label in columns],
            "provisional_note": provisional_note(report) if report.provisional else "",
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
    # The figures drawn, for the table beside the chart: month labels, and (series, values).
    labels: list[str]
    table: list[tuple[str, list]]

    @property
    def rows(self) -> list[tuple[str, list]]:
        """(month label, its value in each series): the table's rows."""
        return [
            (label, [values[k] for _name, values in self.table])
            for k, label in enumerate(self.labels)
        ]


def nice_ticks(value: int) -> list[int]:
    """The y-axis ticks for values up to `value`: 0 and at most four more, a step of 1, 2 or 5
    times a power of ten, so every label is a round number and its line is where it says."""
    magnitude = 1
    while True:
        for base in (1, 2, 5):
            step = base * magnitude
            if step * 4 >= value:
                intervals = max(1, -(-value // step))  # ceiling division
                return [step * k for k in range(intervals + 1)]
        magnitude *= 10


def _short(value: int) -> str:
    for size, suffix in ((10**12, "T"), (10**9, "M"), (10**6, "jt"), (10**3, "rb")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return str(value)


def _frame(labels: list[str], ticks: list[int], title: str) -> list[str]:
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    plot_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    top = ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}"'
        f' role="img" aria-label="{escape(title)}" class="report-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = PAD_TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{PAD_LEFT + plot_w}" y2="{y:.1f}"'
            f' stroke="#dee2e6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end"'
            f' fill="#495057" class="y-tick">{_short(tick)}</text>'
        )
    step = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        x = PAD_LEFT + step * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{CHART_HEIGHT - PAD_BOTTOM + 16}" font-size="11"'
            f' text-anchor="middle" fill="#495057" class="x-label">{escape(label)}</text>'
        )
    return parts


def line_chart(*, title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    ticks = nice_ticks(max((max(values, default=0) for _name, values in series), default=0))
    top = ticks[-1]
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (CHART_WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1)
    parts = _frame(labels, ticks, title)
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
    return Chart(title=title, svg="".join(parts), legend=legend, labels=labels, table=table)


def bar_chart(*, title: str, labels: list[str], values: list[int]) -> Chart:
    ticks = nice_ticks(max(values, default=0))
    top = ticks[-1]
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    step = (CHART_WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1)
    parts = _frame(labels, ticks, title)
    colour = PALETTE[0]
    for k, value in enumerate(values):
        height = plot_h * value / top
        parts.append(
            f'<rect x="{PAD_LEFT + step * k + step * 0.15:.1f}"'
            f' y="{PAD_TOP + plot_h - height:.1f}" width="{step * 0.7:.1f}"'
            f' height="{height:.1f}" fill="{colour}"><title>{value:,}</title></rect>'
        )
    parts.append("</svg>")
    return Chart(
        title=title,
        svg="".join(parts),
        legend=[(title, colour)],
        labels=labels,
        table=[(title, values)],
    )
