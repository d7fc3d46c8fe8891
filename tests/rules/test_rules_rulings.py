"""The rulings revised or added in 2026-12 (D1, D5, D13, D14, D15), each on both sides of its
boundary; the monthly cash parameters; and sentences people can read, in their language."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings

from claims.rules import (
    MONTHLY_CONDITION_PARAMS,
    TERMINATION_REASONS,
    VERSIONS,
    NoRuleVersionError,
    Period,
    claim_deadline_for,
    dated_param_table,
    evaluate,
    format_date,
    format_rupiah,
    monthly_cash_conditions,
    training_cost_cap_on,
    version_by_code,
)
from tests.rules.builders import check, claim_after, decide, months, scenario_data
from tests.rules.test_rules_properties import scenarios

ROOT = Path(__file__).resolve().parents[2]


def alternate(end: str, count: int, wage: int = 4_000_000) -> list[dict]:
    """``count`` paid months, every other month, the last one being ``end``: no run over 1."""
    last = Period.parse(end)
    return [{"period": str(last - 2 * k), "wage": wage} for k in range(count - 1, -1, -1)]


# --- D1: no consecutive run under PP 6/2025 ------------------------------------------------


@pytest.mark.parametrize(
    ("history", "claimed", "version", "run_check", "eligible"),
    [
        # Twelve months in a row: fine under both versions.
        ("consecutive", "2025-02-06", "PP37-2021", (True, 12, 6), True),
        ("consecutive", "2025-02-07", "PP6-2025", (True, 12, 0), True),
        # Twelve months, every other month: V1 asks 6 in a row; V2 asks none.
        ("alternating", "2025-02-06", "PP37-2021", (False, 1, 6), False),
        ("alternating", "2025-02-07", "PP6-2025", (True, 1, 0), True),
    ],
)
def test_consecutive_run_either_side_of_pp6_2025(history, claimed, version, run_check, eligible):
    contributions = months("2025-01", 12) if history == "consecutive" else alternate("2025-01", 12)
    data = claim_after(date(2025, 1, 31), date.fromisoformat(claimed), contributions=contributions)
    decision = decide(data)
    assert decision.rule_version == version
    assert check(decision, "contribution_months") == (True, 12, 12)
    assert check(decision, "consecutive_months") == run_check
    assert decision.eligible is eligible


@pytest.mark.parametrize(("paid", "eligible"), [(11, False), (12, True)])
def test_v2_still_needs_12_paid_months_in_24(paid, eligible):
    data = claim_after(
        date(2025, 3, 31), date(2025, 4, 7), contributions=alternate("2025-03", paid)
    )
    decision = decide(data)
    assert decision.rule_version == "PP6-2025"
    assert check(decision, "contribution_months") == (eligible, paid, 12)
    assert decision.check("consecutive_months").passed
    assert decision.eligible is eligible


def test_v2_consecutive_check_is_listed_passed_and_explained():
    decision = decide(contributions=alternate("2025-02", 12))
    result = decision.check("consecutive_months")
    assert [c.code for c in decision.checks].index("consecutive_months") == 6
    assert (result.passed, result.required) == (True, 0)
    assert result.params == ("min_consecutive_months",)
    assert "PP 6/2025" in result.message
    assert "tidak lagi mensyaratkan" in result.message
    assert version_by_code("PP6-2025").param("min_consecutive_months").verified is False


# --- D5: the decision date picks the version ------------------------------------------------


def test_filed_before_pp6_2025_decided_after_is_judged_and_paid_under_it():
    """Filed 3 Feb 2025, declared eligible 10 Feb 2025: PP 6/2025 (Permenaker 2/2025 II(4))."""
    data = claim_after(
        date(2025, 1, 20),
        date(2025, 2, 3),
        contributions=alternate("2025-01", 12, 4_000_000),
        decision_date="2025-02-10",
    )
    decision = decide(data)
    assert decision.rule_version == "PP6-2025"
    assert decision.eligible  # no consecutive run needed under PP 6/2025
    assert [i.percent for i in decision.cash_schedule] == [60] * 6  # D6
    assert decision.cash_total == 6 * 2_400_000
    warning = next(w for w in decision.warnings if w.code == "version_changed_since_phk")
    assert "10 Februari 2025" in warning.message

    same_day = decide({**data, "decision_date": "2025-02-06"})
    assert same_day.rule_version == "PP37-2021"
    assert not same_day.eligible
    assert check(same_day, "consecutive_months") == (False, 1, 6)


def test_decision_date_defaults_to_claim_date_for_the_version():
    assert decide(claim_after(date(2025, 1, 20), date(2025, 2, 6))).rule_version == "PP37-2021"
    assert decide(claim_after(date(2025, 1, 20), date(2025, 2, 7))).rule_version == "PP6-2025"


# --- D13: arrears months count as contribution months ----------------------------------------


def _in_arrears(arrears: int, bankrupt: bool, paid: int = 12) -> dict:
    """PHK 28 Feb 2025 (V2); the last ``arrears`` months missing, ``paid - arrears`` paid."""
    last_paid = str(Period(2025, 2) - arrears)
    contributions = months(last_paid, paid - arrears, 3_000_000)
    contributions[-1]["wage"] = 3_500_000  # the latest month actually paid
    return scenario_data(
        contributions=contributions,
        employer={"arrears_months": arrears, "bankrupt_or_closed": bankrupt},
    )


@pytest.mark.parametrize(
    ("arrears", "bankrupt", "payer"),
    [
        (0, False, "bpjs"),
        (2, False, "bpjs"),
        (3, False, "bpjs"),
        (4, False, "employer_first"),
        (6, False, "employer_first"),
        (0, True, "bpjs"),
        (2, True, "bpjs"),
        (3, True, "bpjs"),
        (4, True, "bpjs"),  # Pasal 39A(1): up to 6 months for a bankrupt or closed employer
        (6, True, "bpjs"),
    ],
)
def test_arrears_months_count_and_set_the_payer_v2(arrears, bankrupt, payer):
    decision = decide(_in_arrears(arrears, bankrupt))
    assert decision.rule_version == "PP6-2025"
    result = decision.check("contribution_months")
    assert (result.passed, result.value, result.required) == (True, 12, 12)
    assert result.detail("arrears_months_counted") == arrears
    assert decision.eligible
    assert decision.payer == payer
    # D9: the wage basis is the latest month actually paid, not an arrears month.
    assert decision.wage_basis == 3_500_000
    assert decision.cash_total == 6 * 2_100_000
    if arrears:
        assert "tunggakan pengusaha" in result.message
        assert "employer owes" in result.message_en


@pytest.mark.parametrize(("arrears", "bankrupt"), [(0, False), (3, False), (4, True), (6, True)])
def test_arrears_cannot_make_up_a_short_history(arrears, bankrupt):
    decision = decide(_in_arrears(arrears, bankrupt, paid=11))
    assert check(decision, "contribution_months") == (False, 11, 12)
    assert not decision.eligible


def test_arrears_months_already_paid_count_once():
    data = scenario_data(contributions=months("2025-02", 12), employer={"arrears_months": 3})
    result = decide(data).check("contribution_months")
    assert (result.value, result.detail("arrears_months_counted")) == (12, 0)


def test_arrears_months_make_the_v1_consecutive_run():
    """PP 37/2021, PHK 28 Feb 2023: paid to Oct 2022, four months (Nov-Feb) owed."""
    data = scenario_data(
        contributions=months("2022-10", 8, 4_000_000),
        termination={"date": "2023-02-28", "reason": "efficiency"},
        claim_date="2023-03-10",
        decision_date="2023-03-12",
        employer={"arrears_months": 4, "bankrupt_or_closed": False},
    )
    decision = decide(data)
    assert decision.rule_version == "PP37-2021"
    assert check(decision, "contribution_months") == (True, 12, 12)
    assert check(decision, "consecutive_months") == (True, 8 + 4, 6)
    assert decision.eligible
    assert decision.payer == "employer_first"
    assert decision.wage_basis == 4_000_000

    without = decide({**data, "employer": {"arrears_months": 0}})
    assert check(without, "contribution_months") == (False, 8, 12)
    assert check(without, "consecutive_months") == (False, 0, 6)


# --- D14: the claim deadline across the transition -------------------------------------------


def test_right_lost_under_v1_before_pp6_2025_stays_lost():
    """PHK 3 Sep 2024: V1's 3 months ended 3 Dec 2024. Claimed 1 Mar 2025: refused."""
    decision = decide(claim_after(date(2024, 9, 3), date(2025, 3, 1)))
    result = decision.check("claim_deadline")
    assert (result.passed, result.required) == (False, date(2024, 12, 3))
    assert result.source == "PP 37/2021 Pasal 40"
    assert result.detail("deadline_rule_version") == "PP37-2021"
    assert decision.rule_version == "PP6-2025"
    assert decision.claim_deadline == date(2024, 12, 3)
    assert not decision.eligible
    assert "3 Desember 2024" in result.message
    assert "7 Februari 2025" in result.message
    assert "PP 6/2025" in result.message


@pytest.mark.parametrize(
    ("claimed", "passed"),
    [(date(2025, 6, 9), True), (date(2025, 6, 10), True), (date(2025, 6, 11), False)],
)
def test_v1_window_open_on_7_february_is_extended_to_six_months(claimed, passed):
    """PHK 10 Dec 2024: V1 window to 10 Mar 2025, still open on 7 Feb -> PHK + 6 months."""
    decision = decide(claim_after(date(2024, 12, 10), claimed))
    result = decision.check("claim_deadline")
    assert (result.passed, result.required) == (passed, date(2025, 6, 10))
    assert result.source == "PP 6/2025 Pasal 40"
    assert result.detail("extended_from_rule_version") == "PP37-2021"
    assert decision.eligible is passed
    assert "claim_deadline_extended" in [w.code for w in decision.warnings]


@pytest.mark.parametrize(
    ("phk", "claimed", "passed", "last_day", "cited"),
    [
        # V1 window ends 6 Feb 2025, the day before PP 6/2025: lost.
        (date(2024, 11, 6), date(2025, 2, 7), False, date(2025, 2, 6), "PP 37/2021 Pasal 40"),
        # V1 window ends 7 Feb 2025, open on that day: extended to 7 May 2025.
        (date(2024, 11, 7), date(2025, 2, 7), True, date(2025, 5, 7), "PP 6/2025 Pasal 40"),
        (date(2024, 11, 7), date(2025, 5, 7), True, date(2025, 5, 7), "PP 6/2025 Pasal 40"),
        (date(2024, 11, 7), date(2025, 5, 8), False, date(2025, 5, 7), "PP 6/2025 Pasal 40"),
        # End of month: 30 Nov 2024 + 3 = 28 Feb 2025 (open) -> + 6 = 30 May 2025 (D4).
        (date(2024, 11, 30), date(2025, 5, 30), True, date(2025, 5, 30), "PP 6/2025 Pasal 40"),
        # Claimed while V1 was still in force: V1's own window.
        (date(2024, 12, 10), date(2025, 1, 20), True, date(2025, 3, 10), "PP 37/2021 Pasal 40"),
    ],
)
def test_claim_deadline_boundaries_across_the_transition(phk, claimed, passed, last_day, cited):
    decision = decide(claim_after(phk, claimed))
    assert check(decision, "claim_deadline") == (passed, claimed, last_day)
    assert decision.check("claim_deadline").source == cited


def test_claim_deadline_for_names_the_applied_version():
    lost = claim_deadline_for(date(2024, 9, 3), date(2025, 3, 1))
    assert (lost.last_day, lost.version.code, lost.at_claim.code) == (
        date(2024, 12, 3),
        "PP37-2021",
        "PP6-2025",
    )
    assert lost.lost_before is not None
    assert lost.lost_before.code == "PP6-2025"
    extended = claim_deadline_for(date(2024, 12, 10), date(2025, 3, 1))
    assert (extended.last_day, extended.version.code) == (date(2025, 6, 10), "PP6-2025")
    assert extended.extended_from is not None
    assert extended.extended_from.code == "PP37-2021"
    plain = claim_deadline_for(date(2025, 3, 10), date(2025, 3, 20))
    assert (plain.last_day, plain.lost_before, plain.extended_from) == (
        date(2025, 9, 10),
        None,
        None,
    )


# --- D15: training cost cap by date ----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "amount", "verified", "source"),
    [
        (date(2021, 2, 2), 1_000_000, True, "PMK 148/2021 Pasal 31"),
        (date(2025, 2, 7), 1_000_000, True, "PMK 148/2021 Pasal 31"),  # not the PP 6/2025 day
        (date(2025, 4, 13), 1_000_000, True, "PMK 148/2021 Pasal 31"),
        (date(2025, 4, 14), 2_400_000, False, "PMK 148/2021 Pasal 31 jo. PMK 26/2025"),
        (date(2030, 1, 1), 2_400_000, False, "PMK 148/2021 Pasal 31 jo. PMK 26/2025"),
    ],
)
def test_training_cost_cap_on(day, amount, verified, source):
    cap = training_cost_cap_on(day)
    assert (cap.amount, cap.value, cap.verified, cap.source) == (amount, amount, verified, source)
    assert type(cap.amount) is int


def test_training_cost_cap_before_jkp_is_an_error():
    with pytest.raises(NoRuleVersionError):
        training_cost_cap_on(date(2021, 2, 1))


def test_training_cost_cap_table_is_json():
    table = json.loads(json.dumps(dated_param_table()))
    assert [row["value"] for row in table["training_cost_cap"]] == [1_000_000, 2_400_000]
    assert table["training_cost_cap"][1]["effective_from"] == "2025-04-14"
    assert table["training_cost_cap"][1]["verified"] is False


def test_versions_keep_their_old_training_cap_for_existing_callers():
    assert version_by_code("PP37-2021").value("training_cost_cap") == 1_000_000
    assert version_by_code("PP6-2025").value("training_cost_cap") == 2_400_000


# --- monthly cash conditions (Permenaker 15/2021 Pasal 13 jo. Permenaker 2/2025) -------------


@pytest.mark.parametrize("code", ["PP37-2021", "PP6-2025"])
def test_monthly_cash_conditions_are_parameters_with_sources(code):
    version = version_by_code(code)
    conditions = monthly_cash_conditions(version)
    assert conditions.min_job_applications == 5
    assert conditions.min_tests_or_interviews == 1
    assert conditions.min_training_attendance_percent == 80
    assert conditions.month6_employment_status_form_required is True
    for name in MONTHLY_CONDITION_PARAMS:
        assert "Pasal 13" in version.source(name)
    if code == "PP6-2025":
        assert conditions.source == "Permenaker 15/2021 Pasal 13 jo. Permenaker 2/2025"
        assert conditions.verified is True
    else:
        assert conditions.verified is False  # only the amended text was read


# --- sentences people can read ----------------------------------------------------------------

CODE_WORDS = [code for code in TERMINATION_REASONS if "_" in code] + [v.code for v in VERSIONS]
RULING = re.compile(r"\bD\d{1,2}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")


def _sentences(decision) -> list[str]:
    texts = [c.text for c in decision.checks] + [w.text for w in decision.warnings]
    texts += [decision.payer_text, decision.wage_text]
    return [t.render(lang) for t in texts if t is not None for lang in ("id", "en")]


def _assert_readable(sentence: str) -> None:
    assert not RULING.search(sentence), sentence
    assert not ISO_DATE.search(sentence), sentence
    for code in CODE_WORDS:
        assert code not in sentence, (code, sentence)
    assert "not yet confirmed" not in sentence
    assert "belum dikonfirmasi" not in sentence


@given(scenarios())
@settings(max_examples=200, deadline=None)
def test_no_codes_rulings_or_iso_dates_in_sentences(scenario):
    for sentence in _sentences(evaluate(scenario)):
        _assert_readable(sentence)


@pytest.mark.parametrize("reason", sorted(TERMINATION_REASONS))
def test_every_reason_reads_as_words(reason):
    decision = decide(termination={"date": "2025-02-28", "reason": reason})
    for sentence in _sentences(decision):
        _assert_readable(sentence)
    label_id, label_en = TERMINATION_REASONS[reason]
    assert label_id in decision.check("termination_reason").message
    assert label_en in decision.check("termination_reason").message_en


def test_dates_months_and_amounts_are_written_for_people():
    assert format_date(date(2026, 11, 20), "id") == "20 November 2026"
    assert format_date(date(2026, 8, 17), "id") == "17 Agustus 2026"
    assert format_date(date(2026, 8, 17), "en") == "17 August 2026"
    assert format_rupiah(3_000_000) == "Rp 3.000.000"
    assert format_rupiah(950) == "Rp 950"
    decision = decide(contributions=months("2025-02", 24, 8_000_000))
    assert decision.wage_message == (
        "Dasar upah Rp 5.000.000: upah yang dilaporkan untuk Februari 2025, Rp 8.000.000, "
        "dibatasi Rp 5.000.000 (PP 6/2025 Pasal 21(2)-(3))"
    )


def test_message_follows_the_active_language():
    decision = decide()
    result = decision.check("claim_deadline")
    with translation.override("id"):
        assert result.message.startswith("Diklaim pada 10 Maret 2025")
        assert decision.to_dict()["checks"][4]["message"] == result.message
    with translation.override("en"):
        assert result.message == result.message_en
        assert result.message.startswith("Claimed on 10 March 2025")
        assert decision.to_dict(language="id")["checks"][4]["message"].startswith("Diklaim")
    assert result.message_en.startswith("Claimed on 10 March 2025")  # always English


def test_unverified_note_is_given_once_per_version():
    decision = decide()
    result = decision.to_dict()
    v2 = version_by_code("PP6-2025")
    assert result["unverified"]["rule_version"] == "PP6-2025"
    assert result["unverified"]["params"] == list(v2.unverified_params)
    assert "min_consecutive_months" in result["unverified"]["params"]
    assert "max_claims" in result["unverified"]["params"]
    assert result["unverified"]["note"].startswith("Belum dikonfirmasi dengan teks resmi PP 6/2025")
    note = result["unverified"]["note"]
    assert all(note not in check["message"] for check in result["checks"])
    # Each check still says whether it rests on such a figure, and which ones it used.
    consecutive = result["checks"][6]
    assert consecutive["verified"] is False
    assert consecutive["params"] == ["min_consecutive_months"]
    for version in VERSIONS:
        assert bool(version.unverified_note) == bool(version.unverified_params)


def test_engine_renders_indonesian_without_django(tmp_path):
    """Plain Python, no settings: the engine still runs and reads the compiled catalogue."""
    script = (
        "import json, sys\n"
        "from claims.rules import evaluate, parse_scenario\n"
        "decision = evaluate(parse_scenario(json.load(sys.stdin)))\n"
        "print(decision.check('contribution_months').message)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(scenario_data()),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=True,
    )
    assert done.stdout.startswith("24 bulan iuran dalam 24 bulan terakhir (Maret 2023 s.d.")
