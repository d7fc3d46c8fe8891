"""Counsellor and officer screens: branch-scoped (404 elsewhere), permission-checked (403)."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import ClaimState
from tests.benefits.builders import benefit_claim, set_status
from training.models import JobSeekingActivity, TrainingProgram, TrainingProvider, TrainingReferral

pytestmark = pytest.mark.django_db
DECIDED = dt.date(2025, 3, 10)


@pytest.fixture
def claim(branch):
    return benefit_claim(branch=branch, decision_date=DECIDED)


@pytest.fixture
def program(db):
    provider = TrainingProvider.objects.create(name="LPK Mandiri", kind="LPK", ownership="private")
    return TrainingProgram.objects.create(
        provider=provider, title="Barista", competency="Kopi", duration_hours=40, cost=1_800_000
    )


def add_activities(claim, n):
    JobSeekingActivity.objects.bulk_create(
        JobSeekingActivity(
            claim=claim,
            kind="job_application",
            occurred_on=dt.date(2025, 3, 12),
            employer_name=f"PT {i}",
            position="Staf",
        )
        for i in range(n)
    )


def test_the_counsellor_sees_the_branch_caseload(client, counsellor, claim, other_branch):
    other = benefit_claim(branch=other_branch, decision_date=DECIDED)
    add_activities(claim, 3)
    set_status(claim, [1, 2], "paid")
    client.force_login(counsellor)
    response = client.get(reverse("benefits:caseload"))
    assert response.status_code == 200
    assert other.number not in response.text
    [row] = response.context["page"].object_list
    assert (row.number, row.activity_count, row.paid_count) == (claim.number, 3, 2)
    assert "2/6" in response.text


def test_another_branch_gets_404_everywhere(client, outsider, claim, program):
    session = JobSeekingActivity.objects.create(
        claim=claim, kind="counselling", status="scheduled", occurred_on=dt.date(2025, 3, 20)
    )
    referral = TrainingReferral.objects.create(claim=claim, program=program)
    client.force_login(outsider)
    assert client.get(reverse("benefits:benefit", args=[claim.pk])).status_code == 404
    posts = [
        reverse("benefits:activity_add", args=[claim.pk]),
        reverse("benefits:counselling_schedule", args=[claim.pk]),
        reverse("benefits:reemployment", args=[claim.pk]),
        reverse("benefits:refer", args=[claim.pk]),
        reverse("benefits:counselling_outcome", args=[session.pk]),
        reverse("benefits:enrol", args=[referral.pk]),
        reverse("benefits:attendance", args=[referral.pk]),
        reverse("benefits:complete", args=[referral.pk]),
        reverse("benefits:end_referral", args=[referral.pk]),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_a_user_without_the_permission_gets_403(client, head_office, claim):
    client.force_login(head_office)
    assert client.get(reverse("benefits:caseload")).status_code == 403
    assert client.get(reverse("benefits:benefit", args=[claim.pk])).status_code == 403
    assert client.get(reverse("benefits:providers")).status_code == 403


def test_a_claim_without_a_benefit_is_not_on_the_benefit_screens(client, counsellor, branch):
    draft = benefit_claim(branch=branch, decision_date=DECIDED, state=ClaimState.VERIFYING)
    client.force_login(counsellor)
    assert client.get(reverse("benefits:benefit", args=[draft.pk])).status_code == 404


def test_recording_an_activity_through_the_screen(client, counsellor, claim):
    client.force_login(counsellor)
    response = client.post(
        reverse("benefits:activity_add", args=[claim.pk]),
        {
            "kind": "interview",
            "occurred_on": "2025-03-20",
            "employer_name": "PT Sinar",
            "position": "Kasir",
        },
        follow=True,
    )
    assert response.status_code == 200
    activity = JobSeekingActivity.objects.get(claim=claim)
    assert (activity.kind, activity.recorded_by) == ("interview", counsellor)
    assert "PT Sinar" in response.text


def test_a_refused_activity_is_explained(client, counsellor, claim):
    client.force_login(counsellor)
    response = client.post(
        reverse("benefits:activity_add", args=[claim.pk]),
        {"kind": "job_application", "occurred_on": "2025-03-20"},
        follow=True,
    )
    assert "Give the employer and the position." in response.text
    assert not JobSeekingActivity.objects.exists()


def test_referral_through_the_screen_records_it(client, officer, claim, program):
    client.force_login(officer)
    client.post(reverse("benefits:refer", args=[claim.pk]), {"program": program.pk})
    referral = TrainingReferral.objects.get(claim=claim)
    client.post(reverse("benefits:enrol", args=[referral.pk]), {"enrolled_on": "2025-03-15"})
    client.post(
        reverse("benefits:attendance", args=[referral.pk]), {"period": "2025-03", "percent": "85"}
    )
    referral.refresh_from_db()
    assert (referral.state, referral.cost) == ("enrolled", 1_800_000)
    assert referral.attendance.get().percent == 85


def test_catalogue_screens_add_providers_and_check_the_cap(client, counsellor):
    client.force_login(counsellor)
    client.post(
        reverse("benefits:providers"),
        {"provider-name": "BLK Serang", "provider-kind": "BLK", "provider-ownership": "government"},
    )
    provider = TrainingProvider.objects.get()
    response = client.post(
        reverse("benefits:program_create"),
        {
            "program-provider": provider.pk,
            "program-title": "Las listrik",
            "program-competency": "SMAW",
            "program-duration_hours": "200",
            "program-cost": "3000000",
            "program-start_date": "2025-06-01",
        },
    )
    assert response.status_code == 200
    assert "above the cap" in response.text
    assert not TrainingProgram.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_benefit_page_runs_a_fixed_number_of_queries(
    client, counsellor, claim, program, rows, django_assert_max_num_queries
):
    add_activities(claim, rows)
    TrainingReferral.objects.create(claim=claim, program=program)
    client.force_login(counsellor)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("benefits:benefit", args=[claim.pk]))
    assert response.status_code == 200
    assert response.text.count('data-kind="job_application"') == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_caseload_runs_a_fixed_number_of_queries(
    client, counsellor, branch, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        benefit_claim(branch=branch, decision_date=DECIDED)
    client.force_login(counsellor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("benefits:caseload"))
    assert response.status_code == 200
