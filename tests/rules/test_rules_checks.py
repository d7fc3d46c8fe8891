"""Each eligibility rule at its boundaries: the day/month before, on and after."""

from __future__ import annotations

from datetime import date

import pytest

from claims.rules import CHECK_CODES, TERMINATION_REASONS
from tests.rules.builders import check, claim_after, decide, months, scenario_data

QUALIFYING = sorted(
    set(TERMINATION_REASONS)
    - {"resign_voluntary", "retirement", "total_permanent_disability", "death"}
    - {"contract_expired", "contract_early_end"}
)
EXCLUDED = ["resign_voluntary", "retirement", "total_permanent_disability", "death"]


def test_baseline_scenario_is_eligible_with_checks_in_stable_order():
    decision = decide()
    assert decision.eligible
    assert tuple(c.code for c in decision.checks) == CHECK_CODES
    assert CHECK_CODES == (
        "citizenship",
        "age_at_registration",
        "program_enrollment",
        "termination_reason",
        "claim_deadline",
        "contribution_months",
        "consecutive_months",
        "prior_claims",
    )
    assert all(c.passed for c in decision.checks)


def test_messages_are_indonesian_and_cite_the_article():
    decision = decide()
    contribution = decision.check("contribution_months")
    assert contribution.message.startswith("24 bulan iuran dalam 24 bulan terakhir")
    assert "(Maret 2023 s.d. Februari 2025)" in contribution.message
    assert contribution.source == "PP 37/2021 Pasal 19(3)"
    assert "Pasal 19(3)" in contribution.message
    assert contribution.message_en.startswith("24 paid months")
    assert "(March 2023 to February 2025)" in contribution.message_en
    deadline = decision.check("claim_deadline").message
    assert "Pasal 40" in deadline
    assert "10 Maret 2025" in deadline
    assert "28 Agustus 2025" in deadline


# --- claim deadline (Pasal 40; D4, D5) ------------------------------------------------------


@pytest.mark.parametrize(
    ("phk", "claim", "passed", "last_day"),
    [
        # V1: 3 months.
        (date(2023, 5, 10), date(2023, 8, 9), True, date(2023, 8, 10)),
        (date(2023, 5, 10), date(2023, 8, 10), True, date(2023, 8, 10)),
        (date(2023, 5, 10), date(2023, 8, 11), False, date(2023, 8, 10)),
        # V1, end-of-month clipping: 31 Aug + 3 months = 30 Nov.
        (date(2023, 8, 31), date(2023, 11, 29), True, date(2023, 11, 30)),
        (date(2023, 8, 31), date(2023, 11, 30), True, date(2023, 11, 30)),
        (date(2023, 8, 31), date(2023, 12, 1), False, date(2023, 11, 30)),
        # V1, 30 Nov + 3 months = 29 Feb 2024 (leap year).
        (date(2023, 11, 30), date(2024, 2, 29), True, date(2024, 2, 29)),
        (date(2023, 11, 30), date(2024, 3, 1), False, date(2024, 2, 29)),
        # V2: 6 months; jkp-rules.md D4 example: PHK 10 Mar 2025 -> 10 Sep 2025.
        (date(2025, 3, 10), date(2025, 9, 9), True, date(2025, 9, 10)),
        (date(2025, 3, 10), date(2025, 9, 10), True, date(2025, 9, 10)),
        (date(2025, 3, 10), date(2025, 9, 11), False, date(2025, 9, 10)),
        # V2, end-of-month clipping: 31 Aug 2025 + 6 months = 28 Feb 2026.
        (date(2025, 8, 31), date(2026, 2, 27), True, date(2026, 2, 28)),
        (date(2025, 8, 31), date(2026, 2, 28), True, date(2026, 2, 28)),
        (date(2025, 8, 31), date(2026, 3, 1), False, date(2026, 2, 28)),
        # Claim on the PHK day itself.
        (date(2025, 3, 10), date(2025, 3, 10), True, date(2025, 9, 10)),
    ],
)
def test_claim_deadline_boundaries(phk, claim, passed, last_day):
    decision = decide(claim_after(phk, claim))
    assert check(decision, "claim_deadline") == (passed, claim, last_day)
    assert decision.eligible is passed
    assert decision.claim_deadline == last_day


def test_claim_before_phk_fails_deadline_check():
    decision = decide(claim_after(date(2025, 3, 10), date(2025, 3, 9)))
    result = decision.check("claim_deadline")
    assert not result.passed
    assert "sebelum tanggal PHK" in result.message


def test_a_v1_deadline_that_ran_out_before_v2_stays_lost_d14():
    """PHK 31 Oct 2024 (V1): its 3 months ended 31 Jan 2025, before 7 Feb 2025.

    Claimed 6 Feb 2025 (V1) or 7 Feb 2025 (V2): late either way; V2's 6 months do not revive it.
    Before D14 the 7 Feb claim was judged on V2's window and passed.
    """
    phk = date(2024, 10, 31)
    late_v1 = decide(claim_after(phk, date(2025, 2, 6)))
    assert late_v1.rule_version == "PP37-2021"
    assert check(late_v1, "claim_deadline") == (False, date(2025, 2, 6), date(2025, 1, 31))

    late_v2 = decide(claim_after(phk, date(2025, 2, 7)))
    assert late_v2.rule_version == "PP6-2025"
    assert check(late_v2, "claim_deadline") == (False, date(2025, 2, 7), date(2025, 1, 31))
    assert late_v2.check("claim_deadline").source == "PP 37/2021 Pasal 40"
    assert late_v2.claim_deadline_rule_version == "PP37-2021"
    assert not late_v2.eligible
    assert [w.code for w in late_v2.warnings] == ["version_changed_since_phk"]
    assert "31 Januari 2025" in late_v2.check("claim_deadline").message
    assert "tidak hidup kembali" in late_v2.check("claim_deadline").message


def test_version_boundary_on_claim_date():
    phk = date(2025, 1, 20)
    assert decide(claim_after(phk, date(2025, 2, 6))).rule_version == "PP37-2021"
    assert decide(claim_after(phk, date(2025, 2, 7))).rule_version == "PP6-2025"


# --- contribution period (Pasal 19(3); D1, D2, D3) ----------------------------------------


@pytest.mark.parametrize(("paid", "passed"), [(11, False), (12, True), (24, True)])
def test_contribution_months_in_window(paid, passed):
    decision = decide(contributions=months("2025-02", paid))
    assert check(decision, "contribution_months") == (passed, paid, 12)
    assert decision.eligible is passed


def test_window_is_24_months_ending_with_phk_month():
    """D3: window 2023-03..2025-02 for a PHK in Feb 2025; 2023-02 is outside."""
    contributions = [*months("2023-08", 6), *months("2025-02", 6)]  # 2023-03..08 + 2024-09..
    assert check(decide(contributions=contributions), "contribution_months")[:2] == (True, 12)
    shifted = [*months("2023-07", 6), *months("2025-02", 6)]  # 2023-02..07: one outside
    assert check(decide(contributions=shifted), "contribution_months")[:2] == (False, 11)


def test_months_after_phk_month_do_not_count():
    contributions = [*months("2025-02", 11), *months("2025-05", 3)]
    decision = decide(contributions=contributions)
    assert check(decision, "contribution_months")[:2] == (False, 11)


def test_phk_month_counts_when_paid():
    decision = decide(contributions=months("2025-02", 12))
    assert check(decision, "contribution_months") == (True, 12, 12)
    decision = decide(contributions=months("2025-01", 12))
    assert check(decision, "contribution_months") == (True, 12, 12)


def v1_claim(contributions: list[dict], **overrides) -> dict:
    """A PP 37/2021 claim: PHK 28 Feb 2023, claimed and decided in March 2023."""
    return scenario_data(
        contributions=contributions,
        termination={"date": "2023-02-28", "reason": "efficiency"},
        claim_date="2023-03-10",
        decision_date="2023-03-12",
        **overrides,
    )


@pytest.mark.parametrize(("run", "passed"), [(5, False), (6, True)])
def test_consecutive_months_ending_in_phk_month_v1(run, passed):
    # 12 paid months in the window, the last `run` of them consecutive up to the PHK month.
    contributions = [*months("2021-12", 12 - run), *months("2023-02", run)]
    decision = decide(v1_claim(contributions))
    assert decision.rule_version == "PP37-2021"
    assert check(decision, "contribution_months")[:2] == (True, 12)
    assert check(decision, "consecutive_months") == (passed, run, 6)
    assert decision.eligible is passed


@pytest.mark.parametrize(("run", "passed"), [(5, False), (6, True)])
def test_consecutive_run_may_end_the_month_before_phk_v1(run, passed):
    contributions = [*months("2021-12", 12 - run), *months("2023-01", run)]
    decision = decide(v1_claim(contributions))
    assert check(decision, "consecutive_months") == (passed, run, 6)


def test_consecutive_run_ending_two_months_before_phk_fails_d2():
    contributions = months("2022-12", 20)  # nothing paid for Jan or Feb 2023
    decision = decide(v1_claim(contributions))
    assert check(decision, "contribution_months")[:2] == (True, 20)
    assert check(decision, "consecutive_months") == (False, 0, 6)
    assert not decision.eligible


def test_gap_breaks_the_consecutive_run_v1():
    contributions = [*months("2022-10", 10), *months("2023-02", 3)]  # gap in Nov 2022
    assert check(decide(v1_claim(contributions)), "consecutive_months")[:2] == (False, 3)


def test_v2_asks_no_consecutive_run_d1():
    """The same gappy history under PP 6/2025: listed, passed, required 0, said in words."""
    decision = decide(contributions=[*months("2024-10", 10), *months("2025-02", 2)])
    assert decision.rule_version == "PP6-2025"
    result = decision.check("consecutive_months")
    assert (result.passed, result.value, result.required) == (True, 2, 0)
    assert result.verified is False
    assert result.message.startswith("PP 6/2025 tidak lagi mensyaratkan iuran")
    assert result.message_en.startswith("PP 6/2025 no longer requires consecutive months")
    assert decision.eligible


def test_v2_contribution_parameters_are_unverified_d1():
    decision = decide()
    assert decision.rule_version == "PP6-2025"
    assert decision.check("contribution_months").verified is False
    assert decision.check("contribution_months").required == 12
    assert decision.check("consecutive_months").required == 0
    v1 = decide(claim_after(date(2023, 5, 10), date(2023, 5, 20)))
    assert v1.check("contribution_months").verified is True
    assert v1.check("consecutive_months").verified is True


# --- termination reason (Pasal 20; D11) -----------------------------------------------------


@pytest.mark.parametrize("reason", EXCLUDED)
@pytest.mark.parametrize("claim", ["2023-06-01", "2025-03-10"])
def test_excluded_reasons_fail_in_both_versions(reason, claim):
    data = claim_after(date(2023, 5, 20), date(2023, 6, 1))
    if claim == "2025-03-10":
        data = scenario_data()
    data["termination"]["reason"] = reason
    decision = decide(data)
    assert not decision.check("termination_reason").passed
    assert "Pasal 20" in decision.check("termination_reason").message
    assert not decision.eligible


@pytest.mark.parametrize("reason", QUALIFYING)
def test_qualifying_reasons_pass(reason):
    decision = decide(termination={"date": "2025-02-28", "reason": reason})
    assert decision.check("termination_reason").passed
    assert decision.eligible


def test_resignation_for_employer_fault_counts_as_phk_but_unverified_d11():
    decision = decide(termination={"date": "2025-02-28", "reason": "resign_employer_fault"})
    result = decision.check("termination_reason")
    assert result.passed
    assert result.verified is False
    assert "D11" in result.source
    assert "D11" not in result.message
    assert "resign_employer_fault" not in result.message
    assert "mengundurkan diri karena pelanggaran pengusaha" in result.message


def test_contract_expired_is_not_a_phk():
    decision = decide(
        contract={"type": "PKWT", "end_date": "2025-06-30"},
        termination={"date": "2025-02-28", "reason": "contract_expired"},
    )
    assert not decision.check("termination_reason").passed


@pytest.mark.parametrize(
    ("phk", "passed"),
    [("2025-02-27", True), ("2025-02-28", False), ("2025-03-01", False)],
)
@pytest.mark.parametrize("reason", ["contract_early_end", "efficiency"])
def test_pkwt_phk_must_be_before_contract_end_date(phk, passed, reason):
    decision = decide(
        contract={"type": "PKWT", "end_date": "2025-02-28"},
        contributions=months("2025-03", 25),
        termination={"date": phk, "reason": reason},
    )
    result = decision.check("termination_reason")
    assert result.passed is passed
    assert decision.eligible is passed
    assert "PP 37/2021 Pasal 20(2)" in result.source
    assert "pkwt_requires_phk_before_end_date" in result.params
    assert "28 Februari 2025" in result.message


def test_contract_early_end_requires_a_pkwt():
    decision = decide(
        contract={"type": "PKWTT"},
        termination={"date": "2025-02-28", "reason": "contract_early_end"},
    )
    assert not decision.check("termination_reason").passed
    assert decision.check("termination_reason").source == "PP 37/2021 Pasal 20(2)"


# --- participation (Pasal 4) ----------------------------------------------------------------


def _participant(birth: str, registered: str, citizen: bool = True) -> dict:
    return {"citizen": citizen, "registered_on": registered, "birth_date": birth}


@pytest.mark.parametrize(
    ("registered", "age", "passed"),
    [("2024-04-16", 53, True), ("2024-04-17", 54, False), ("2024-04-18", 54, False)],
)
def test_age_under_54_at_registration(registered, age, passed):
    decision = decide(participant=_participant("1970-04-17", registered))
    assert check(decision, "age_at_registration") == (passed, age, 54)
    assert decision.eligible is passed


def test_age_is_measured_at_registration_not_at_claim():
    decision = decide(participant=_participant("1965-01-01", "2018-12-31"))
    assert check(decision, "age_at_registration") == (True, 53, 54)
    assert decision.eligible  # 60 at the claim date: irrelevant


def test_age_for_29_february_birthday():
    assert check(
        decide(participant=_participant("1972-02-29", "2026-02-28")), "age_at_registration"
    )[:2] == (True, 53)
    assert check(
        decide(participant=_participant("1972-02-29", "2026-03-01")), "age_at_registration"
    )[:2] == (False, 54)


def test_foreign_worker_is_not_eligible():
    decision = decide(participant=_participant("1990-01-01", "2021-06-01", citizen=False))
    assert check(decision, "citizenship") == (False, False, True)
    assert not decision.eligible


def test_absent_participation_data_passes():
    decision = decide(participant=None, employer_size=None, enrollments=None)
    assert decision.eligible
    for code in ("citizenship", "age_at_registration", "program_enrollment"):
        assert decision.check(code).passed
        assert "tidak diberikan" in decision.check(code).message


@pytest.mark.parametrize(
    ("size", "enrollments", "passed"),
    [
        ("large", ["JKN", "JKK", "JKM", "JHT", "JP"], True),
        ("large", ["JKN", "JKK", "JKM", "JHT"], False),
        ("medium", ["JKN", "JKK", "JKM", "JHT", "JP"], True),
        ("medium", ["JKN", "JKK", "JKM", "JHT"], False),
        ("small", ["JKN", "JKK", "JKM", "JHT"], True),
        ("small", ["JKN", "JKK", "JHT"], False),
        ("micro", ["JKN", "JKK", "JKM", "JHT"], True),
        ("micro", ["JKK", "JKM", "JHT", "JP"], False),
        (None, ["JKN", "JKK", "JKM", "JHT"], True),
        (None, ["JKN", "JKM", "JHT", "JP"], False),
        ("large", ["JKN", "JKK", "JKM", "JHT", "JP", "JKP"], True),
    ],
)
def test_enrollments_by_employer_size(size, enrollments, passed):
    decision = decide(employer_size=size, enrollments=enrollments)
    assert decision.check("program_enrollment").passed is passed
    assert decision.eligible is passed


def test_missing_programme_is_named_in_message():
    decision = decide(employer_size="large", enrollments=["JKN", "JKK", "JKM", "JHT"])
    assert "JP" in decision.check("program_enrollment").message
    assert "Pasal 4(3)" in decision.check("program_enrollment").message


# --- repeat claims (D10) --------------------------------------------------------------------


def _repeat(prior: list[str], paid_since: int) -> dict:
    return scenario_data(
        contributions=months("2025-02", paid_since),
        prior_claims=[{"termination_date": d} for d in prior],
    )


def _since(decision) -> tuple[bool, int | None, int]:
    result = decision.check("prior_claims")
    return (
        result.passed,
        result.detail("paid_months_since_previous"),
        result.detail("min_paid_months_since"),
    )


def test_second_claim_needs_60_paid_months_since_previous_phk():
    """D10's spacing failure is reported under the prior_claims code (no code of its own)."""
    ok = decide(_repeat(["2020-02-15"], 60))  # 2020-03..2025-02
    assert _since(ok) == (True, 60, 60)
    assert check(ok, "prior_claims") == (True, 1, 2)
    assert ok.eligible
    short = decide(_repeat(["2020-02-15"], 59))
    assert _since(short) == (False, 59, 60)
    assert check(short, "prior_claims") == (False, 1, 2)
    assert not short.eligible
    assert [c.code for c in short.checks if not c.passed] == ["prior_claims"]
    assert "15 Februari 2020" in short.check("prior_claims").message
    assert "months_since_prior_claim" not in [c.code for c in short.checks]


def test_months_of_previous_phk_month_do_not_count():
    # Paid 2020-02..2025-02 (61 months) but 2020-02 is the previous PHK month: 60 count.
    ok = decide(_repeat(["2020-02-15"], 61))
    assert _since(ok)[:2] == (True, 60)
    late = decide(_repeat(["2020-03-01"], 61))
    assert _since(late)[:2] == (False, 59)


def test_latest_prior_claim_counts():
    decision = decide(_repeat(["2010-01-01", "2020-02-15"], 60))
    assert check(decision, "prior_claims") == (True, 2, 2)
    assert _since(decision)[:2] == (True, 60)
    assert decision.check("prior_claims").detail("previous_termination_date") == date(2020, 2, 15)
    assert decision.eligible


def test_at_most_three_claims():
    decision = decide(_repeat(["2005-01-01", "2012-01-01", "2019-01-01"], 72))
    assert check(decision, "prior_claims") == (False, 3, 2)
    assert not decision.eligible
    assert decision.check("prior_claims").verified is False
    assert "D10" not in decision.check("prior_claims").message


def test_first_claim_has_no_repeat_condition():
    decision = decide()
    assert check(decision, "prior_claims") == (True, 0, 2)
    assert _since(decision) == (True, None, 60)


# --- employer arrears: payer, never a refusal (Pasal 39, 39A; D13) ---------------------------


@pytest.mark.parametrize(
    ("arrears", "bankrupt", "claim", "payer"),
    [
        (0, False, "2025-03-10", "bpjs"),
        (3, False, "2025-03-10", "bpjs"),
        (4, False, "2025-03-10", "employer_first"),
        (3, False, "2023-06-01", "bpjs"),
        (4, False, "2023-06-01", "employer_first"),
        # Pasal 39A, V2 only: bankrupt or closed employer, up to 6 months.
        (6, True, "2025-03-10", "bpjs"),
        (7, True, "2025-03-10", "employer_first"),
        # V1 has no 39A: bankrupt employers fall under the 3-month rule.
        (3, True, "2023-06-01", "bpjs"),
        (4, True, "2023-06-01", "employer_first"),
        (6, True, "2023-06-01", "employer_first"),
    ],
)
def test_arrears_set_the_payer_but_never_refuse(arrears, bankrupt, claim, payer):
    if claim == "2023-06-01":
        data = claim_after(date(2023, 5, 20), date(2023, 6, 1))
    else:
        data = scenario_data()
    data["employer"] = {"arrears_months": arrears, "bankrupt_or_closed": bankrupt}
    decision = decide(data)
    assert decision.payer == payer
    assert decision.eligible
    assert len(decision.cash_schedule) == 6
    if payer == "employer_first":
        assert "Pasal 39(3)" in decision.payer_source
    elif bankrupt and claim == "2025-03-10":
        assert decision.payer_source == "PP 6/2025 Pasal 39A(1)"


def test_payer_follows_version_on_decision_date():
    """Claimed under V1, declared eligible under V2 (Pasal II(4), D5): Pasal 39A applies."""
    data = claim_after(date(2025, 1, 15), date(2025, 2, 3), decision_date="2025-02-10")
    data["employer"] = {"arrears_months": 5, "bankrupt_or_closed": True}
    decision = decide(data)
    assert decision.rule_version == "PP6-2025"
    assert decision.payer_rule_version == "PP6-2025"
    assert decision.payer == "bpjs"


def test_payer_is_reported_for_ineligible_claims_too():
    data = scenario_data(employer={"arrears_months": 9})
    data["termination"]["reason"] = "death"
    decision = decide(data)
    assert not decision.eligible
    assert decision.payer == "employer_first"
