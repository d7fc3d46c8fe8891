"""Reads of a case's reassessments and debts, for the staff case page and the worker's portal
(one answer for both, so the two never disagree), and the open figures per branch."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

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
from jkp_site.core.models import KantorCabang


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


def open_money_by_branch(branch_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per branch: the underpayments still to pay and the debts still open (count, Rupiah).

    One query whatever the number of claims: a grouped subquery per figure."""

    def figure(rows: QuerySet, value) -> Subquery:
        grouped = rows.values("claim__branch_id").annotate(v=value).values("v")
        return Subquery(grouped, output_field=BigIntegerField())

    unpaid = Underpayment.objects.filter(claim__branch_id=OuterRef("pk")).exclude(
        status=Underpayment.Status.PAID
    )
    debts = Debt.objects.filter(claim__branch_id=OuterRef("pk")).filter(
        ~Q(state__in=sorted(Debt.CLOSED))
    )
    rows = (
        KantorCabang.objects.filter(pk__in=branch_ids)
        .annotate(
            underpaid_count=figure(unpaid, Count("pk")),
            underpaid_total=figure(unpaid, Sum("amount")),
            debt_count=figure(debts, Count("pk")),
            debt_total=figure(debts, Sum("amount")),
        )
        .values_list("pk", "underpaid_count", "underpaid_total", "debt_count", "debt_total")
    )
    return {
        pk: {
            "underpaid_count": under_n or 0,
            "underpaid_total": under or 0,
            "debt_count": debt_n or 0,
            "debt_total": debt or 0,
        }
        for pk, under_n, under, debt_n, debt in rows
        if under_n or debt_n
    }
