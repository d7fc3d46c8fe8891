"""Gathering payable instalments into a batch: reruns and retries never pay twice."""

import csv
import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction

from benefits import payments
from claims.models import CashInstalment, InstalmentStatus, PaymentBatch, PaymentLine
from tests.benefits.builders import instalment

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)


def test_a_batch_gathers_every_payable_instalment_once(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)

    assert batch.state == PaymentBatch.State.READY
    assert batch.reference == "PB-20250401-01"
    lines = list(batch.lines.select_related("instalment__claim"))
    assert len(lines) == 6
    assert {line.amount for line in lines} == {2_400_000}  # 60% of 4,000,000 (PP 6/2025 Pasal 21)
    first = payable_claims[0]
    assert {line.reference for line in lines if line.instalment.claim_id == first.pk} == {
        f"{first.number}-1-1",
        f"{first.number}-2-1",
    }
    assert not CashInstalment.objects.filter(status=InstalmentStatus.PAYABLE).exists()
    assert CashInstalment.objects.filter(status=InstalmentStatus.IN_BATCH).count() == 6


def test_running_again_pays_nothing_twice(payable_claims, head_office):
    payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    assert payments.run_payment_batch(acting_user=head_office, on=RUN_ON) is None
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.count() == 6


def test_a_retried_gather_resumes_the_open_batch(payable_claims, head_office):
    # A worker died after claiming two instalments: the batch is still open.
    batch = payments.open_payment_batch(acting_user=head_office, on=RUN_ON)
    ids = list(payments.payable_instalments().values_list("pk", flat=True))
    assert payments._add_chunk(batch, ids[:2])
    assert payments.open_payment_batch(on=RUN_ON) == batch

    again = payments.run_payment_batch(on=RUN_ON)

    assert again == batch
    assert PaymentBatch.objects.count() == 1
    assert batch.lines.count() == 6
    assert (
        PaymentLine.objects.values("instalment").distinct().count() == PaymentLine.objects.count()
    )


def test_a_sealed_batch_takes_nothing_more(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    CashInstalment.objects.filter(month=3).update(status=InstalmentStatus.PAYABLE)
    assert payments.gather_payment_batch(batch_id=batch.pk) == batch
    assert batch.lines.count() == 6


def test_no_payable_instalment_makes_no_batch(branch, head_office):
    assert payments.run_payment_batch(acting_user=head_office, on=RUN_ON) is None
    assert not PaymentBatch.objects.exists()


def test_a_claim_without_an_account_waits(payable_claims, head_office):
    claim = payable_claims[0]
    claim.bank_account = ""
    claim.save(update_fields=["bank_account"])
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    assert batch.lines.count() == 4
    assert instalment(claim, 1).status == InstalmentStatus.PAYABLE


def test_the_database_refuses_a_second_live_line_for_one_instalment(payable_claims, head_office):
    """The last line of defence behind the conditional UPDATE: the partial unique constraint."""
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    line = batch.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=batch,
            instalment=line.instalment,
            amount=line.amount,
            bank_name="BRI",
            bank_account="001234567890",
            account_holder="X",
            reference="DUPLICATE-1",
        )
    # A rejected line is no longer live: the instalment may be sent again.
    PaymentLine.objects.filter(pk=line.pk).update(status=PaymentLine.Status.REJECTED)
    PaymentLine.objects.create(
        batch=batch,
        instalment=line.instalment,
        amount=line.amount,
        bank_name="BRI",
        bank_account="001234567890",
        account_holder="X",
        reference="RETRY-2",
    )


def test_only_one_batch_can_be_open(head_office):
    PaymentBatch.objects.create(reference="A", period=RUN_ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentBatch.objects.create(reference="B", period=RUN_ON)


def test_export_writes_one_row_per_transfer(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    content = payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["batch", "claim", "nik", "account", "bank", "name", "amount", "reference"]
    assert len(rows) == 7
    claim = payable_claims[0]
    mine = [row for row in rows[1:] if row[1] == claim.number]
    assert mine[0] == [
        batch.reference,
        claim.number,
        claim.participant.nik,
        claim.bank_account,
        "BRI",
        claim.participant.name,
        "2400000",
        f"{claim.number}-1-1",
    ]
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.EXPORTED
    assert payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office) == content


def test_export_refuses_a_bad_line_with_a_row_report(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    bad = batch.lines.order_by("pk")[1]
    bad.bank_account = "12-AB"
    bad.account_holder = " "
    bad.save()
    with pytest.raises(payments.PaymentFileError) as caught:
        payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    [problem] = caught.value.problems
    assert (problem.row, problem.reference) == (3, bad.reference)
    assert len(problem.messages) == 2
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.READY


def test_names_cannot_smuggle_spreadsheet_formulas(payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    batch.lines.update(account_holder="=HYPERLINK(1)")
    content = payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    assert "'=HYPERLINK(1)" in content
