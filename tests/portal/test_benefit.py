"""During the benefit: instalments, training offers and activity reach the worker's timeline."""

import pytest
from django.urls import reverse
from django.utils import timezone

from benefits import services as benefit_services
from claims import services as claim_services
from claims.models import CaseEvent
from tests.benefits.builders import set_status
from tests.language import InEnglish
from tests.portal.conftest import submitted_claim, verify_and_recommend
from training import services as training_services
from training.models import JobSeekingActivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_claim(worker, officer, supervisor, counsellor):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    benefit_services.record_activity(
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
    notes = InEnglish(worker_client).get(reverse("portal:notifications"))
    shown = [item.message.title for item in notes.context["notifications"]]
    assert shown[0] == "A training was offered to you: Operator Mesin Jahit at BLK Cengkareng."
    assert "Your benefit started: monthly cash, job-seeking help and training." in shown

    page = InEnglish(worker_client).get(reverse("portal:claim", kwargs={"pk": running_claim.pk}))
    assert "Your self-assessment is recorded." in page.text
    assert page.context["benefit"].referrals == [referral]
    assert "Operator Mesin Jahit" in page.text


def test_a_paid_month_is_told_once_on_the_case_page_and_notified(worker_client, running_claim):
    first = running_claim.instalments.get(month=1)
    set_status(running_claim, [1], "paid")
    CaseEvent.objects.create(
        claim=running_claim,
        action="instalment_paid",
        from_state=running_claim.state,
        to_state=running_claim.state,
        data={"month": 1, "amount": first.amount},
    )
    paid = "Month 1: Rp 3.000.000 was paid into your account."

    page = InEnglish(worker_client).get(reverse("portal:claim", kwargs={"pk": running_claim.pk}))
    notes = InEnglish(worker_client).get(reverse("portal:notifications"))

    assert page.text.count(paid) == 1
    assert page.context["schedule"][0].message.title == paid
    assert notes.context["notifications"][0].message.title == paid


def test_the_worker_reports_a_job_application(worker_client, running_claim):
    response = worker_client.post(
        reverse("portal:report_activity", kwargs={"pk": running_claim.pk}),
        {
            "kind": "job_application",
            "occurred_on": timezone.localdate().isoformat(),
            "employer_name": "PT Sinar Jaya",
            "position": "Operator produksi",
        },
    )

    assert response.status_code == 302
    activity = running_claim.activities.get(kind="job_application")
    assert activity.employer_name == "PT Sinar Jaya"
    assert activity.recorded_by == running_claim.participant.user
    page = InEnglish(worker_client).get(reverse("portal:claim", kwargs={"pk": running_claim.pk}))
    assert page.context["benefit"].applications_this_month == 1


def test_an_activity_needs_the_company_and_job(worker_client, running_claim):
    response = worker_client.post(
        reverse("portal:report_activity", kwargs={"pk": running_claim.pk}),
        {"kind": "interview", "occurred_on": timezone.localdate().isoformat()},
    )
    assert response.context["form"].has_error("employer_name")
    assert not running_claim.activities.filter(kind="interview").exists()


def test_the_month_6_form_records_the_employment_status(worker_client, running_claim):
    response = worker_client.post(
        reverse("portal:employment_status", kwargs={"pk": running_claim.pk}),
        {"employed": "no", "notes": "Masih mencari"},
    )

    assert response.status_code == 302
    assert running_claim.activities.filter(kind="employment_status").exists()
    running_claim.refresh_from_db()
    assert running_claim.state == "benefit_active"


def test_a_new_job_reported_on_the_form_stops_the_benefit(worker_client, running_claim):
    response = worker_client.post(
        reverse("portal:employment_status", kwargs={"pk": running_claim.pk}),
        {"employed": "yes", "employer_name": "PT Baru", "started_on": timezone.localdate()},
    )

    assert response.status_code == 302
    running_claim.refresh_from_db()
    assert running_claim.state == "stopped"
    page = InEnglish(worker_client).get(reverse("portal:claim", kwargs={"pk": running_claim.pk}))
    assert "Your benefit was stopped: you started a new job." in page.text


def test_a_new_job_needs_the_employer_and_the_date(worker_client, running_claim):
    response = worker_client.post(
        reverse("portal:employment_status", kwargs={"pk": running_claim.pk}), {"employed": "yes"}
    )
    assert response.context["form"].has_error("employer_name")
    assert response.context["form"].has_error("started_on")


def test_benefit_pages_of_another_worker_answer_404(client, other_worker, running_claim):
    client.force_login(other_worker.user)
    for name in ("portal:report_activity", "portal:employment_status"):
        url = reverse(name, kwargs={"pk": running_claim.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"employed": "no"}).status_code == 404
    assert not running_claim.activities.filter(kind="employment_status").exists()


def test_benefit_forms_need_a_running_benefit(worker_client, worker):
    claim = submitted_claim(worker)
    url = reverse("portal:report_activity", kwargs={"pk": claim.pk})
    assert worker_client.get(url).status_code == 404


def test_the_worker_accepts_the_training_offer_from_the_portal(
    worker_client, running_claim, referral
):
    url = reverse("portal:accept_training", kwargs={"pk": referral.pk})
    page = InEnglish(worker_client).get(reverse("portal:claim", kwargs={"pk": running_claim.pk}))
    assert f'action="{url}"' in page.text
    assert worker_client.get(url).status_code == 405

    response = InEnglish(worker_client).post(url)

    assert response["Location"] == reverse("portal:claim", kwargs={"pk": running_claim.pk})
    referral.refresh_from_db()
    assert referral.state == "accepted"
    page = InEnglish(worker_client).get(response["Location"])
    titles = [entry.message.title for entry in page.context["timeline"] if entry.message]
    assert "You accepted the training Operator Mesin Jahit at BLK Cengkareng." in titles
    assert f'action="{url}"' not in page.text  # nothing left to accept


def test_another_worker_guessing_the_accept_address_gets_404(
    client, other_worker, running_claim, referral
):
    client.force_login(other_worker.user)

    response = client.post(reverse("portal:accept_training", kwargs={"pk": referral.pk}))

    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.state == "referred"
