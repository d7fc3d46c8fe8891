"""Recovering an overpayment: offsets first (never below zero), then the worker's repayments,
or a write-off; four eyes on every plan; an objection pauses it; receipts reconciled once."""

import csv
import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from benefits import payments
from claims import recovery, services
from claims.models import CaseEvent, Debt, InstalmentStatus, RecoveryPlan, Repayment
from claims.notifications import worker_hears_of
from claims.reassessment import reassess_claim
from claims.vocabulary import StopReason
from jkp_site.core.exceptions import PermissionDeniedError
from tests.benefits.builders import instalment, set_status
from tests.factories import UserFactory
from tests.reassessment.conftest import eligible_claim, result_file, set_phk_month_wage

pytestmark = pytest.mark.django_db
I = InstalmentStatus  # noqa: E741
RUN_ON = dt.date(2025, 5, 20)


def overpaid(branch, *, phk_wage):
    """Months 1-2 paid at 2,400,000; the PHK month's wage corrected down to ``phk_wage``."""
    claim = eligible_claim(branch, paid=(1, 2))
    set_phk_month_wage(claim, phk_wage)
    reassess_claim(claim_id=claim.pk, trigger="contributions")
    return claim, Debt.objects.get(claim=claim)


def approve(debt, proposer, approver, **plan):
    proposed = recovery.propose_recovery_plan(
        debt_id=debt.pk, kind="recover", acting_user=proposer, **plan
    )
    return recovery.decide_recovery_plan(plan_id=proposed.pk, approve=True, acting_user=approver)


def test_an_offset_reduces_the_next_instalment(branch, supervisor, second_supervisor, head_office):
    # 3,500,000: 2,100,000 a month; 2 x 300,000 overpaid; month 3 is the next instalment.
    claim, debt = overpaid(branch, phk_wage=3_500_000)
    assert debt.amount == 600_000
    approve(debt, supervisor, second_supervisor)
    third = instalment(claim, 3)
    assert (third.amount, third.offset_amount) == (2_100_000, 600_000)
    assert instalment(claim, 4).offset_amount == 0

    set_status(claim, [3], I.PAYABLE)
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    line = batch.lines.get(instalment__month=3, instalment__claim=claim)
    assert line.amount == 1_500_000
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    payments.reconcile_payment_batch(
        batch_id=batch.pk, acting_user=head_office, data=result_file(batch)
    )
    debt.refresh_from_db()
    assert debt.state == Debt.State.RECOVERED
    assert recovery.outstanding(debt) == 0


def test_an_offset_never_takes_an_instalment_below_zero(
    branch, supervisor, second_supervisor, head_office
):
    # 2,000,000: 1,200,000 a month; 2 x 1,200,000 overpaid, more than one instalment.
    claim, debt = overpaid(branch, phk_wage=2_000_000)
    assert debt.amount == 2_400_000
    approve(debt, supervisor, second_supervisor)
    assert [
        (instalment(claim, m).amount, instalment(claim, m).offset_amount) for m in (3, 4, 5)
    ] == [
        (1_200_000, 1_200_000),
        (1_200_000, 1_200_000),
        (1_200_000, 0),
    ]
    set_status(claim, [3], I.PAYABLE)
    assert payments.run_payment_batch(acting_user=head_office, on=RUN_ON) is None
    third = instalment(claim, 3)
    assert third.status == I.OFFSET
    assert not third.payment_lines.exists()
    # The database refuses an offset above the instalment, whoever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        type(third).objects.filter(pk=instalment(claim, 5).pk).update(
            offset_amount=1_200_001, offset_debt=debt
        )


def test_what_offsets_cannot_cover_is_repaid_on_a_schedule(branch, supervisor, second_supervisor):
    claim, debt = overpaid(branch, phk_wage=2_000_000)
    # Only months 3 and 6 are still to come: 2 x 1,200,000 offsets cover the whole debt...
    set_status(claim, [4, 5, 6], I.CANCELLED)
    plan = approve(
        debt, supervisor, second_supervisor, repayment_months=3, first_due_date=dt.date(2025, 7, 1)
    )
    # ...so month 3 takes 1,200,000 and the remaining 1,200,000 is repaid in three.
    assert instalment(claim, 3).offset_amount == 1_200_000
    assert [(r.amount, r.due_date) for r in plan.repayments.order_by("sequence")] == [
        (400_000, dt.date(2025, 7, 1)),
        (400_000, dt.date(2025, 8, 1)),
        (400_000, dt.date(2025, 9, 1)),
    ]


def receipts(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "amount", "bank_reference"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_repayments_received_are_reconciled_once(
    branch, supervisor, second_supervisor, head_office
):
    claim, debt = overpaid(branch, phk_wage=2_000_000)
    set_status(claim, [3, 4, 5, 6], I.CANCELLED)
    plan = approve(debt, supervisor, second_supervisor, repayment_months=2)
    first, second = plan.repayments.order_by("sequence")
    bad = receipts([[first.reference, first.amount + 1, "BRI1"], ["RP-NONE", 1, "BRI2"]])
    with pytest.raises(recovery.ReceiptsFileError) as refused:
        recovery.reconcile_repayments(data=bad, acting_user=head_office)
    assert [p.row for p in refused.value.problems] == [2, 3]
    assert not Repayment.objects.filter(status="paid").exists()

    good = receipts([[r.reference, r.amount, f"BRI{r.pk}"] for r in (first, second)])
    assert recovery.reconcile_repayments(data=good, acting_user=head_office) == 2
    assert recovery.reconcile_repayments(data=good, acting_user=head_office) == 0
    debt.refresh_from_db()
    assert debt.state == Debt.State.RECOVERED
    assert CaseEvent.objects.filter(claim=claim, action="repayment_received").count() == 2


def test_four_eyes_the_proposer_cannot_approve(branch, supervisor):
    _claim, debt = overpaid(branch, phk_wage=3_500_000)
    plan = recovery.propose_recovery_plan(
        debt_id=debt.pk,
        kind="write_off",
        reason="Below the cost of recovery",
        acting_user=supervisor,
    )
    with pytest.raises(PermissionDeniedError):
        recovery.decide_recovery_plan(plan_id=plan.pk, approve=True, acting_user=supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryPlan.objects.filter(pk=plan.pk).update(decided_by=supervisor, state="approved")
    # One plan in play per debt.
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryPlan.objects.create(debt=debt, kind="recover", proposed_by=supervisor)


def test_a_write_off_needs_its_reason_and_closes_the_debt(branch, supervisor, second_supervisor):
    _claim, debt = overpaid(branch, phk_wage=3_500_000)
    with pytest.raises(recovery.ApplicationError):
        recovery.propose_recovery_plan(
            debt_id=debt.pk, kind="write_off", reason=" ", acting_user=supervisor
        )
    plan = recovery.propose_recovery_plan(
        debt_id=debt.pk, kind="write_off", reason="Worker in hardship", acting_user=supervisor
    )
    recovery.decide_recovery_plan(plan_id=plan.pk, approve=True, acting_user=second_supervisor)
    debt.refresh_from_db()
    assert debt.state == Debt.State.WRITTEN_OFF


def test_an_objection_pauses_recovery_until_answered(branch, supervisor, second_supervisor):
    claim, debt = overpaid(branch, phk_wage=3_500_000)
    worker = UserFactory(username="pekerja", branch=None)
    claim.participant.user = worker
    claim.participant.save(update_fields=["user"])
    approve(debt, supervisor, second_supervisor)
    assert instalment(claim, 3).offset_amount == 600_000

    recovery.object_to_debt(debt_id=debt.pk, acting_user=worker, grounds="I did not work then")
    debt.refresh_from_db()
    assert debt.state == Debt.State.OBJECTED
    assert instalment(claim, 3).offset_amount == 0  # paid in full while the objection waits

    recovery.answer_objection(
        debt_id=debt.pk, upheld=False, acting_user=second_supervisor, note="The April wage stands"
    )
    debt.refresh_from_db()
    assert debt.state == Debt.State.RECOVERING
    assert instalment(claim, 3).offset_amount == 600_000


def test_an_upheld_objection_withdraws_the_debt(branch, supervisor):
    claim, debt = overpaid(branch, phk_wage=3_500_000)
    worker = UserFactory(username="pekerja", branch=None)
    claim.participant.user = worker
    claim.participant.save(update_fields=["user"])
    recovery.object_to_debt(debt_id=debt.pk, acting_user=worker, grounds="Wrong wage")
    recovery.answer_objection(debt_id=debt.pk, upheld=True, acting_user=supervisor, note="Right")
    debt.refresh_from_db()
    assert debt.state == Debt.State.WITHDRAWN
    # The same facts again: nothing new (the withdrawn debt is not raised a second time).
    assert reassess_claim(claim_id=claim.pk, trigger="ruling") is None


def test_offsets_lost_when_the_benefit_stops_become_a_repayment(
    branch, supervisor, second_supervisor, head_office
):
    """The months a debt was to be set off against are cancelled by a stop: the worker repays
    what they would have covered, under the approved plan, and is told."""
    claim, debt = overpaid(branch, phk_wage=2_000_000)
    plan = approve(debt, supervisor, second_supervisor)
    assert not plan.repayments.exists()
    assert instalment(claim, 3).offset_amount == 1_200_000

    services.stop_benefit(
        claim_id=claim.pk, acting_user=supervisor, reason_code=StopReason.REEMPLOYED
    )
    assert instalment(claim, 3).status == I.CANCELLED
    assert instalment(claim, 3).offset_amount == 0
    (added,) = plan.repayments.all()
    assert (added.amount, added.due_date, added.status) == (
        2_400_000,
        timezone.localdate(),
        Repayment.Status.DUE,
    )
    event = CaseEvent.objects.get(claim=claim, action="repayment_added")
    assert event.data["amount"] == 2_400_000
    assert worker_hears_of(event)

    paid = receipts([[added.reference, added.amount, "BRI9"]])
    assert recovery.reconcile_repayments(data=paid, acting_user=head_office) == 1
    debt.refresh_from_db()
    assert debt.state == Debt.State.RECOVERED


def test_a_stop_with_the_offsets_still_covered_adds_nothing(branch, supervisor, second_supervisor):
    claim, debt = overpaid(branch, phk_wage=3_500_000)
    approve(debt, supervisor, second_supervisor)
    set_status(claim, [3], I.IN_BATCH)  # its offset is settled by the payment run
    services.stop_benefit(
        claim_id=claim.pk, acting_user=supervisor, reason_code=StopReason.REEMPLOYED
    )
    assert not Repayment.objects.filter(plan__debt=debt).exists()
    assert not CaseEvent.objects.filter(claim=claim, action="repayment_added").exists()


def test_a_recovery_resumed_with_fewer_months_left_repays_the_rest(
    branch, supervisor, second_supervisor
):
    claim, debt = overpaid(branch, phk_wage=2_000_000)
    worker = UserFactory(username="pekerja", branch=None)
    claim.participant.user = worker
    claim.participant.save(update_fields=["user"])
    plan = approve(debt, supervisor, second_supervisor)
    recovery.object_to_debt(debt_id=debt.pk, acting_user=worker, grounds="Wrong wage")
    set_status(claim, [3, 4, 5], I.PAID)  # paid in full while the objection waited
    recovery.answer_objection(
        debt_id=debt.pk, upheld=False, acting_user=second_supervisor, note="The wage stands"
    )
    assert instalment(claim, 6).offset_amount == 1_200_000
    (added,) = plan.repayments.all()
    assert added.amount == 1_200_000


def test_offsets_clipped_by_a_lower_reassessment_become_a_repayment(
    branch, supervisor, second_supervisor
):
    claim, debt = overpaid(branch, phk_wage=2_000_000)
    plan = approve(debt, supervisor, second_supervisor)
    assert [instalment(claim, m).offset_amount for m in (3, 4)] == [1_200_000, 1_200_000]
    set_phk_month_wage(claim, 1_500_000)
    reassess_claim(claim_id=claim.pk, trigger="contributions")
    clipped = [instalment(claim, m) for m in (3, 4)]
    assert [(i.amount, i.offset_amount) for i in clipped] == [(900_000, 900_000)] * 2
    (added,) = plan.repayments.all()
    assert added.amount == 600_000
    assert recovery.outstanding(debt) == added.amount + sum(i.offset_amount for i in clipped)
