"""The engine's fast paths give what the plain ones give.

``parse_scenario`` reads the usual shape in one pass and everything else field by field; the
checks that read only the version and a few figures remember their results. Neither may change
a result: the one-pass reader accepts exactly what the field-by-field reader accepts, with an
equal scenario, and a remembered result equals a fresh one and shares nothing mutable.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.rules import ScenarioError, evaluate, parse_scenario
from claims.rules import checks as rules_checks
from claims.rules import scenario as rules_scenario
from tests.rules.test_rules_properties import _as_contract_json, _mutations, scenarios


def _both_readers(data: Any) -> None:
    usual = rules_scenario._parse_usual(data)
    try:
        by_field = rules_scenario._parse_by_field(data)
    except ScenarioError:
        assert usual is None
        return
    assert usual is None or usual == by_field


@given(scenarios())
@settings(max_examples=200, deadline=None)
def test_the_one_pass_reader_reads_what_the_field_reader_reads(scenario):
    data = json.loads(json.dumps(_as_contract_json(scenario)))
    assert rules_scenario._parse_usual(data) == rules_scenario._parse_by_field(data)
    _both_readers(data)


@given(scenarios().flatmap(lambda s: st.tuples(st.just(s), _mutations(_as_contract_json(s)))))
@settings(max_examples=300, deadline=None)
def test_the_one_pass_reader_leaves_every_damaged_input_to_the_field_reader(case):
    scenario, (path, replacement, delete) = case
    data = json.loads(json.dumps(_as_contract_json(scenario)))
    target = data
    for step in path[:-1]:
        target = target[step]
    if delete and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = replacement
    _both_readers(data)


@given(scenarios())
@settings(max_examples=150, deadline=None)
def test_a_remembered_check_equals_a_fresh_one(scenario):
    first = evaluate(scenario)
    again = evaluate(scenario)
    rules_checks._MEMO.clear()
    fresh = evaluate(scenario)
    assert first == again == fresh


def test_remembered_results_share_no_list():
    data = {
        "enrollments": ["JKN", "JKK", "JKM"],
        "employer_size": "large",
        "contract": {"type": "PKWTT"},
        "contributions": [{"period": "2025-01", "wage": 4_000_000}],
        "termination": {"date": "2025-03-10", "reason": "efficiency"},
        "claim_date": "2025-03-20",
    }
    first = evaluate(parse_scenario(data)).check("program_enrollment")
    first.value.append("JP")
    first.required.clear()
    first.detail("missing").clear()
    second = evaluate(parse_scenario(data)).check("program_enrollment")
    assert second.value == ["JKN", "JKK", "JKM"]
    assert second.required == ["JKN", "JKK", "JKM", "JHT", "JP"]
    assert second.detail("missing") == ["JHT", "JP"]
