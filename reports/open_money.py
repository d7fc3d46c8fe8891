"""The over- and underpayments still open per branch (claims.reassessment): what the dashboard
and the monthly report show beside the month's figures. They are the state now, read from the
open rows (one query), not a month's events."""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.reassessment_selectors import open_money_by_branch
from jkp_site.core.models import KantorCabang


@dataclass(frozen=True)
class OpenMoneyRow:
    branch: KantorCabang | None
    underpaid_count: int = 0
    underpaid_total: int = 0
    debt_count: int = 0
    debt_total: int = 0


@dataclass
class OpenMoney:
    rows: list[OpenMoneyRow] = field(default_factory=list)
    total: OpenMoneyRow = field(default_factory=lambda: OpenMoneyRow(branch=None))


def open_money(branches: list) -> OpenMoney:
    """The branches given (those of the report) with something open, and their total."""
    figures = open_money_by_branch([b.pk for b in branches])
    rows = [OpenMoneyRow(branch=b, **figures[b.pk]) for b in branches if b.pk in figures]
    total = OpenMoneyRow(
        branch=None,
        **{
            name: sum(getattr(row, name) for row in rows)
            for name in ("underpaid_count", "underpaid_total", "debt_count", "debt_total")
        },
    )
    return OpenMoney(rows=rows, total=total)
