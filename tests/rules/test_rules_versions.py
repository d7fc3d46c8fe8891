"""Rule versions are data: lookup by date, parameters with sources, and no code per version."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest

from claims.rules import (
    VERSIONS,
    NoRuleVersionError,
    Param,
    RuleVersion,
    evaluate,
    parse_scenario,
    version_by_code,
    version_on,
    version_table,
)
from claims.rules import versions as versions_module
from tests.rules.builders import claim_after, months, scenario_data


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2021, 2, 2), "PP37-2021"),
        (date(2023, 7, 1), "PP37-2021"),
        (date(2025, 2, 6), "PP37-2021"),
        (date(2025, 2, 7), "PP6-2025"),
        (date(2030, 1, 1), "PP6-2025"),
    ],
)
def test_version_on(day, code):
    assert version_on(day).code == code


def test_no_version_before_jkp_existed():
    with pytest.raises(NoRuleVersionError):
        version_on(date(2021, 2, 1))


def test_versions_are_ordered_and_frozen():
    assert [v.code for v in VERSIONS] == ["PP37-2021", "PP6-2025"]
    assert VERSIONS[0].effective_from < VERSIONS[1].effective_from
    with pytest.raises(dataclasses.FrozenInstanceError):
        VERSIONS[0].code = "x"  # type: ignore[misc]


def test_key_parameters_per_version():
    v1, v2 = version_by_code("PP37-2021"), version_by_code("PP6-2025")
    assert v1.value("claim_deadline_months") == 3
    assert v2.value("claim_deadline_months") == 6
    assert v1.value("cash_percents") == (45, 45, 45, 25, 25, 25)
    assert v2.value("cash_percents") == (60,) * 6
    assert v1.value("wage_ceiling") == v2.value("wage_ceiling") == 5_000_000
    assert v1.value("max_instalments") == v2.value("max_instalments") == 6
    assert v1.value("training_cost_cap") == 1_000_000
    assert v2.value("training_cost_cap") == 2_400_000
    assert "PMK 26/2025" in v2.source("training_cost_cap")
    assert v1.value("max_age_at_registration") == v2.value("max_age_at_registration") == 54
    assert v1.value("arrears_months_bpjs_pays") == v2.value("arrears_months_bpjs_pays") == 3
    assert v1.value("arrears_months_bpjs_pays_bankrupt") == 3
    assert v2.value("arrears_months_bpjs_pays_bankrupt") == 6
    assert v2.source("arrears_months_bpjs_pays_bankrupt") == "PP 6/2025 Pasal 39A(1)"
    assert v1.value("contribution_rate_percent") == Decimal("0.46")
    assert v2.value("contribution_rate_percent") == Decimal("0.36")
    assert v1.value("required_enrollments")["large"] == ("JKK", "JHT", "JP", "JKM", "JKN")
    assert v1.value("required_enrollments")["micro"] == ("JKK", "JHT", "JKM", "JKN")
    for name in ("min_paid_months", "window_months"):
        assert v1.value(name) == v2.value(name)
    assert v1.value("min_consecutive_months") == 6  # D2
    assert v2.value("min_consecutive_months") == 0  # D1: no consecutive run under PP 6/2025
    for name in ("min_paid_months", "window_months", "min_consecutive_months"):
        assert v1.param(name).verified is True
        assert v2.param(name).verified is False  # D1
    assert v1.source("pkwt_requires_phk_before_end_date") == "PP 37/2021 Pasal 20(2)"
    assert v2.source("pkwt_requires_phk_before_end_date") == "PP 37/2021 Pasal 20(2)"
    for name in ("max_claims", "min_paid_months_between_claims"):
        assert v2.param(name).verified is False  # D10
    assert v1.value("max_claims") == 3
    assert v1.value("min_paid_months_between_claims") == 60


def test_money_parameters_are_ints_and_rates_decimals():
    for version in VERSIONS:
        for name in ("wage_ceiling", "training_cost_cap"):
            assert type(version.value(name)) is int
        assert all(type(p) is int for p in version.value("cash_percents"))
        assert isinstance(version.value("contribution_rate_percent"), Decimal)


def test_every_parameter_cites_a_source():
    for version in VERSIONS:
        for name, param in version.params.items():
            assert param.source, (version.code, name)


def test_version_table_is_json_with_decimal_strings():
    table = version_table()
    text = json.dumps(table)
    assert [row["code"] for row in table] == ["PP37-2021", "PP6-2025"]
    assert table[0]["effective_from"] == "2021-02-02"
    assert table[0]["superseded_on"] == "2025-02-07"
    assert table[1]["superseded_on"] is None
    assert table[1]["params"]["contribution_rate_percent"]["value"] == "0.36"
    assert table[1]["params"]["cash_percents"]["value"] == [60] * 6
    assert table[1]["params"]["min_paid_months"]["verified"] is False
    assert "Pasal 40" in table[1]["params"]["claim_deadline_months"]["source"]
    assert "float" not in text


def test_unknown_parameter_is_a_clear_error():
    with pytest.raises(KeyError, match="no parameter"):
        VERSIONS[0].param("nope")


def test_a_new_version_needs_no_code_change(monkeypatch):
    """A hypothetical 2026 version with other figures changes results through data alone."""
    v2 = VERSIONS[-1]
    future = RuleVersion(
        code="PPX-2026",
        effective_from=date(2026, 1, 1),
        params={
            **v2.params,
            "claim_deadline_months": Param(12, "PP X/2026 Pasal 40"),
            "cash_percents": Param((70, 70, 70, 50, 50, 50), "PP X/2026 Pasal 21"),
            "max_instalments": Param(4, "PP X/2026 Pasal 21"),
            "wage_ceiling": Param(6_000_000, "PP X/2026 Pasal 21"),
            "min_consecutive_months": Param(3, "PP X/2026 Pasal 19"),
            "max_age_at_registration": Param(60, "PP X/2026 Pasal 4(2)"),
        },
    )
    monkeypatch.setattr(versions_module, "VERSIONS", (*VERSIONS, future))

    data = claim_after(date(2026, 1, 10), date(2026, 12, 20))  # 11+ months after PHK
    data["contributions"] = [*months("2025-06", 9, 8_000_000), *months("2026-01", 3, 8_000_000)]
    data["participant"] = {
        "citizen": True,
        "registered_on": "2025-01-01",
        "birth_date": "1968-01-01",
    }
    decision = evaluate(parse_scenario(data))
    assert decision.rule_version == "PPX-2026"
    assert decision.eligible, [c for c in decision.checks if not c.passed]
    assert [i.amount for i in decision.cash_schedule] == [4_200_000] * 3 + [3_000_000]
    assert decision.cash_total == 15_600_000

    # The transition rule (D6) carries over: a V2 decision running into 2026 switches.
    running = claim_after(date(2025, 10, 10), date(2025, 11, 1), decision_date="2025-11-15")
    schedule = evaluate(parse_scenario(running)).cash_schedule
    assert [i.rule_version for i in schedule] == ["PP6-2025"] * 2 + ["PPX-2026"] * 4
    assert [i.percent for i in schedule] == [60, 60, 70, 50, 50, 50]


def test_version_switch_of_running_benefit_can_be_turned_off(monkeypatch):
    v2 = VERSIONS[-1]
    future = RuleVersion(
        code="PPX-2026",
        effective_from=date(2026, 1, 1),
        params={
            **v2.params,
            "cash_percents": Param((70,) * 6, "PP X/2026 Pasal 21"),
            "applies_to_running_benefits": Param(False, "PP X/2026 Pasal 50"),
        },
    )
    monkeypatch.setattr(versions_module, "VERSIONS", (*VERSIONS, future))
    running = claim_after(date(2025, 10, 10), date(2025, 11, 1), decision_date="2025-11-15")
    schedule = evaluate(parse_scenario(running)).cash_schedule
    assert {i.rule_version for i in schedule} == {"PP6-2025"}


def test_baseline_scenario_rule_version():
    assert evaluate(parse_scenario(scenario_data())).rule_version == "PP6-2025"
