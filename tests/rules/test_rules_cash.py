"""Cash benefit: every worked example of jkp-rules.md, rounding (D8), due dates (D7), D6, D9."""

from __future__ import annotations

from datetime import date

import pytest

from claims.rules import percent_of
from tests.rules.builders import decide, months, scenario_data

# jkp-rules.md §6.1 and "Worked cash examples": wage, basis, V1 m1-3, V1 m4-6, V1 total,
# V2 each month, V2 total.
WORKED_TABLE = [
    (5_000_000, 5_000_000, 2_250_000, 1_250_000, 10_500_000, 3_000_000, 18_000_000),
    (8_000_000, 5_000_000, 2_250_000, 1_250_000, 10_500_000, 3_000_000, 18_000_000),
    (4_000_000, 4_000_000, 1_800_000, 1_000_000, 8_400_000, 2_400_000, 14_400_000),
    (3_500_000, 3_500_000, 1_575_000, 875_000, 7_350_000, 2_100_000, 12_600_000),
    (2_000_000, 2_000_000, 900_000, 500_000, 4_200_000, 1_200_000, 7_200_000),
]


def _v1_claim(wage: int):
    # PHK, claim and decision all in 2023: PP 37/2021 throughout.
    return decide(
        contributions=months("2023-05", 24, wage),
        termination={"date": "2023-05-31", "reason": "efficiency"},
        claim_date="2023-06-05",
        decision_date="2023-06-10",
    )


def _v2_claim(wage: int):
    return decide(contributions=months("2025-02", 24, wage))


@pytest.mark.parametrize(
    ("wage", "basis", "v1_first", "v1_later", "v1_total", "v2_each", "v2_total"), WORKED_TABLE
)
def test_worked_cash_table_v1(wage, basis, v1_first, v1_later, v1_total, v2_each, v2_total):
    decision = _v1_claim(wage)
    assert decision.eligible
    assert decision.rule_version == "PP37-2021"
    assert decision.wage_basis == basis
    assert [i.amount for i in decision.cash_schedule] == [v1_first] * 3 + [v1_later] * 3
    assert [i.percent for i in decision.cash_schedule] == [45, 45, 45, 25, 25, 25]
    assert {i.rule_version for i in decision.cash_schedule} == {"PP37-2021"}
    assert decision.cash_total == v1_total


@pytest.mark.parametrize(
    ("wage", "basis", "v1_first", "v1_later", "v1_total", "v2_each", "v2_total"), WORKED_TABLE
)
def test_worked_cash_table_v2(wage, basis, v1_first, v1_later, v1_total, v2_each, v2_total):
    decision = _v2_claim(wage)
    assert decision.eligible
    assert decision.rule_version == "PP6-2025"
    assert decision.wage_basis == basis
    assert [i.amount for i in decision.cash_schedule] == [v2_each] * 6
    assert [i.percent for i in decision.cash_schedule] == [60] * 6
    assert {i.rule_version for i in decision.cash_schedule} == {"PP6-2025"}
    assert decision.cash_total == v2_total


def test_transition_example_from_jkp_rules():
    """Wage 4,000,000, declared eligible 16 Dec 2024: 1,800,000 x2, then 2,400,000 x4 (D6)."""
    decision = decide(
        contributions=months("2024-11", 24, 4_000_000),
        termination={"date": "2024-11-20", "reason": "efficiency"},
        claim_date="2024-12-02",
        decision_date="2024-12-16",
    )
    assert decision.eligible
    assert decision.rule_version == "PP37-2021"
    schedule = decision.cash_schedule
    assert [i.due_date for i in schedule] == [
        date(2024, 12, 16),
        date(2025, 1, 16),
        date(2025, 2, 16),
        date(2025, 3, 16),
        date(2025, 4, 16),
        date(2025, 5, 16),
    ]
    assert [i.amount for i in schedule] == [1_800_000, 1_800_000] + [2_400_000] * 4
    assert [i.percent for i in schedule] == [45, 45, 60, 60, 60, 60]
    assert [i.rule_version for i in schedule] == ["PP37-2021"] * 2 + ["PP6-2025"] * 4
    assert decision.cash_total == 13_200_000


def test_instalment_due_on_v2_start_day_is_v2():
    decision = decide(
        contributions=months("2024-12", 24, 4_000_000),
        termination={"date": "2024-12-20", "reason": "efficiency"},
        claim_date="2025-01-06",
        decision_date="2025-01-07",
    )
    schedule = decision.cash_schedule
    assert schedule[0].due_date == date(2025, 1, 7)
    assert schedule[0].rule_version == "PP37-2021"
    assert schedule[1].due_date == date(2025, 2, 7)
    assert schedule[1].rule_version == "PP6-2025"
    assert [i.amount for i in schedule] == [1_800_000] + [2_400_000] * 5


def test_filed_before_v2_but_declared_eligible_after_is_all_v2():
    """Permenaker 2/2025 Pasal II(4), D5 and D6: judged and paid entirely under PP 6/2025."""
    decision = decide(
        contributions=months("2025-01", 24, 4_000_000),
        termination={"date": "2025-01-15", "reason": "efficiency"},
        claim_date="2025-02-03",
        decision_date="2025-02-07",
    )
    assert decision.rule_version == "PP6-2025"
    assert [i.rule_version for i in decision.cash_schedule] == ["PP6-2025"] * 6
    assert decision.cash_total == 14_400_000


def test_decision_long_before_v2_is_all_v1():
    decision = _v1_claim(4_000_000)
    assert decision.cash_schedule[-1].due_date == date(2023, 11, 10)
    assert decision.cash_total == 8_400_000


def test_due_dates_clip_to_month_end_and_do_not_drift():
    """D7: decision 31 Aug -> 30 Sep, 31 Oct, 30 Nov, 31 Dec, 31 Jan (each from the decision)."""
    decision = decide(
        contributions=months("2025-07", 24),
        termination={"date": "2025-07-31", "reason": "efficiency"},
        claim_date="2025-08-29",
        decision_date="2025-08-31",
    )
    assert [i.due_date for i in decision.cash_schedule] == [
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 31),
        date(2025, 11, 30),
        date(2025, 12, 31),
        date(2026, 1, 31),
    ]


def test_due_date_clips_to_29_february_in_leap_year():
    decision = decide(
        contributions=months("2023-12", 24),
        termination={"date": "2023-12-29", "reason": "efficiency"},
        claim_date="2024-01-02",
        decision_date="2024-01-31",
    )
    assert decision.cash_schedule[1].due_date == date(2024, 2, 29)
    assert decision.cash_schedule[2].due_date == date(2024, 3, 31)


def test_decision_date_defaults_to_claim_date():
    decision = decide(decision_date=None)
    assert decision.cash_schedule[0].due_date == date(2025, 3, 10)


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (1_000_001, 45, 450_000),  # 450,000.45 -> down
        (1_000_003, 45, 450_001),  # 450,001.35 -> down
        (1_000_010, 25, 250_003),  # 250,002.5 -> half up
        (1_000_002, 25, 250_001),  # 250,000.5 -> half up
        (1_234_567, 60, 740_740),  # 740,740.2
        (3_333_333, 45, 1_500_000),  # 1,499,999.85 -> up
        (0, 60, 0),
    ],
)
def test_percent_of_rounds_half_up_to_whole_rupiah(amount, percent, expected):
    result = percent_of(amount, percent)
    assert result == expected
    assert type(result) is int


def test_odd_wage_amounts_are_rounded_per_instalment_and_summed():
    decision = _v1_claim(3_333_333)
    # 45% of 3,333,333 = 1,499,999.85 -> 1,500,000; 25% = 833,333.25 -> 833,333.
    assert [i.amount for i in decision.cash_schedule] == [1_500_000] * 3 + [833_333] * 3
    assert decision.cash_total == 3 * 1_500_000 + 3 * 833_333


def test_wage_basis_is_latest_paid_month_on_or_before_phk_month():
    """D9: a raise in the PHK month counts; a month after the PHK month does not."""
    contributions = [*months("2025-01", 23, 3_000_000), {"period": "2025-02", "wage": 3_500_000}]
    contributions.append({"period": "2025-03", "wage": 9_000_000})
    decision = decide(contributions=contributions)
    assert decision.wage_basis == 3_500_000
    assert decision.cash_total == 6 * 2_100_000


def test_wage_basis_skips_unpaid_phk_month():
    contributions = months("2025-01", 24, 2_000_000)
    contributions[-1]["wage"] = 2_500_000
    decision = decide(contributions=contributions)
    assert decision.wage_basis == 2_500_000


def test_wage_basis_is_capped_at_ceiling():
    decision = decide(contributions=months("2025-02", 24, 12_000_000))
    assert decision.wage_basis == 5_000_000
    assert decision.last_reported_wage == 12_000_000
    assert decision.cash_total == 18_000_000


def test_wage_basis_is_zero_without_any_paid_month():
    decision = decide(contributions=[])
    assert decision.wage_basis == 0
    assert not decision.eligible


def test_no_schedule_when_not_eligible():
    decision = decide(termination={"date": "2025-02-28", "reason": "resign_voluntary"})
    assert not decision.eligible
    assert decision.cash_schedule == ()
    assert decision.cash_total == 0


def test_to_dict_matches_contract_shape():
    result = decide(scenario_data()).to_dict()
    for key in (
        "eligible",
        "rule_version",
        "checks",
        "wage_basis",
        "payer",
        "cash_schedule",
        "cash_total",
    ):
        assert key in result
    assert result["cash_schedule"][0] == {
        "month": 1,
        "due_date": "2025-03-12",
        "percent": 60,
        "amount": 3_000_000,
        "rule_version": "PP6-2025",
        "wage_basis": 5_000_000,
        "source": "PP 6/2025 Pasal 21(1)",
    }
    assert result["cash_total"] == 18_000_000
    assert result["payer"] == "bpjs"
    first_check = result["checks"][0]
    assert set(first_check) >= {"code", "passed", "value", "required", "source", "message"}
