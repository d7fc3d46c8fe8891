"""Properties of the engine over generated scenarios (hypothesis)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.rules import (
    PROGRAMMES,
    TERMINATION_REASONS,
    Contribution,
    EmployerStatus,
    ParticipantInfo,
    Period,
    PriorClaim,
    Scenario,
    ScenarioError,
    Termination,
    evaluate,
    parse_scenario,
)

MAX_MONTHLY = 3_000_000  # 60% of Rp5,000,000
MAX_TOTAL = 18_000_000

phk_dates = st.dates(min_value=date(2021, 3, 1), max_value=date(2027, 12, 31))
wages = st.one_of(
    st.integers(min_value=0, max_value=20_000_000),
    st.sampled_from([0, 1, 3_500_000, 4_999_999, 5_000_000, 5_000_001, 10**15]),
)


QUALIFYING = sorted(
    set(TERMINATION_REASONS)
    - {"resign_voluntary", "retirement", "total_permanent_disability", "death", "contract_expired"}
    - {"contract_early_end"}
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Half of the draws vary only what matters for eligible cases (dates, wages, arrears)."""
    likely = draw(st.booleans())
    phk = draw(phk_dates)
    max_delay = 80 if likely else 220
    claim = phk + timedelta(days=draw(st.integers(min_value=0, max_value=max_delay)))
    decision = claim + timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    phk_month = Period.of(phk)
    dense = st.integers(min_value=12 if likely else 0, max_value=40).map(
        lambda n: set(range(-n + 1, 1))
    )
    sparse = st.sets(st.integers(min_value=-40, max_value=3), max_size=44)
    offsets = draw(dense if likely else st.one_of(dense, sparse))
    contributions = tuple(Contribution(phk_month + offset, draw(wages)) for offset in offsets)
    reason = draw(st.sampled_from(QUALIFYING if likely else sorted(TERMINATION_REASONS)))
    contract_type = "PKWTT" if likely else draw(st.sampled_from(["PKWTT", "PKWT"]))
    end = None
    if contract_type == "PKWT":
        end = phk + timedelta(days=draw(st.integers(min_value=-40, max_value=400)))
    participants = st.builds(
        ParticipantInfo,
        citizen=st.just(True) if likely else st.booleans(),
        registered_on=st.just(date(2021, 6, 1)),
        birth_date=st.dates(
            min_value=date(1968 if likely else 1960, 1, 1), max_value=date(2000, 1, 1)
        ),
    )
    participant = draw(st.none() | participants)
    priors: list[PriorClaim] = []
    if not likely:
        priors = draw(
            st.lists(
                st.dates(min_value=date(2000, 1, 1), max_value=phk - timedelta(days=1)).map(
                    PriorClaim
                ),
                max_size=4,
            )
        )
    enrollments = st.frozensets(st.sampled_from(PROGRAMMES))
    return Scenario(
        contributions=contributions,
        termination=Termination(phk, reason, contract_type, end),
        claim_date=claim,
        decision_date=draw(st.sampled_from([None, decision])),
        participant=participant,
        employer_size=draw(st.none() | st.sampled_from(["micro", "small", "medium", "large"])),
        enrollments=draw(st.none() | (st.just(frozenset(PROGRAMMES)) if likely else enrollments)),
        prior_claims=tuple(priors),
        employer=EmployerStatus(
            arrears_months=draw(st.integers(min_value=0, max_value=12)),
            bankrupt_or_closed=draw(st.booleans()),
        ),
    )


@given(scenarios())
@settings(max_examples=250, deadline=None)
def test_schedule_bounds_and_types(scenario):
    decision = evaluate(scenario)
    schedule = decision.cash_schedule
    assert len(schedule) <= 6
    for instalment in schedule:
        assert type(instalment.amount) is int
        assert 0 <= instalment.amount <= MAX_MONTHLY
        assert type(instalment.percent) is int
        assert instalment.due_date >= scenario.effective_decision_date
    assert type(decision.cash_total) is int
    assert type(decision.wage_basis) is int
    assert decision.cash_total == sum(i.amount for i in schedule)
    assert 0 <= decision.cash_total <= MAX_TOTAL
    assert 0 <= decision.wage_basis <= 5_000_000


@given(scenarios())
@settings(max_examples=250, deadline=None)
def test_eligible_iff_all_checks_pass_and_schedule_iff_eligible(scenario):
    decision = evaluate(scenario)
    assert decision.eligible == all(check.passed for check in decision.checks)
    assert (decision.cash_schedule == ()) == (not decision.eligible)
    if decision.eligible:
        assert [i.month for i in decision.cash_schedule] == [1, 2, 3, 4, 5, 6]
        assert [i.due_date for i in decision.cash_schedule] == sorted(
            i.due_date for i in decision.cash_schedule
        )
    assert decision.payer in {"bpjs", "employer_first"}


@given(scenarios(), st.integers(min_value=-40, max_value=3), wages)
@settings(max_examples=250, deadline=None)
def test_adding_a_paid_month_never_makes_an_eligible_case_ineligible(scenario, offset, wage):
    before = evaluate(scenario)
    period = Period.of(scenario.termination.date) + offset
    if any(c.period == period for c in scenario.contributions):
        return
    more = dataclasses.replace(
        scenario, contributions=(*scenario.contributions, Contribution(period, wage))
    )
    after = evaluate(more)
    if before.eligible:
        assert after.eligible
    for old, new in zip(before.checks, after.checks, strict=True):
        if old.passed:
            assert new.passed, new.code


def _as_contract_json(scenario: Scenario) -> dict[str, Any]:
    termination = scenario.termination
    data: dict[str, Any] = {
        "contract": {"type": termination.contract_type},
        "contributions": [
            {"period": str(c.period), "wage": c.wage} for c in scenario.contributions
        ],
        "termination": {"date": termination.date.isoformat(), "reason": termination.reason},
        "claim_date": scenario.claim_date.isoformat(),
        "prior_claims": [
            {"termination_date": p.termination_date.isoformat()} for p in scenario.prior_claims
        ],
        "employer": {
            "arrears_months": scenario.employer.arrears_months,
            "bankrupt_or_closed": scenario.employer.bankrupt_or_closed,
        },
    }
    if termination.contract_end_date is not None:
        data["contract"]["end_date"] = termination.contract_end_date.isoformat()
    if scenario.decision_date is not None:
        data["decision_date"] = scenario.decision_date.isoformat()
    if scenario.participant is not None:
        data["participant"] = {
            "citizen": scenario.participant.citizen,
            "registered_on": scenario.participant.registered_on.isoformat(),
            "birth_date": scenario.participant.birth_date.isoformat(),
        }
    if scenario.employer_size is not None:
        data["employer_size"] = scenario.employer_size
    if scenario.enrollments is not None:
        data["enrollments"] = sorted(scenario.enrollments)
    return data


@given(scenarios())
@settings(max_examples=200, deadline=None)
def test_json_round_trip_gives_the_same_decision(scenario):
    data = json.loads(json.dumps(_as_contract_json(scenario)))
    reparsed = parse_scenario(data)
    assert evaluate(reparsed) == evaluate(scenario)
    text = json.dumps(evaluate(reparsed).to_dict())
    assert "Infinity" not in text
    result = json.loads(text)
    assert all(type(i["amount"]) is int for i in result["cash_schedule"])
    assert type(result["cash_total"]) is int


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _mutations(data: Any) -> st.SearchStrategy[Any]:
    """Replace one value somewhere in ``data`` by arbitrary JSON, or delete it."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(data, ())
    return st.tuples(st.sampled_from(paths[1:]), st.none() | json_values, st.booleans())


@given(scenarios().flatmap(lambda s: st.tuples(st.just(s), _mutations(_as_contract_json(s)))))
@settings(max_examples=250, deadline=None)
def test_parser_raises_only_scenario_error_on_any_damage(case):
    scenario, (path, replacement, delete) = case
    data = json.loads(json.dumps(_as_contract_json(scenario)))
    target = data
    for step in path[:-1]:
        target = target[step]
    if delete and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = replacement
    try:
        parsed = parse_scenario(data)
    except ScenarioError as exc:
        error: ScenarioError | None = exc
    else:
        error = None
        json.dumps(evaluate(parsed).to_dict())
    if error is not None:
        assert error.field
        assert error.message


@given(json_values)
@settings(deadline=None)
def test_parser_on_arbitrary_json(value):
    try:
        parse_scenario(value)
    except ScenarioError as exc:
        assert exc.field  # noqa: PT017 - a property, not one expected failure
