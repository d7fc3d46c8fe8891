"""Keyset (cursor) pagination of the claims queue: a page starts after (or ends before) the
sort value and tie-break of a row, so the last page costs what the first does; no OFFSET.

Each offered order is a column and a unique tie-break in the same direction. Empty values
(a claim not yet filed has no claim date) sort after every value going up and before every
value going down, the same on PostgreSQL and SQLite. A page is read as the union of a few
index range scans, each ``ORDER BY … LIMIT``: one per branch office in scope (the branch and
its sub-offices; ``branch_id IN (…)`` over several offices cannot be read in order from one
index) and, for a column that may be empty, one for the empty values; then the rows of the
keys found. SQLite cannot order the parts of a UNION, so there the page is one query with the
same conditions.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from claims.models import Claim


@dataclass(frozen=True)
class Order:
    """One offered order of the queue."""

    field: str
    tie: str
    kind: type
    nullable: bool


ORDERS: dict[str, Order] = {
    "waiting": Order("state_changed_at", "id", dt.datetime, nullable=True),
    "phk_date": Order("termination__phk_date", "termination_id", dt.date, nullable=False),
    "claim_date": Order("claim_date", "id", dt.date, nullable=True),
    "number": Order("number", "id", str, nullable=False),
}
DEFAULT_ORDER = "waiting"


@dataclass
class Page:
    rows: list[Claim]
    next_cursor: str | None
    previous_cursor: str | None
    # A page read backwards from the end: "Last" was followed, or "Previous" from there.
    is_last: bool = False

    @property
    def has_other_pages(self) -> bool:
        return self.next_cursor is not None or self.previous_cursor is not None


def parse_order(value: str | None) -> tuple[Order, bool]:
    """The order named in the query string ("number", "-waiting"...) and whether it runs
    descending; the default for anything else."""
    name = (value or "").strip()
    descending = name.startswith("-")
    order = ORDERS.get(name.lstrip("-"))
    if order is None:
        return ORDERS[DEFAULT_ORDER], False
    return order, descending


def encode_cursor(order: Order, claim: Claim) -> str:
    value = _value_of(claim, order.field)
    tie = getattr(claim, order.tie)
    text = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value, tie])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(order: Order, token: str | None) -> tuple[Any, int] | None:
    """(value, tie) of a cursor, or None for a missing or malformed one (the first page)."""
    if not token:
        return None
    try:
        raw, tie = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError, binascii.Error):
        return None
    if not isinstance(tie, int) or isinstance(tie, bool):
        return None
    if raw is None:
        return (None, tie) if order.nullable else None
    if not isinstance(raw, str):
        return None
    value: Any = raw
    if order.kind is dt.datetime:
        value = parse_datetime(raw)
    elif order.kind is dt.date:
        value = parse_date(raw)
    return None if value is None else (value, tie)


def _value_of(claim: Claim, path: str) -> Any:
    value: Any = claim
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _order_by(order: Order, descending: bool) -> list:
    if descending:
        return [F(order.field).desc(nulls_first=True), F(order.tie).desc()]
    return [F(order.field).asc(nulls_last=True), F(order.tie).asc()]


def _segments(order: Order, descending: bool, cursor: tuple[Any, int] | None) -> list[Q]:
    """The conditions of the rows after `cursor` in this direction, as parts each read in
    order from one index range: the rows with a value, and (nullable columns) the empty ones.
    Empty values count as the greatest."""
    field, tie = order.field, order.tie
    has_value = Q(**{f"{field}__isnull": False}) if order.nullable else Q()
    empty = Q(**{f"{field}__isnull": True})
    if cursor is None:
        return [has_value, empty] if order.nullable else [has_value]
    value, last = cursor
    later, tie_later = ("lt", "lt") if descending else ("gt", "gt")
    if value is None:
        after_empty = empty & Q(**{f"{tie}__{tie_later}": last})
        return [after_empty, has_value] if descending else [after_empty]
    bound = "lte" if descending else "gte"
    after_value = (
        has_value
        & Q(**{f"{field}__{bound}": value})
        & (Q(**{f"{field}__{later}": value}) | Q(**{f"{tie}__{tie_later}": last}))
    )
    return [after_value] if descending or not order.nullable else [after_value, empty]


def _read(
    queryset: QuerySet[Claim],
    order: Order,
    descending: bool,
    cursor: tuple[Any, int] | None,
    size: int,
    branch_ids: list[int] | None,
) -> list[Claim]:
    """Up to `size` rows after `cursor` in this direction."""
    segments = _segments(order, descending, cursor)
    ordering = _order_by(order, descending)
    if connection.features.supports_slicing_ordering_in_compound:
        keys = queryset.order_by()
        parts = [
            keys.filter(segment, **({"branch_id": branch} if branch is not None else {}))
            .order_by(*ordering)
            .values("pk")[:size]
            for segment in segments
            for branch in (list[int | None](branch_ids) if branch_ids else [None])
        ]
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        # The keys first, then their rows: planning the union inside the page's joins costs
        # more than a second query.
        keys_found = [row["pk"] for row in union]
        return list(queryset.filter(pk__in=keys_found).order_by(*ordering)[:size])
    condition = Q()
    if all(segments):  # an empty condition (no cursor, no empty values) takes every row
        condition = segments[0]
        for segment in segments[1:]:
            condition |= segment
    return list(queryset.filter(condition).order_by(*ordering)[:size])


def paginate(
    queryset: QuerySet[Claim],
    *,
    order: Order,
    descending: bool,
    size: int,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    branch_ids: list[int] | None = None,
) -> Page:
    """The page after the cursor `after`, or the one before `before`, or the last page
    (`last`), or the first. `branch_ids`: the offices the queryset is limited to, when it is
    (each is read from its own index range)."""
    backwards_cursor = decode_cursor(order, before)
    if backwards_cursor is not None or last:
        rows = _read(
            queryset, order, not descending, backwards_cursor, size + 1, branch_ids=branch_ids
        )
        more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        return Page(
            rows=rows,
            previous_cursor=encode_cursor(order, rows[0]) if more_before and rows else None,
            next_cursor=encode_cursor(order, rows[-1]) if backwards_cursor and rows else None,
            is_last=backwards_cursor is None,
        )
    forwards_cursor = decode_cursor(order, after)
    rows = _read(queryset, order, descending, forwards_cursor, size + 1, branch_ids=branch_ids)
    more_after = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        next_cursor=encode_cursor(order, rows[-1]) if more_after else None,
        previous_cursor=encode_cursor(order, rows[0]) if forwards_cursor and rows else None,
    )
