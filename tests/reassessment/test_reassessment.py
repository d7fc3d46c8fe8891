"""Reassessment: when the facts change after a decision, the money follows (issue #17)."""

import datetime as dt

import pytest
from django.urls import reverse

from benefits import payments
from claims.models import (
    CaseEvent,
    CashInstalment,
    Claim,
    Debt,
    InstalmentStatus,
    PaymentLine,
    Reassessment,
    ReassessmentJob,
    ReassessmentLine,
    Underpayment,
)
from claims.reassessment import reassess_claim
from claims.reassessment_jobs import run_reassessment_job
from imports.contributions import import_contributions
from tests.benefits.builders import instalment, set_status
from tests.factories import EmployerFactory
from tests.imports.test_imports import write
from tests.reassessment.conftest import eligible_claim, result_file, set_phk_month_wage

pytestmark = pytest.mark.django_db
I = InstalmentStatus  # noqa: E741
RUN_ON = dt.date(2025, 5, 1)


def run_jobs():
    for job in ReassessmentJob.objects.filter(status__in=ReassessmentJob.LIVE):
        run_reassessment_job(job.pk)


def everything():
    return (
        Reassessment.objects.count(),
        ReassessmentLine.objects.count(),
        Underpayment.objects.count(),
        Debt.objects.count(),
        CaseEvent.objects.count(),
        sorted(CashInstalment.objects.values_list("pk", "status", "amount", "offset_amount")),
    )


def test_a_late_month_from_a_new_employer_makes_one_overpayment_and_stops_the_rest(
    branch, tmp_path
):
    claim = eligible_claim(branch, paid=(1, 2))
    EmployerFactory(branch=branch, npp="55556666")
    # Month 2 was due on 10 April 2025 and paid; the new employer posts April late.
    path = write(tmp_path, f"{claim.participant.nik},55556666,2025-04,4500000,2025-05-10\n")
    outcome, errors = import_contributions(path)
    assert errors == []
    assert outcome.applied

    run_jobs()

    over = ReassessmentLine.objects.filter(reassessment__claim=claim, outcome="overpaid")
    assert [(line.month, line.was_amount, line.now_amount) for line in over] == [(2, 2_400_000, 0)]
    debt = Debt.objects.get(claim=claim)
    assert debt.amount == 2_400_000
    assert debt.reassessment.trigger == "contributions"
    claim.refresh_from_db()
    assert claim.state == Claim.State.STOPPED
    assert [instalment(claim, m).status for m in range(1, 7)] == [I.PAID, I.PAID] + [
        I.CANCELLED
    ] * 4
    assert not Underpayment.objects.exists()


def test_a_corrected_higher_wage_makes_underpayments_the_next_batch_pays_once(
    branch, tmp_path, head_office, client
):
    claim = eligible_claim(branch, paid=(1, 2), npp="11112222")
    path = write(tmp_path, f"{claim.participant.nik},11112222,2025-02,5000000,2025-03-10\n")
    outcome, errors = import_contributions(path, apply_corrections=True)
    assert errors == []
    assert outcome.corrected_rows == 1
    run_jobs()

    owed = Underpayment.objects.filter(claim=claim).order_by("month")
    assert [(u.month, u.amount) for u in owed] == [(1, 600_000), (2, 600_000)]
    # The months not paid yet take the new amount: 60 % of 5,000,000.
    assert [instalment(claim, m).amount for m in range(3, 7)] == [3_000_000] * 4

    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    lines = batch.lines.filter(underpayment__isnull=False).order_by("pk")
    assert [(line.underpayment.month, line.amount) for line in lines] == [
        (1, 600_000),
        (2, 600_000),
    ]
    client.force_login(head_office)
    page = client.get(reverse("payments:batch_detail", args=[batch.pk])).text
    assert page.count(f"{claim.number} #") == 2  # the underpayment lines name claim and month
    assert "underpayment" in page  # the module's client reads English
    exported = payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    assert f"{claim.number}-U" in exported
    payments.reconcile_payment_batch(
        batch_id=batch.pk, acting_user=head_office, data=result_file(batch)
    )
    assert set(owed.values_list("status", flat=True)) == {"paid"}
    assert payments.run_payment_batch(acting_user=head_office, on=RUN_ON) is None
    assert PaymentLine.objects.filter(underpayment__claim=claim).count() == 2
    paid = CaseEvent.objects.filter(claim=claim, action="underpayment_paid")
    assert sorted(e.data["amount"] for e in paid) == [600_000, 600_000]


def test_rerunning_a_reassessment_changes_nothing(branch, supervisor):
    claim = eligible_claim(branch, paid=(1, 2))
    set_phk_month_wage(claim, 3_000_000)
    first = reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=supervisor)
    assert first is not None
    assert first.overpaid_total == 2 * 600_000
    before = everything()

    assert reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=supervisor) is None
    assert reassess_claim(claim_id=claim.pk, trigger="ruling") is None
    assert everything() == before


def test_a_supervisor_reassessment_with_nothing_changed_is_recorded_once(branch, supervisor):
    claim = eligible_claim(branch, paid=(1,))
    found = reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=supervisor)
    assert found is not None
    assert found.underpaid_total == found.overpaid_total == 0
    assert {line.outcome for line in found.lines.all()} == {"unchanged"}
    assert reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=supervisor) is None
    # Automatic triggers record nothing when nothing differs.
    other = eligible_claim(branch, paid=(1,))
    assert reassess_claim(claim_id=other.pk, trigger="ruling") is None


def test_a_paid_month_after_a_reported_death_is_an_overpayment(branch, supervisor):
    claim = eligible_claim(branch, paid=(1, 2))
    CashInstalment.objects.filter(claim=claim, month=2).update(due_date=dt.date(2099, 1, 1))
    from claims.services import stop_benefit

    stop_benefit(claim_id=claim.pk, acting_user=supervisor, reason_code="death")
    found = reassess_claim(claim_id=claim.pk, trigger="stop")
    assert found is not None
    assert [(line.month, line.outcome) for line in found.lines.filter(outcome="overpaid")] == [
        (2, "overpaid")
    ]


def test_another_branchs_supervisor_cannot_reassess(branch, outside_supervisor):
    from jkp_site.core.exceptions import PermissionDeniedError

    claim = eligible_claim(branch)
    with pytest.raises(PermissionDeniedError):
        reassess_claim(claim_id=claim.pk, trigger="supervisor", acting_user=outside_supervisor)


def test_an_unpaid_month_is_never_paid_twice(branch):
    claim = eligible_claim(branch, paid=(1,))
    set_status(claim, [2], I.PAYABLE)
    set_phk_month_wage(claim, 5_000_000)
    found = reassess_claim(claim_id=claim.pk, trigger="ruling")
    assert found.underpaid_total == 600_000
    assert instalment(claim, 2).amount == 3_000_000
    assert instalment(claim, 2).status == I.PAYABLE


def test_an_underpayment_the_bank_returned_is_paid_again_to_the_corrected_account(
    branch, head_office, officer, second_officer
):
    from claims import payment_details

    claim = eligible_claim(branch, paid=(1,))
    set_phk_month_wage(claim, 5_000_000)
    reassess_claim(claim_id=claim.pk, trigger="contributions")
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    line = batch.lines.get(underpayment__isnull=False)
    data = (
        "reference,status,amount,bank_reference,reason\n"
        f"{line.reference},rejected,{line.amount},,Account closed\n"
    ).encode()
    payments.reconcile_payment_batch(batch_id=batch.pk, acting_user=head_office, data=data)
    owed = Underpayment.objects.get(claim=claim)
    assert owed.status == "rejected"
    change = payment_details.request_bank_account_change(
        claim_id=claim.pk,
        acting_user=officer,
        bank_name="BNI",
        bank_account="0987654321",
        account_holder=claim.participant.name,
    )
    payment_details.decide_bank_account_change(
        change_id=change.pk, acting_user=second_officer, confirm=True
    )
    owed.refresh_from_db()
    assert owed.status == "payable"
