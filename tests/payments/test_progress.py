"""The payment screens say what happened: the batch the button gathered, nothing payable, or
the gathering followed live; transfers are "sent" only once the file was exported; the bank
file can be downloaded again after the bank's result was imported."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from benefits import payments
from claims.models import PaymentBatch
from tests.payments.conftest import paid_rows, result_file

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)


def progress(client, since):
    return client.get(reverse("payments:gather_progress"), {"since": int(since.timestamp())})


# Committed for real, so the run owed goes out at the commit: with no broker it runs inline,
# before the button's answer, as in `make run`.
@pytest.mark.django_db(transaction=True)
def test_the_button_says_the_batch_is_gathered_when_it_is(client, head_office, payable_claims):
    client.force_login(head_office)
    response = client.post(reverse("payments:batch_run"), {"confirmed": "1"}, follow=True)
    batch = PaymentBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("payments:batch_detail", args=[batch.pk])
    assert f"Batch {batch.reference} gathered: 6 transfers." in response.text
    assert "refresh" not in response.text
    assert 'id="gather-progress"' not in response.text


@pytest.mark.django_db(transaction=True)
def test_the_button_says_when_nothing_is_payable(client, head_office):
    client.force_login(head_office)
    response = client.post(reverse("payments:batch_run"), {"confirmed": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("payments:batch_list")
    assert "Nothing is payable now: no batch was made." in response.text
    assert not PaymentBatch.objects.exists()


def test_a_gathering_waiting_for_a_worker_is_followed_live(client, head_office, payable_claims):
    client.force_login(head_office)
    # The run is owed through the outbox; here no worker takes it yet (no commit callbacks).
    response = client.post(reverse("payments:batch_run"), {"confirmed": "1"})
    assert response.url.startswith(reverse("payments:batch_list") + "?since=")
    page = client.get(response.url).text
    assert 'data-state="waiting"' in page
    assert "js/payments.js" in page
    asked = timezone.now() - dt.timedelta(seconds=1)
    assert progress(client, asked).json()["state"] == "waiting"

    batch = payments.open_payment_batch(acting_user=head_office)
    ids = list(payments.payable_instalments().values_list("pk", flat=True))
    payments._add_chunk(batch, ids[:2])
    assert progress(client, asked).json() == {
        "state": "gathering",
        "reference": batch.reference,
        "url": reverse("payments:batch_detail", args=[batch.pk]),
        "lines": 2,
        "expected": 6,
        "percent": 33,
    }
    detail = client.get(reverse("payments:batch_detail", args=[batch.pk])).text
    assert 'data-state="gathering"' in detail
    assert "js/payments.js" in detail

    payments.gather_payment_batch(batch_id=batch.pk)
    done = progress(client, asked).json()
    assert (done["state"], done["lines"], done["percent"]) == ("done", 6, 100)
    detail = client.get(reverse("payments:batch_detail", args=[batch.pk])).text
    assert 'id="gather-progress"' not in detail


def test_the_progress_needs_the_moment_asked_and_the_permission(client, head_office, officer):
    client.force_login(head_office)
    assert client.get(reverse("payments:gather_progress")).status_code == 400
    too_far = {"since": "9" * 30}
    assert client.get(reverse("payments:gather_progress"), too_far).status_code == 400
    client.force_login(officer)
    assert progress(client, timezone.now()).status_code == 403


def test_transfers_are_sent_only_once_the_file_is_exported(client, head_office, payable_claims):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    client.force_login(head_office)
    url = reverse("payments:batch_detail", args=[batch.pk])
    page = client.get(url).text
    assert page.count("In the batch, not sent yet") == 6
    assert "Sent, awaiting result" not in page
    client.post(reverse("payments:batch_export", args=[batch.pk]), {"confirmed": "1"})
    page = client.get(url).text
    assert page.count("Sent, awaiting result") == 6
    assert "not sent yet" not in page


def test_the_bank_file_can_be_downloaded_again_after_the_result(
    client, head_office, payable_claims
):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    client.force_login(head_office)
    export = reverse("payments:batch_export", args=[batch.pk])
    first = client.post(export, {"confirmed": "1"}).content
    rejected = batch.lines.order_by("pk").first().reference
    payments.reconcile_payment_batch(
        batch_id=batch.pk,
        acting_user=head_office,
        data=result_file(paid_rows(batch, **{rejected: "Account closed"})),
    )
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.RECONCILED
    page = client.get(reverse("payments:batch_detail", args=[batch.pk])).text
    assert 'id="export-batch"' in page
    again = client.post(export)
    assert again.status_code == 200
    assert again["Cache-Control"] == "no-store"
    assert again.content == first
    assert len(list(csv.reader(io.StringIO(again.content.decode())))) == 7


def test_the_progress_costs_a_fixed_number_of_queries(
    client, head_office, payable_claims, django_assert_num_queries
):
    client.force_login(head_office)
    batch = payments.open_payment_batch(acting_user=head_office)
    since = timezone.now() - dt.timedelta(minutes=1)
    with django_assert_num_queries(6):
        assert progress(client, since).json()["state"] == "gathering"
    payments.gather_payment_batch(batch_id=batch.pk)
    with django_assert_num_queries(6):
        assert progress(client, since).json()["state"] == "done"
