"""Stopping a running benefit: re-employment seen in contributions; paid stays paid."""

import datetime as dt

import pytest

from benefits.conditions import complete_if_finished, stop_on_reemployment
from claims.models import CaseEvent, ClaimState, InstalmentStatus
from participants.models import ContributionMonth
from tests.benefits.builders import benefit_claim, instalment, set_status
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2025, 3, 10)


def contribution(claim, employer, period):
    return ContributionMonth.objects.create(
        participant=claim.participant, employer=employer, period=period, wage=4_500_000
    )


def test_a_contribution_from_a_new_employer_stops_the_benefit(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED)
    set_status(claim, [1, 2], InstalmentStatus.PAID)
    set_status(claim, [3], InstalmentStatus.IN_BATCH)
    set_status(claim, [4], InstalmentStatus.PAYABLE)
    contribution(claim, EmployerFactory(branch=branch, name="PT Baru"), dt.date(2025, 6, 1))

    stopped = stop_on_reemployment(participant_ids=[claim.participant_id])

    assert [c.pk for c in stopped] == [claim.pk]
    claim.refresh_from_db()
    assert claim.state == ClaimState.STOPPED
    statuses = dict(claim.instalments.values_list("month", "status"))
    assert statuses == {
        1: InstalmentStatus.PAID,
        2: InstalmentStatus.PAID,
        3: InstalmentStatus.IN_BATCH,  # already sent to the bank: settled by reconciliation
        4: InstalmentStatus.CANCELLED,
        5: InstalmentStatus.CANCELLED,
        6: InstalmentStatus.CANCELLED,
    }
    event = CaseEvent.objects.get(claim=claim, action="stop_benefit")
    assert event.reason_code == "reemployed"
    assert event.actor is None
    assert "PT Baru" in event.note


def test_the_old_employers_late_contribution_is_not_reemployment(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED)
    contribution(claim, claim.termination.employer, dt.date(2025, 2, 1))
    assert stop_on_reemployment(participant_ids=[claim.participant_id]) == []
    claim.refresh_from_db()
    assert claim.state == ClaimState.BENEFIT_ACTIVE


def test_a_contribution_before_the_phk_is_not_reemployment(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED)  # PHK 10 Feb 2025
    contribution(claim, EmployerFactory(branch=branch), dt.date(2025, 1, 1))
    assert stop_on_reemployment(participant_ids=[claim.participant_id]) == []


@pytest.mark.parametrize("beneficiaries", [2, 12])
def test_checking_an_import_for_reemployment_takes_one_query(
    branch, beneficiaries, django_assert_num_queries
):
    """An import touches many beneficiaries; checking them must not cost a query each."""
    claims = [benefit_claim(branch=branch, decision_date=DECIDED) for _ in range(beneficiaries)]
    for claim in claims:  # still working at the old employer only: no stop
        contribution(claim, claim.termination.employer, dt.date(2025, 3, 1))
    with django_assert_num_queries(1):
        assert stop_on_reemployment(participant_ids=[c.participant_id for c in claims]) == []


def test_only_running_benefits_are_stopped(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED, state=ClaimState.COMPLETED)
    contribution(claim, EmployerFactory(branch=branch), dt.date(2025, 6, 1))
    assert stop_on_reemployment(participant_ids=[claim.participant_id]) == []
    assert stop_on_reemployment(participant_ids=[]) == []


def test_an_approved_benefit_not_yet_started_is_stopped_too(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED, state=ClaimState.APPROVED)
    contribution(claim, EmployerFactory(branch=branch), dt.date(2025, 2, 1))  # the PHK month
    assert len(stop_on_reemployment(participant_ids=[claim.participant_id])) == 1


def test_the_benefit_completes_when_every_month_is_settled(branch):
    claim = benefit_claim(branch=branch, decision_date=DECIDED)
    set_status(claim, [1, 2, 3, 4, 5], InstalmentStatus.PAID)
    assert complete_if_finished(claim_id=claim.pk) is None
    assert instalment(claim, 6).status == InstalmentStatus.SCHEDULED
    set_status(claim, [6], InstalmentStatus.NOT_PAID)
    assert complete_if_finished(claim_id=claim.pk).state == ClaimState.COMPLETED


@pytest.mark.parametrize("reason", ["death", "fraud", "claimant_request"])
def test_a_supervisor_stop_keeps_what_was_paid(branch, supervisor, reason):
    from claims.services import stop_benefit

    claim = benefit_claim(branch=branch, decision_date=DECIDED)
    set_status(claim, [1], InstalmentStatus.PAID)
    set_status(claim, [2], InstalmentStatus.PAYABLE)
    stop_benefit(claim_id=claim.pk, acting_user=supervisor, reason_code=reason, note="Keputusan")
    statuses = dict(claim.instalments.values_list("month", "status"))
    assert statuses[1] == InstalmentStatus.PAID
    assert {statuses[m] for m in range(2, 7)} == {InstalmentStatus.CANCELLED}
    assert CaseEvent.objects.get(claim=claim, action="stop_benefit").actor == supervisor
