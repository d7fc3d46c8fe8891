"""parse_scenario: every malformed input gives ScenarioError(field, Indonesian message)."""

from __future__ import annotations

from datetime import date

import pytest

from claims.rules import (
    Contribution,
    Period,
    Scenario,
    ScenarioError,
    Termination,
    evaluate,
    parse_scenario,
)
from tests.rules.builders import scenario_data


def _with(path: str, value):
    """scenario_data() with the value at a dotted path replaced (``_DELETE`` removes it)."""
    data = scenario_data(prior_claims=[{"termination_date": "2019-01-10"}])
    data["contributions"] = [{"period": "2023-03", "wage": 1}, *data["contributions"][1:]]
    target = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    key = int(last) if last.isdigit() else last
    if value is _DELETE:
        del target[key]
    else:
        target[key] = value
    return data


_DELETE = object()

MALFORMED = [
    # missing required fields
    ("claim_date", _DELETE, "claim_date", "wajib"),
    ("contributions", _DELETE, "contributions", "wajib"),
    ("termination", _DELETE, "termination", "wajib"),
    ("termination.date", _DELETE, "termination.date", "wajib"),
    ("termination.reason", _DELETE, "termination.reason", "wajib"),
    ("contract", _DELETE, "contract", "wajib"),
    ("contract.type", _DELETE, "contract.type", "wajib"),
    ("contributions[3].period", _DELETE, "contributions[3].period", "wajib"),
    ("contributions[3].wage", _DELETE, "contributions[3].wage", "wajib"),
    ("participant.citizen", _DELETE, "participant.citizen", "wajib"),
    ("participant.birth_date", _DELETE, "participant.birth_date", "wajib"),
    ("prior_claims[0].termination_date", _DELETE, "prior_claims[0].termination_date", "wajib"),
    ("claim_date", None, "claim_date", "wajib"),
    # bad dates
    ("claim_date", "2025-02-30", "claim_date", "tanggal tidak valid"),
    ("claim_date", "10-03-2025", "claim_date", "tanggal tidak valid"),
    ("claim_date", "20250310", "claim_date", "tanggal tidak valid"),
    ("claim_date", "2025-3-10", "claim_date", "tanggal tidak valid"),
    ("claim_date", "", "claim_date", "tanggal tidak valid"),
    ("claim_date", 20250310, "claim_date", "teks"),
    ("termination.date", "2025-13-01", "termination.date", "tanggal tidak valid"),
    ("decision_date", "kemarin", "decision_date", "tanggal tidak valid"),
    ("participant.registered_on", "2021-06-31", "participant.registered_on", "tanggal"),
    ("prior_claims[0].termination_date", "2019/01/10", "prior_claims[0].termination_date", "tgl"),
    ("claim_date", "9999-12-31", "claim_date", "rentang"),
    # bad periods
    ("contributions[3].period", "2023-13", "contributions[3].period", "periode tidak valid"),
    ("contributions[3].period", "2023-6", "contributions[3].period", "periode tidak valid"),
    ("contributions[3].period", "2023-06-01", "contributions[3].period", "periode tidak valid"),
    ("contributions[3].period", "0000-01", "contributions[3].period", "periode tidak valid"),
    ("contributions[3].period", 202306, "contributions[3].period", "teks"),
    ("contributions[3].period", "1800-01", "contributions[3].period", "rentang"),
    # duplicate period
    ("contributions[3].period", "2023-03", "contributions[3].period", "ganda"),
    # wages: negative, fractional, text, boolean, null
    ("contributions[3].wage", -1, "contributions[3].wage", "negatif"),
    ("contributions[3].wage", 1.5, "contributions[3].wage", "bilangan bulat"),
    ("contributions[3].wage", 5000000.0, "contributions[3].wage", "bilangan bulat"),
    ("contributions[3].wage", "abc", "contributions[3].wage", "bilangan bulat"),
    ("contributions[3].wage", "5000000", "contributions[3].wage", "bilangan bulat"),
    ("contributions[3].wage", True, "contributions[3].wage", "bilangan bulat"),
    ("contributions[3].wage", None, "contributions[3].wage", "wajib"),
    # unknown codes
    ("termination.reason", "layoff", "termination.reason", "kode tidak dikenal"),
    ("termination.reason", "EFFICIENCY", "termination.reason", "kode tidak dikenal"),
    ("employer_size", "huge", "employer_size", "kode tidak dikenal"),
    ("contract.type", "PKWTX", "contract.type", "kode tidak dikenal"),
    ("enrollments", ["JKN", "BPJS"], "enrollments[1]", "kode tidak dikenal"),
    # PKWT without end date
    ("contract", {"type": "PKWT"}, "contract.end_date", "wajib"),
    ("contract", {"type": "PKWT", "end_date": None}, "contract.end_date", "wajib"),
    ("contract", {"type": "PKWT", "end_date": "31-12-2025"}, "contract.end_date", "tanggal"),
    # wrong types
    ("participant", "WNI", "participant", "objek"),
    ("participant.citizen", "true", "participant.citizen", "true atau false"),
    ("participant.citizen", 1, "participant.citizen", "true atau false"),
    ("contributions", {"period": "2023-03"}, "contributions", "daftar"),
    ("contributions[3]", "2023-06", "contributions[3]", "objek"),
    ("enrollments", "JKN", "enrollments", "daftar"),
    ("enrollments", [1], "enrollments[0]", "teks"),
    ("termination", [], "termination", "objek"),
    ("termination.reason", 3, "termination.reason", "teks"),
    ("prior_claims", {"termination_date": "2019-01-10"}, "prior_claims", "daftar"),
    ("prior_claims[0]", "2019-01-10", "prior_claims[0]", "objek"),
    ("employer", True, "employer", "objek"),
    ("employer.arrears_months", -1, "employer.arrears_months", "negatif"),
    ("employer.arrears_months", 2.5, "employer.arrears_months", "bilangan bulat"),
    ("employer.arrears_months", False, "employer.arrears_months", "bilangan bulat"),
    ("employer.bankrupt_or_closed", "no", "employer.bankrupt_or_closed", "true atau false"),
    ("employer.bankrupt_or_closed", 0, "employer.bankrupt_or_closed", "true atau false"),
    # inconsistent dates
    ("decision_date", "2025-03-09", "decision_date", "sebelum klaim"),
    ("participant.birth_date", "2022-01-01", "participant.registered_on", "sebelum tanggal lahir"),
    ("claim_date", "2021-02-01", "claim_date", "sebelum program JKP"),
]


@pytest.mark.parametrize(("path", "value", "field", "fragment"), MALFORMED)
def test_malformed_input_names_the_field(path, value, field, fragment):
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(_with(path, value))
    assert raised.value.field == field
    if fragment != "tgl":
        assert fragment in raised.value.message
    assert raised.value.message


@pytest.mark.parametrize("data", [[], "x", 3, None, True, [{"claim_date": "2025-01-01"}]])
def test_non_object_scenario(data):
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(data)
    assert raised.value.field == "scenario"
    assert "objek JSON" in raised.value.message


def test_well_formed_scenario_parses():
    scenario = parse_scenario(scenario_data())
    assert scenario.claim_date == date(2025, 3, 10)
    assert scenario.decision_date == date(2025, 3, 12)
    assert scenario.termination == Termination(date(2025, 2, 28), "efficiency", "PKWTT", None)
    assert scenario.contributions[0] == Contribution(Period(2023, 3), 5_000_000)
    assert scenario.enrollments == frozenset({"JKN", "JKK", "JKM", "JHT", "JP"})
    assert scenario.ignored_fields == ()


def test_optional_fields_may_be_absent_or_null():
    data = scenario_data(
        participant=None, employer_size=None, enrollments=None, decision_date=None, employer=None
    )
    data["prior_claims"] = None
    data["decision_date"] = None
    scenario = parse_scenario(data)
    assert scenario.participant is None
    assert scenario.employer_size is None
    assert scenario.enrollments is None
    assert scenario.decision_date is None
    assert scenario.prior_claims == ()
    assert scenario.employer.arrears_months == 0
    assert scenario.employer.bankrupt_or_closed is False


def test_employer_keys_default_individually():
    scenario = parse_scenario(scenario_data(employer={"bankrupt_or_closed": True}))
    assert scenario.employer.arrears_months == 0
    assert scenario.employer.bankrupt_or_closed is True


def test_empty_contributions_are_well_formed():
    assert not evaluate(parse_scenario(scenario_data(contributions=[]))).eligible


def test_pkwtt_end_date_is_ignored():
    scenario = parse_scenario(scenario_data(contract={"type": "PKWTT", "end_date": "2025-01-31"}))
    assert scenario.termination.contract_end_date is None


def test_unknown_keys_are_ignored_but_reported():
    data = scenario_data(description="kasus uji", prior_claim=[{"termination_date": "2019-01-01"}])
    data["termination"]["note"] = "x"
    scenario = parse_scenario(data)
    assert scenario.ignored_fields == ("description", "prior_claim", "termination.note")
    warnings = evaluate(scenario).to_dict()["warnings"]
    assert [w["code"] for w in warnings] == ["ignored_field"] * 3
    assert "prior_claim" in warnings[1]["message"]


def test_order_of_contributions_does_not_matter():
    data = scenario_data()
    reversed_data = scenario_data(contributions=list(reversed(data["contributions"])))
    assert evaluate(parse_scenario(data)) == evaluate(parse_scenario(reversed_data))


def test_duplicate_enrollment_is_tolerated():
    data = scenario_data(enrollments=["JKN", "JKN", "JKK", "JKM", "JHT", "JP"])
    assert evaluate(parse_scenario(data)).eligible


def test_scenario_value_object_validates_itself():
    termination = Termination(date(2025, 2, 28), "efficiency")
    contribution = Contribution(Period(2025, 1), 1)
    with pytest.raises(ScenarioError) as raised:
        Scenario((contribution, contribution), termination, date(2025, 3, 1))
    assert raised.value.field == "contributions[1].period"
    with pytest.raises(ScenarioError):
        Scenario((), Termination(date(2025, 2, 28), "nope"), date(2025, 3, 1))
    with pytest.raises(ScenarioError):
        Scenario((), Termination(date(2025, 2, 28), "efficiency", "PKWT"), date(2025, 3, 1))


def test_big_integer_wage_is_capped_not_an_error():
    decision = evaluate(parse_scenario(scenario_data(contributions=[])))
    assert decision.wage_basis == 0
    data = scenario_data()
    data["contributions"][-1]["wage"] = 10**30
    decision = evaluate(parse_scenario(data))
    assert decision.wage_basis == 5_000_000
    assert decision.cash_total == 18_000_000
