"""Gathering, export and reconciliation cost a bounded number of statements per chunk, not
several per instalment (issue #14): counted at two sizes, the counts are the same, and with
several chunks they grow by a fixed number per chunk."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benefits import payments
from claims.models import (
    CaseEvent,
    CashInstalment,
    InstalmentStatus,
    PaymentBatch,
    PaymentLine,
)
from jkp_site.outbox.models import OutboxMessage
from tests.benefits.builders import add_payable_month, build_claims
from tests.payments.conftest import result_file

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)
# The chunk's savepoint and its release, lock the batch, heartbeat, lock and read the chunk,
# claim it, count earlier lines, insert the lines (a COPY on PostgreSQL).
PER_CHUNK = 8


def payable(branch, count):
    """`count` running claims, each with a payable month 1 of Rp2,400,000."""
    add_payable_month(build_claims(branch, count), 1)


def counted(function):
    with CaptureQueriesContext(connection) as queries:
        outcome = function()
    return len(queries), outcome


def run_all(head_office, settings, *, chunk):
    """Statements of (gather, export, reconcile) for every payable instalment; every tenth
    transfer comes back rejected."""
    settings.PAYMENT_GATHER_CHUNK = chunk
    gathered, batch = counted(
        lambda: payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    )
    exported, content = counted(
        lambda: payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    )
    rows = []
    for n, line in enumerate(batch.lines.order_by("pk")):
        if n % 10 == 9:
            rows.append([line.reference, "rejected", line.amount, "", "Account closed"])
        else:
            rows.append([line.reference, "paid", line.amount, f"BRI{line.pk:06d}", ""])
    reconciled, result = counted(
        lambda: payments.reconcile_payment_batch(
            batch_id=batch.pk, acting_user=head_office, data=result_file(rows)
        )
    )
    assert content.count("\r\n") == len(rows) + 1
    assert (result.paid, result.rejected) == (len(rows) - len(rows) // 10, len(rows) // 10)
    return gathered, exported, reconciled


def test_the_statements_do_not_grow_with_the_instalments(branch, head_office, settings):
    payable(branch, 10)
    small = run_all(head_office, settings, chunk=1000)
    payable(branch, 60)
    large = run_all(head_office, settings, chunk=1000)

    assert large == small
    assert PaymentLine.objects.count() == 70
    assert CaseEvent.objects.filter(action="instalment_paid").count() == 63
    assert CaseEvent.objects.filter(action="instalment_rejected").count() == 7
    assert OutboxMessage.objects.filter(key__startswith="notify:").count() == 70
    assert CashInstalment.objects.filter(status=InstalmentStatus.PAID).count() == 63
    assert PaymentBatch.objects.filter(state=PaymentBatch.State.RECONCILED).count() == 2


def test_the_gathering_grows_by_a_fixed_number_of_statements_per_chunk(
    branch, head_office, settings
):
    payable(branch, 40)
    one_chunk = run_all(head_office, settings, chunk=40)
    payable(branch, 40)
    four_chunks = run_all(head_office, settings, chunk=10)

    assert four_chunks[0] - one_chunk[0] == 3 * PER_CHUNK
    assert four_chunks[1:] == one_chunk[1:]
