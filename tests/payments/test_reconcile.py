"""The bank's result file: validated row by row, applied in one transaction or not at all."""

import datetime as dt

import pytest

from benefits import payments
from claims import payment_details
from claims.models import CaseEvent, CashInstalment, InstalmentStatus, PaymentBatch, PaymentLine
from jkp_site.core.exceptions import PermissionDeniedError
from tests.benefits.builders import instalment
from tests.payments.conftest import paid_rows, result_file

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)


@pytest.fixture
def exported(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    return batch


def snapshot():
    return (
        sorted(PaymentLine.objects.values_list("pk", "status", "bank_reference")),
        sorted(CashInstalment.objects.values_list("pk", "status", "paid_at")),
        sorted(PaymentBatch.objects.values_list("pk", "state")),
        CaseEvent.objects.count(),
    )


def test_paid_and_rejected_rows_settle_the_batch(exported, payable_claims, head_office):
    claim = payable_claims[0]
    rejected_ref = f"{claim.number}-2-1"
    data = result_file(paid_rows(exported, **{rejected_ref: "Account closed"}))

    result = payments.reconcile_payment_batch(
        batch_id=exported.pk, acting_user=head_office, data=data
    )

    assert (result.paid, result.rejected, result.unchanged) == (5, 1, 0)
    exported.refresh_from_db()
    assert exported.state == PaymentBatch.State.RECONCILED
    assert instalment(claim, 1).status == InstalmentStatus.PAID
    assert instalment(claim, 1).paid_at is not None
    second = instalment(claim, 2)
    assert second.status == InstalmentStatus.REJECTED
    assert "Account closed" in second.status_reason
    events = CaseEvent.objects.filter(claim=claim).values_list("action", flat=True)
    assert sorted(events) == ["instalment_paid", "instalment_rejected"]


def test_importing_the_same_file_again_changes_nothing(exported, head_office):
    data = result_file(paid_rows(exported))
    payments.reconcile_payment_batch(batch_id=exported.pk, acting_user=head_office, data=data)
    before = snapshot()
    result = payments.reconcile_payment_batch(
        batch_id=exported.pk, acting_user=head_office, data=data
    )
    assert (result.paid, result.unchanged) == (0, 6)
    assert snapshot() == before


def test_a_partial_file_leaves_the_rest_pending(exported, head_office):
    rows = paid_rows(exported)[:2]
    payments.reconcile_payment_batch(
        batch_id=exported.pk, acting_user=head_office, data=result_file(rows)
    )
    exported.refresh_from_db()
    assert exported.state == PaymentBatch.State.EXPORTED
    assert exported.lines.filter(status=PaymentLine.Status.PENDING).count() == 4


def test_a_malformed_file_is_refused_row_by_row_and_changes_nothing(exported, head_office):
    rows = paid_rows(exported)
    good = rows[0]
    rows[1][1] = "maybe"  # row 3: bad status
    rows[2][2] = "2.400.000"  # row 4: not digits
    rows[3][2] = "2400001"  # row 5: wrong amount
    rows[4] = [rows[4][0], "rejected", rows[4][2], "", ""]  # row 6: rejected without reason
    rows.append(["NOPE-1-1", "paid", "1", "X", ""])  # row 8: unknown reference
    rows.append(list(good))  # row 9: the same reference twice
    before = snapshot()

    with pytest.raises(payments.PaymentFileError) as caught:
        payments.reconcile_payment_batch(
            batch_id=exported.pk, acting_user=head_office, data=result_file(rows)
        )

    report = {problem.row: problem for problem in caught.value.problems}
    assert sorted(report) == [3, 4, 5, 6, 8, 9]
    assert "paid" in report[3].messages[0]
    assert "differs" in report[5].messages[0]
    assert "twice" in report[9].messages[0]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"reference,status\nX,paid\n", "Missing columns"),
        (b"reference,status,amount,bank_reference,reason\n", "no rows"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_unreadable_files_are_refused(exported, head_office, data, message):
    before = snapshot()
    with pytest.raises(payments.PaymentFileError) as caught:
        payments.reconcile_payment_batch(batch_id=exported.pk, acting_user=head_office, data=data)
    assert message in caught.value.message
    assert snapshot() == before


def test_a_row_with_missing_cells_is_reported(exported, head_office):
    rows = paid_rows(exported)
    data = result_file(rows) + b"only-one-cell\n"
    with pytest.raises(payments.PaymentFileError) as caught:
        payments.reconcile_payment_batch(batch_id=exported.pk, acting_user=head_office, data=data)
    assert [p.row for p in caught.value.problems] == [8]


def test_a_batch_not_yet_exported_cannot_be_reconciled(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    with pytest.raises(payments.ApplicationError):
        payments.reconcile_payment_batch(
            batch_id=batch.pk, acting_user=head_office, data=result_file(paid_rows(batch))
        )


def test_a_corrected_account_makes_a_rejected_month_payable_again(
    exported, payable_claims, head_office, officer, supervisor
):
    claim = payable_claims[0]
    rejected_ref = f"{claim.number}-2-1"
    payments.reconcile_payment_batch(
        batch_id=exported.pk,
        acting_user=head_office,
        data=result_file(paid_rows(exported, **{rejected_ref: "Account closed"})),
    )

    change = payment_details.request_bank_account_change(
        claim_id=claim.pk,
        acting_user=officer,
        bank_name="BNI",
        bank_account="0098 7654 321",
        account_holder=claim.participant.name,
    )
    # Asked, not yet applied: the month stays rejected until a second person confirms.
    assert instalment(claim, 2).status == InstalmentStatus.REJECTED
    payment_details.decide_bank_account_change(
        change_id=change.pk, acting_user=supervisor, confirm=True
    )

    assert instalment(claim, 2).status == InstalmentStatus.PAYABLE
    second_batch = payments.run_payment_batch(acting_user=head_office, on=dt.date(2025, 5, 1))
    [line] = second_batch.lines.all()
    assert line.reference == f"{claim.number}-2-2"
    assert (line.bank_name, line.bank_account) == ("BNI", "00987654321")
    asked = CaseEvent.objects.get(claim=claim, action="bank_account_change_requested")
    assert (asked.actor, asked.data["account_end"]) == (officer, "4321")
    confirmed = CaseEvent.objects.get(claim=claim, action="bank_account_changed")
    assert (confirmed.actor, confirmed.data["account_end"]) == (supervisor, "4321")
    assert "00987654321" not in str([e.data for e in claim.events.all()])


def test_another_branch_cannot_correct_the_account(payable_claims, outsider):
    with pytest.raises(PermissionDeniedError):
        payment_details.request_bank_account_change(
            claim_id=payable_claims[0].pk,
            acting_user=outsider,
            bank_name="BNI",
            bank_account="123",
            account_holder="X",
        )


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            ("reference", "status", "amount", "bank_reference", "reason", "reference"),
            None,
            "more than once",
        ),
        (None, {"amount": "\u0662\u0664\u0660\u0660\u0660\u0660\u0660"}, "digits only"),
        (None, {"bank_reference": "B" * 500}, "longer than 60"),
    ],
    ids=["duplicate column", "arabic-indic digits", "over-long reference"],
)
def test_an_odd_bank_file_is_refused_with_a_clear_reason_and_changes_nothing(
    exported, head_office, header, row, expected
):
    rows = paid_rows(exported)
    if row is not None:
        first = rows[0]
        first[2] = row.get("amount", first[2])
        first[3] = row.get("bank_reference", first[3])
    data = result_file(rows) if header is None else result_file(rows, header=header)
    with pytest.raises(payments.PaymentFileError) as refused:
        payments.reconcile_payment_batch(batch_id=exported.pk, acting_user=head_office, data=data)
    text = refused.value.message + " ".join(
        message for problem in refused.value.problems for message in problem.messages
    )
    assert expected in text
    assert not exported.lines.exclude(status="pending").exists()
