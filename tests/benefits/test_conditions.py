"""The monthly cash condition of Permenaker 15/2021 Pasal 13 jo. Permenaker 2/2025, and D12."""

import datetime as dt

import pytest

from benefits.conditions import (
    MonthFacts,
    evaluate_due_instalments,
    evaluate_instalment,
    judge_month,
    month_window,
)
from claims.models import CaseEvent, ClaimState, InstalmentStatus
from claims.rules import monthly_cash_conditions, version_by_code
from tests.benefits.builders import benefit_claim, instalment
from tests.factories import EmployerFactory
from training.models import JobSeekingActivity, TrainingAttendance, TrainingReferral

pytestmark = pytest.mark.django_db

V2 = monthly_cash_conditions(version_by_code("PP6-2025"))

DECIDED = dt.date(2025, 3, 10)  # instalments due 10 Mar, 10 Apr, 10 May, 10 Jun, 10 Jul, 10 Aug
K = JobSeekingActivity.Kind


def activity(claim, kind, day, n=1, status=JobSeekingActivity.Status.DONE):
    for _ in range(n):
        JobSeekingActivity.objects.create(
            claim=claim,
            kind=kind,
            status=status,
            occurred_on=day,
            employer_name="PT X",
            position="Staf",
        )


@pytest.fixture
def claim(branch):
    return benefit_claim(branch=branch, decision_date=DECIDED)


def test_month_one_needs_the_self_assessment():
    assert not judge_month(1, MonthFacts(), V2).met
    outcome = judge_month(1, MonthFacts(self_assessment_on=dt.date(2025, 3, 11)), V2)
    assert outcome.met
    assert "Pasal 13" in outcome.reason


@pytest.mark.parametrize(
    ("facts", "met"),
    [
        (MonthFacts(applications=5), True),
        (MonthFacts(applications=4), False),
        (MonthFacts(interviews=1), True),
        (MonthFacts(attendance_percent=80), True),
        (MonthFacts(attendance_percent=79, applications=4), False),
        (MonthFacts(), False),
    ],
)
def test_months_two_to_five_need_applications_interview_or_training(facts, met):
    for month in (2, 3, 4, 5):
        assert judge_month(month, facts, V2).met is met


def test_month_six_also_needs_the_employment_status_form():
    assert not judge_month(6, MonthFacts(applications=5), V2).met
    assert judge_month(
        6, MonthFacts(applications=5, employment_status_on=dt.date(2025, 8, 20)), V2
    ).met


def test_windows_follow_the_due_dates():
    window = month_window(month=3, anchor=DECIDED)
    assert (window.activity_from, window.activity_until) == (
        dt.date(2025, 4, 10),
        dt.date(2025, 5, 10),
    )
    assert window.judged_from == dt.date(2025, 5, 10)
    assert window.closes_on == dt.date(2025, 5, 15)
    assert window.training_period == dt.date(2025, 4, 1)
    assert month_window(month=6, anchor=DECIDED).closes_on == dt.date(2025, 9, 10)


def judged(claim, month, on):
    return evaluate_instalment(instalment_id=instalment(claim, month).pk, on=on).status


def test_month_one_is_payable_once_the_self_assessment_is_recorded(claim):
    assert judged(claim, 1, DECIDED) == "scheduled"
    activity(claim, K.SELF_ASSESSMENT, dt.date(2025, 3, 11))
    first = evaluate_instalment(instalment_id=instalment(claim, 1).pk, on=dt.date(2025, 3, 11))
    assert first.status == InstalmentStatus.PAYABLE
    assert first.amount == 2_400_000  # 60% of Rp4,000,000 (PP 6/2025 Pasal 21(1))
    event = CaseEvent.objects.get(claim=claim, action="instalment_payable")
    assert event.data["month"] == 1


def test_a_met_month_waits_for_its_due_date(claim):
    activity(claim, K.JOB_APPLICATION, dt.date(2025, 3, 20), n=5)
    assert judged(claim, 2, dt.date(2025, 4, 9)) == "scheduled"
    assert judged(claim, 2, dt.date(2025, 4, 10)) == "payable"


def test_activity_counts_only_in_its_own_month(claim):
    # Applications made on 10 April belong to month 3's window, not month 2's.
    activity(claim, K.JOB_APPLICATION, dt.date(2025, 4, 10), n=5)
    evaluate_due_instalments(on=dt.date(2025, 5, 10))
    assert instalment(claim, 2).status == InstalmentStatus.NOT_PAID
    assert instalment(claim, 3).status == InstalmentStatus.PAYABLE


def test_a_failed_month_is_not_paid_and_not_moved_later_d12(claim):
    activity(claim, K.JOB_APPLICATION, dt.date(2025, 3, 20), n=4)
    # Still inside the 5-day window after the reference date: the worker may still report.
    assert judged(claim, 2, dt.date(2025, 4, 14)) == "scheduled"
    assert judged(claim, 2, dt.date(2025, 4, 15)) == InstalmentStatus.NOT_PAID
    assert "4 job applications" in instalment(claim, 2).status_reason
    # Month 3 is judged on its own activity: one interview suffices.
    activity(claim, K.INTERVIEW, dt.date(2025, 4, 22), status=JobSeekingActivity.Status.SCHEDULED)
    assert judged(claim, 3, dt.date(2025, 5, 10)) == "payable"
    # Late activity does not revive the month that was not paid.
    activity(claim, K.JOB_APPLICATION, dt.date(2025, 4, 1), n=3)
    assert judged(claim, 2, dt.date(2025, 5, 10)) == "not_paid"


def test_training_attendance_of_the_previous_month_qualifies(claim, branch):
    from training.models import TrainingProgram, TrainingProvider

    provider = TrainingProvider.objects.create(
        name="BLK Jakarta", kind="BLK", ownership="government"
    )
    program = TrainingProgram.objects.create(
        provider=provider, title="Las", competency="Welding", duration_hours=160, cost=2_000_000
    )
    referral = TrainingReferral.objects.create(claim=claim, program=program, state="enrolled")
    TrainingAttendance.objects.create(referral=referral, period=dt.date(2025, 5, 1), percent=79)
    TrainingAttendance.objects.create(referral=referral, period=dt.date(2025, 6, 1), percent=85)
    evaluate_due_instalments(on=dt.date(2025, 7, 10))
    assert instalment(claim, 4).status == InstalmentStatus.NOT_PAID  # May: 79%
    assert instalment(claim, 5).status == InstalmentStatus.PAYABLE  # June: 85%


def test_judging_twice_changes_nothing(claim):
    activity(claim, K.SELF_ASSESSMENT, dt.date(2025, 3, 11))
    assert evaluate_due_instalments(on=dt.date(2025, 3, 12)) == 1
    assert evaluate_due_instalments(on=dt.date(2025, 3, 12)) == 0
    assert CaseEvent.objects.filter(claim=claim, action="instalment_payable").count() == 1


def test_stopped_claims_are_not_judged(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED, state=ClaimState.STOPPED)
    activity(claim, K.SELF_ASSESSMENT, dt.date(2025, 3, 11))
    assert evaluate_due_instalments(on=dt.date(2025, 9, 30)) == 0


def test_month_six_without_the_form_is_not_paid(claim):
    activity(claim, K.JOB_APPLICATION, dt.date(2025, 7, 20), n=5)
    assert judged(claim, 6, dt.date(2025, 8, 10)) == "scheduled"
    activity(claim, K.EMPLOYMENT_STATUS, dt.date(2025, 8, 12))
    assert judged(claim, 6, dt.date(2025, 8, 12)) == "payable"


def test_month_six_closes_at_the_end_of_the_benefit_period(branch):
    claim = benefit_claim(
        branch=branch, decision_date=DECIDED, employer=EmployerFactory(branch=branch)
    )
    activity(claim, K.JOB_APPLICATION, dt.date(2025, 7, 20), n=5)
    assert judged(claim, 6, dt.date(2025, 9, 9)) == "scheduled"
    assert judged(claim, 6, dt.date(2025, 9, 10)) == "not_paid"


def test_the_thresholds_are_the_rule_versions_parameters():
    """Not literals in the benefit code: a version that asks more is judged by its own numbers."""
    import dataclasses

    stricter = dataclasses.replace(V2, min_job_applications=7)
    assert judge_month(2, MonthFacts(applications=5), V2).met
    outcome = judge_month(2, MonthFacts(applications=5), stricter)
    assert not outcome.met
    assert "7" in outcome.reason
