"""Benefit and payment records in the admin: read-only, scoped like the rest."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import CashInstalment, ClaimState, PaymentBatch
from tests.claims.conftest import bare_claim, eligible_worker

pytestmark = pytest.mark.django_db


def _instalment(claim):
    return CashInstalment.objects.create(
        claim=claim,
        month=1,
        due_date=dt.date(2026, 1, 15),
        percent=60,
        amount=2_400_000,
        rule_version="PP6-2025",
    )


@pytest.fixture
def two_instalments(employer, other_employer):
    mine = bare_claim(eligible_worker(employer), employer, ClaimState.APPROVED)
    theirs = bare_claim(eligible_worker(other_employer), other_employer, ClaimState.APPROVED)
    return _instalment(mine), _instalment(theirs)


def test_supervisor_sees_own_branch_instalments_only(client, supervisor, two_instalments):
    mine, theirs = two_instalments
    client.force_login(supervisor)
    page = client.get(reverse("admin:claims_cashinstalment_changelist")).content.decode()
    assert mine.claim.number in page
    assert theirs.claim.number not in page
    url = reverse("admin:claims_cashinstalment_change", args=[theirs.pk])
    assert client.get(url).status_code == 404
    response = client.get(reverse("admin:claims_cashinstalment_change", args=[mine.pk]))
    assert response.status_code == 200
    assert 'name="amount"' not in response.content.decode()


def test_payment_batches_are_for_head_office_only(client, supervisor, head_office):
    batch = PaymentBatch.objects.create(reference="PAY-TEST-1", period=dt.date(2026, 1, 1))
    url = reverse("admin:claims_paymentbatch_change", args=[batch.pk])
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    client.force_login(head_office)
    response = client.get(url)
    assert response.status_code == 200
    assert "PAY-TEST-1" in response.content.decode()
    assert (
        client.post(reverse("admin:claims_paymentbatch_delete", args=[batch.pk])).status_code == 403
    )
