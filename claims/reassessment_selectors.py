"""Reads of a case's reassessments and debts, for the staff case page and the worker's portal
(one answer for both, so the two never disagree), and the open figures per branch."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from claims.models import (
    Claim,
    Debt,
    Reassessment,
    ReassessmentLine,
    RecoveryPlan,
    Repayment,
    Underpayment,
)
from claims.recovery import outstanding, recovered


@dataclass(frozen=True)
class DebtView:
    debt: Debt
    recovered: int
    outstanding: int
    plan: RecoveryPlan | None
    proposed: RecoveryPlan | None
    repayments: list[Repayment]
    offsets: list[tuple[int, int, str]]  # (month, amount, instalment status)
    months: list[ReassessmentLine]


def reassessments_of(claim: Claim) -> list[Reassessment]:
    return list(
        claim.reassessments.order_by("-sequence").prefetch_related(
            Prefetch("lines", queryset=ReassessmentLine.objects.order_by("month"))
        )
    )


def debts_of(claim: Claim) -> list[DebtView]:
    views = []
    for debt in claim.debts.select_related("reassessment").order_by("-created_at", "-pk"):
        plans = list(debt.plans.select_related("proposed_by", "decided_by"))
        plan = next((p for p in plans if p.state == RecoveryPlan.State.APPROVED), None)
        views.append(
            DebtView(
                debt=debt,
                recovered=recovered(debt),
                outstanding=outstanding(debt),
                plan=plan,
                proposed=next((p for p in plans if p.state == RecoveryPlan.State.PROPOSED), None),
                repayments=list(plan.repayments.order_by("sequence")) if plan else [],
                offsets=list(
                    debt.offsets.order_by("month").values_list("month", "offset_amount", "status")
                ),
                months=list(
                    debt.reassessment.lines.filter(outcome=ReassessmentLine.Outcome.OVERPAID)
                ),
            )
        )
    return views


def underpayments_of(claim: Claim) -> QuerySet[Underpayment]:
    return claim.underpayments.order_by("month", "pk")


def open_money_by_branch(claims: QuerySet[Claim] | None = None) -> dict[int, dict[str, int]]:
    """Per branch: the underpayments still to pay and the debts still open (count, Rupiah).

    Two grouped queries over the open rows only."""
    claims = claims if claims is not None else Claim.objects.all()
    figures: dict[int, dict[str, int]] = {}

    def row(branch_id: int) -> dict[str, int]:
        return figures.setdefault(
            branch_id,
            {"underpaid_count": 0, "underpaid_total": 0, "debt_count": 0, "debt_total": 0},
        )

    for branch_id, count, total in (
        Underpayment.objects.filter(claim__in=claims.values("pk"))
        .exclude(status=Underpayment.Status.PAID)
        .values("claim__branch_id")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .values_list("claim__branch_id", "n", "total")
    ):
        row(branch_id).update(underpaid_count=count, underpaid_total=total or 0)
    for branch_id, count, total in (
        Debt.objects.filter(claim__in=claims.values("pk"))
        .filter(~Q(state__in=sorted(Debt.CLOSED)))
        .values("claim__branch_id")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .values_list("claim__branch_id", "n", "total")
    ):
        row(branch_id).update(debt_count=count, debt_total=total or 0)
    return figures
