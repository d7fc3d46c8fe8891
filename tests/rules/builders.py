"""Scenario builders for the rules-engine tests: contract-shaped dicts, then the real parser."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from claims.rules import Decision, Period, Scenario, evaluate, parse_scenario

DEFAULT_WAGE = 4_000_000


def months(end: str, count: int, wage: int = DEFAULT_WAGE) -> list[dict[str, Any]]:
    """``count`` consecutive paid months ending with ``end`` ("YYYY-MM")."""
    last = Period.parse(end)
    return [{"period": str(last - offset), "wage": wage} for offset in range(count - 1, -1, -1)]


def scenario_data(**overrides: Any) -> dict[str, Any]:
    """An eligible V2 claim (PHK 28 Feb 2025, 24 paid months) with ``overrides`` applied.

    An override of ``None`` removes the key (e.g. ``participant=None``).
    """
    data: dict[str, Any] = {
        "participant": {
            "citizen": True,
            "registered_on": "2021-06-01",
            "birth_date": "1990-04-17",
        },
        "employer_size": "large",
        "enrollments": ["JKN", "JKK", "JKM", "JHT", "JP"],
        "contract": {"type": "PKWTT"},
        "contributions": months("2025-02", 24, 5_000_000),
        "termination": {"date": "2025-02-28", "reason": "efficiency"},
        "claim_date": "2025-03-10",
        "decision_date": "2025-03-12",
        "employer": {"arrears_months": 0, "bankrupt_or_closed": False},
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = copy.deepcopy(value)
    return data


def claim_after(phk: date, claim: date, **overrides: Any) -> dict[str, Any]:
    """A scenario whose PHK and claim dates are given, with 24 paid months up to the PHK month."""
    phk_month = str(Period.of(phk))
    base = {
        "contributions": months(phk_month, 24),
        "termination": {"date": phk.isoformat(), "reason": "efficiency"},
        "claim_date": claim.isoformat(),
        "decision_date": None,
    }
    base.update(overrides)
    return scenario_data(**base)


def parse(data: dict[str, Any]) -> Scenario:
    return parse_scenario(data)


def decide(data: dict[str, Any] | None = None, **overrides: Any) -> Decision:
    """Evaluate ``scenario_data(**overrides)`` (or ``data`` itself) through the public parser."""
    return evaluate(parse_scenario(data if data is not None else scenario_data(**overrides)))


def check(decision: Decision, code: str) -> tuple[bool, Any, Any]:
    result = decision.check(code)
    return result.passed, result.value, result.required
