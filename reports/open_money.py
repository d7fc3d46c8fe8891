"""The over- and underpayments still open per branch (claims.reassessment): what the dashboard
and the monthly report show beside the month's figures. They are the state now, read from the
open rows (two grouped queries), not a month's events."""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.models import Claim
from claims.reassessment_selectors import open_money_by_branch
from reports.monthly import _branches


@dataclass(frozen=True)
class OpenMoneyRow:
    branch: object
    underpaid_count: int = 0
    underpaid_total: int = 0
    debt_count: int = 0
    debt_total: int = 0


@dataclass
class OpenMoney:
    rows: list[OpenMoneyRow] = field(default_factory=list)
    total: OpenMoneyRow = field(default_factory=lambda: OpenMoneyRow(branch=None))


def open_money(*, region_id: int | None = None, branch_id: int | None = None) -> OpenMoney:
    """The branches (of a region, or one branch) with something open, and their total."""
    branches = list(_branches(region_id=region_id, branch_id=branch_id))
    claims = Claim.objects.filter(branch__in=[b.pk for b in branches])
    figures = open_money_by_branch(claims)
    rows = [OpenMoneyRow(branch=b, **figures[b.pk]) for b in branches if b.pk in figures]
    total = OpenMoneyRow(
        branch=None,
        **{
            name: sum(getattr(row, name) for row in rows)
            for name in ("underpaid_count", "underpaid_total", "debt_count", "debt_total")
        },
    )
    return OpenMoney(rows=rows, total=total)
