"""During the benefit: instalments, training offers and activity reach the worker's timeline."""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services as claim_services
from claims.models import CaseEvent
from tests.portal.conftest import submitted_claim, verify_and_recommend
from training import services as training_services
from training.models import JobSeekingActivity

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def running_claim(worker, officer, supervisor, counsellor):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    training_services.record_activity(
        claim_id=claim.pk,
        acting_user=counsellor,
        kind=JobSeekingActivity.Kind.SELF_ASSESSMENT,
        occurred_on=timezone.localdate(),
    )
    return claim


@pytest.fixture
def referral(running_claim, counsellor):
    provider = training_services.create_training_provider(
        acting_user=counsellor, name="BLK Cengkareng", kind="BLK", ownership="government"
    )
    program = training_services.create_training_program(
        acting_user=counsellor,
        provider_id=provider.pk,
        title="Operator Mesin Jahit",
        competency="Menjahit industri",
        duration_hours=160,
        cost=1_000_000,
    )
    return training_services.refer_to_training(
        claim_id=running_claim.pk, program_id=program.pk, acting_user=counsellor
    )


def test_the_worker_hears_of_the_benefit_and_the_training_offer(
    worker_client, running_claim, referral
):
    notes = worker_client.get(reverse("portal:notifications"), **EN)
    shown = [item.message.title for item in notes.context["notifications"]]
    assert shown[0] == "A training was offered to you: Operator Mesin Jahit at BLK Cengkareng."
    assert "Your benefit started: monthly cash, job-seeking help and training." in shown

    page = worker_client.get(reverse("portal:claim", kwargs={"pk": running_claim.pk}), **EN)
    assert "Your self-assessment is recorded." in page.text
    assert page.context["benefit"].referrals == [referral]
    assert "Operator Mesin Jahit" in page.text


def test_a_paid_month_is_told_once_on_the_timeline_and_notified(worker_client, running_claim):
    first = running_claim.instalments.get(month=1)
    type(first).objects.filter(pk=first.pk).update(status="paid", paid_at=timezone.now())
    CaseEvent.objects.create(
        claim=running_claim,
        action="instalment_paid",
        from_state=running_claim.state,
        to_state=running_claim.state,
        data={"month": 1, "amount": first.amount},
    )
    paid = "Month 1: Rp 3.000.000 was paid into your account."

    page = worker_client.get(reverse("portal:claim", kwargs={"pk": running_claim.pk}), **EN)
    notes = worker_client.get(reverse("portal:notifications"), **EN)

    assert [e.message.title for e in page.context["timeline"]].count(paid) == 1
    assert notes.context["notifications"][0].message.title == paid
