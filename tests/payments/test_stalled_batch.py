"""A batch whose worker died while gathering says so on its page, and head office may resume it
at once instead of waiting for the sweeper; each instalment is still paid once."""

import datetime as dt

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from benefits import payments
from claims.models import PaymentBatch, PaymentLine

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)


def test_a_stalled_batch_is_shown_and_resumed_once(
    client, payable_claims, head_office, django_capture_on_commit_callbacks
):
    batch = payments.open_payment_batch(acting_user=head_office, on=RUN_ON)
    ids = list(payments.payable_instalments().values_list("pk", flat=True))
    assert payments._add_chunk(batch, ids[:2])
    client.force_login(head_office)
    page = reverse("payments:batch_detail", args=[batch.pk])
    assert 'id="batch-stalled"' not in client.get(page).content.decode()  # still working

    PaymentBatch.objects.filter(pk=batch.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    shown = client.get(page).content.decode()
    assert 'id="batch-stalled"' in shown
    assert "Gathering stalled" in shown

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:batch_run"), {"confirmed": "1"})
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.READY
    assert PaymentLine.objects.count() == 6
    assert PaymentLine.objects.values("instalment").distinct().count() == 6
    assert 'id="batch-stalled"' not in client.get(page).content.decode()


def test_the_bank_result_upload_states_its_limit(client, payable_claims, head_office):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    client.force_login(head_office)
    page = client.get(reverse("payments:batch_detail", args=[batch.pk])).content.decode()
    limit = filesizeformat(payments.RESULT_MAX_BYTES)
    assert f"At most {limit}." in page
