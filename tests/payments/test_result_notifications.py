"""The bank's result reaches the worker like every other event: one delivery record per paid or
returned transfer, written with the reconciliation, sent once after it."""

import datetime as dt

import pytest

from benefits import payments
from claims.models import CaseEvent, EventNotification
from tests.payments.conftest import paid_rows, result_file

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)


def test_each_settled_transfer_owes_and_sends_one_email(
    payable_claims, head_office, mailoutbox, django_capture_on_commit_callbacks
):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    rejected = batch.lines.order_by("pk").first().reference
    with django_capture_on_commit_callbacks(execute=True):
        payments.reconcile_payment_batch(
            batch_id=batch.pk,
            acting_user=head_office,
            data=result_file(paid_rows(batch, **{rejected: "Account closed"})),
        )
    events = CaseEvent.objects.filter(action__in=["instalment_paid", "instalment_rejected"])
    assert events.count() == 6
    deliveries = EventNotification.objects.filter(event__in=events)
    assert deliveries.count() == 6
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    assert len(mailoutbox) == 6
