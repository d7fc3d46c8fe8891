"""Labour-market information and training: each record tied to the claim and counted for cash."""

import datetime as dt

import pytest
import time_machine

from benefits import services as cash
from claims.models import CaseEvent, ClaimState, InstalmentStatus
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from tests.benefits.builders import benefit_claim, instalment
from training import services
from training.models import JobSeekingActivity, TrainingProvider, TrainingReferral

pytestmark = pytest.mark.django_db
DECIDED = dt.date(2025, 3, 10)
K = JobSeekingActivity.Kind


@pytest.fixture
def approved(branch):
    return benefit_claim(branch=branch, decision_date=DECIDED, state=ClaimState.APPROVED)


@pytest.fixture
def active(branch):
    return benefit_claim(branch=branch, decision_date=DECIDED)


@pytest.fixture
def provider(counsellor):
    return services.create_training_provider(
        acting_user=counsellor, name="BLK Bekasi", kind="BLK", ownership="government"
    )


@pytest.fixture
def program(provider, counsellor):
    return services.create_training_program(
        acting_user=counsellor,
        provider_id=provider.pk,
        title="Operator forklift",
        competency="Forklift operation (SKKNI)",
        duration_hours=120,
        cost=2_400_000,
        start_date=dt.date(2025, 5, 1),
    )


@time_machine.travel(dt.datetime(2025, 3, 11, 9, tzinfo=dt.UTC), tick=False)
def test_the_self_assessment_starts_the_benefit_and_month_one(
    approved, counsellor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cash.record_activity(
            claim_id=approved.pk,
            acting_user=counsellor,
            kind=K.SELF_ASSESSMENT,
            occurred_on=dt.date(2025, 3, 11),
        )
    approved.refresh_from_db()
    assert approved.state == ClaimState.BENEFIT_ACTIVE
    assert instalment(approved, 1).status == InstalmentStatus.PAYABLE
    assert instalment(approved, 2).status == InstalmentStatus.SCHEDULED
    activation = CaseEvent.objects.get(claim=approved, action="activate_benefit")
    assert activation.actor is None


@time_machine.travel(dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC), tick=False)
def test_applications_recorded_count_toward_the_month(
    active, officer, django_capture_on_commit_callbacks
):
    for day in range(1, 6):
        with django_capture_on_commit_callbacks(execute=True):
            cash.record_activity(
                claim_id=active.pk,
                acting_user=officer,
                kind=K.JOB_APPLICATION,
                occurred_on=dt.date(2025, 4, day),
                employer_name="PT Sinar",
                position="Admin",
            )
    assert instalment(active, 2).status == InstalmentStatus.PAYABLE


def test_applications_need_employer_and_position(active, officer):
    with pytest.raises(ApplicationError) as caught:
        cash.record_activity(
            claim_id=active.pk,
            acting_user=officer,
            kind=K.JOB_APPLICATION,
            occurred_on=dt.date(2025, 4, 1),
        )
    assert caught.value.field == "employer_name"


def test_activities_are_refused_for_another_branch_or_a_stopped_claim(
    active, outsider, branch, officer
):
    with pytest.raises(PermissionDeniedError):
        services.record_activity(
            claim_id=active.pk,
            acting_user=outsider,
            kind=K.SELF_ASSESSMENT,
            occurred_on=dt.date(2025, 3, 11),
        )
    stopped = benefit_claim(branch=branch, decision_date=DECIDED, state=ClaimState.STOPPED)
    with pytest.raises(ApplicationError, match="no running benefit"):
        services.record_activity(
            claim_id=stopped.pk,
            acting_user=officer,
            kind=K.SELF_ASSESSMENT,
            occurred_on=dt.date(2025, 3, 11),
        )


def test_a_counselling_session_is_scheduled_then_held_or_missed(active, counsellor):
    session = services.schedule_counselling(
        claim_id=active.pk, acting_user=counsellor, occurred_on=dt.date(2025, 3, 20)
    )
    assert session.status == JobSeekingActivity.Status.SCHEDULED
    held = services.record_counselling_outcome(
        activity_id=session.pk, acting_user=counsellor, status="no_show", notes="Tidak hadir"
    )
    assert (held.status, held.notes) == ("no_show", "Tidak hadir")
    with pytest.raises(ApplicationError):
        services.record_counselling_outcome(
            activity_id=session.pk, acting_user=counsellor, status="done"
        )


def test_programme_cost_must_be_within_the_cap_of_its_rule_version(provider, counsellor):
    with pytest.raises(ApplicationError, match="PMK 26/2025") as caught:
        services.create_training_program(
            acting_user=counsellor,
            provider_id=provider.pk,
            title="Mahal",
            competency="X",
            duration_hours=10,
            cost=2_400_001,
            start_date=dt.date(2025, 5, 1),
        )
    assert caught.value.field == "cost"
    # Before 2025 the cap was Rp1,000,000 (PMK 148/2021 Pasal 31).
    with pytest.raises(ApplicationError, match="PMK 148/2021"):
        services.create_training_program(
            acting_user=counsellor,
            provider_id=provider.pk,
            title="Lama",
            competency="X",
            duration_hours=10,
            cost=1_500_000,
            start_date=dt.date(2024, 6, 1),
        )


def test_referral_enrolment_attendance_and_completion(
    active, program, counsellor, officer, django_capture_on_commit_callbacks
):
    referral = services.refer_to_training(
        claim_id=active.pk, program_id=program.pk, acting_user=officer
    )
    with pytest.raises(ApplicationError, match="already has"):
        services.refer_to_training(claim_id=active.pk, program_id=program.pk, acting_user=officer)
    enrolled = services.enrol_in_training(
        referral_id=referral.pk, acting_user=counsellor, enrolled_on=dt.date(2025, 4, 2)
    )
    assert (enrolled.state, enrolled.cost) == (TrainingReferral.State.ENROLLED, 2_400_000)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_attendance(
            referral_id=referral.pk, acting_user=counsellor, period=dt.date(2025, 4, 1), percent=90
        )
    # April's 90% qualifies month 3 (due 10 May) once it is judged.
    from benefits.conditions import evaluate_due_instalments

    evaluate_due_instalments(on=dt.date(2025, 5, 10))
    assert instalment(active, 3).status == InstalmentStatus.PAYABLE
    done = services.complete_training(
        referral_id=referral.pk,
        acting_user=counsellor,
        completed_on=dt.date(2025, 6, 30),
        certificate_number="BNSP-123",
    )
    assert (done.state, done.certificate_number) == ("completed", "BNSP-123")


def test_the_cost_cap_is_the_one_in_force_on_the_referral_day(
    branch, provider, counsellor, officer
):
    """D15: Rp 1,000,000 for referrals before 14 April 2025, Rp 2,400,000 from that day
    (PMK 26/2025), whatever rule version decided the claim."""
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 3))
    with time_machine.travel(dt.datetime(2025, 3, 20, 9, tzinfo=dt.UTC), tick=False):
        program = services.create_training_program(
            acting_user=counsellor,
            provider_id=provider.pk,
            title="Baru",
            competency="X",
            duration_hours=10,
            cost=2_000_000,
            start_date=dt.date(2025, 5, 1),
        )
    with (
        time_machine.travel(dt.datetime(2025, 4, 13, 9, tzinfo=dt.UTC), tick=False),
        pytest.raises(ApplicationError, match=r"1\.000\.000"),
    ):
        services.refer_to_training(claim_id=claim.pk, program_id=program.pk, acting_user=officer)
    with time_machine.travel(dt.datetime(2025, 4, 14, 9, tzinfo=dt.UTC), tick=False):
        referral = services.refer_to_training(
            claim_id=claim.pk, program_id=program.pk, acting_user=officer
        )
    assert referral.program == program


def test_attendance_is_a_percentage(active, program, counsellor, officer):
    referral = services.refer_to_training(
        claim_id=active.pk, program_id=program.pk, acting_user=officer
    )
    with pytest.raises(ApplicationError):
        services.record_attendance(
            referral_id=referral.pk, acting_user=counsellor, period=dt.date(2025, 4, 1), percent=50
        )  # not enrolled yet
    services.enrol_in_training(
        referral_id=referral.pk, acting_user=counsellor, enrolled_on=dt.date(2025, 4, 2)
    )
    with pytest.raises(ApplicationError):
        services.record_attendance(
            referral_id=referral.pk, acting_user=counsellor, period=dt.date(2025, 4, 1), percent=101
        )


def test_the_worker_reporting_a_new_job_stops_the_benefit(active, officer):
    stopped = services.report_reemployment(
        claim_id=active.pk,
        acting_user=officer,
        employer_name="PT Baru",
        started_on=dt.date(2025, 5, 2),
    )
    assert stopped.state == ClaimState.STOPPED
    assert set(active.instalments.values_list("status", flat=True)) == {"cancelled"}
    assert CaseEvent.objects.filter(claim=active, action="reemployment_reported", actor=officer)
    assert CaseEvent.objects.get(claim=active, action="stop_benefit").reason_code == "reemployed"


def test_providers_need_valid_kind_and_ownership(counsellor, head_office):
    with pytest.raises(ApplicationError):
        services.create_training_provider(
            acting_user=counsellor, name="X", kind="SMK", ownership="private"
        )
    with pytest.raises(PermissionDeniedError):
        services.create_training_provider(
            acting_user=head_office, name="X", kind="LPK", ownership="private"
        )
    assert not TrainingProvider.objects.exists()


def test_the_worker_reports_their_own_activity_but_not_anothers(active, branch):
    from jkp_site.core.roles import Role
    from tests.factories import UserFactory

    worker = UserFactory(username="pekerja_a", branch=None, role=Role.PESERTA)
    active.participant.user = worker
    active.participant.save(update_fields=["user"])
    services.record_activity(
        claim_id=active.pk,
        acting_user=worker,
        kind=K.INTERVIEW,
        occurred_on=dt.date(2025, 4, 2),
        employer_name="PT Sinar",
        position="Kasir",
    )
    other = benefit_claim(branch=branch, decision_date=DECIDED)
    with pytest.raises(PermissionDeniedError):
        services.record_activity(
            claim_id=other.pk,
            acting_user=worker,
            kind=K.INTERVIEW,
            occurred_on=dt.date(2025, 4, 2),
            employer_name="PT Sinar",
            position="Kasir",
        )
    with pytest.raises(PermissionDeniedError):
        services.schedule_counselling(
            claim_id=active.pk, acting_user=worker, occurred_on=dt.date(2025, 4, 9)
        )


def test_only_the_worker_whose_claim_it_is_accepts_a_training_offer(
    active, program, branch, officer, counsellor
):
    from claims.vocabulary import action_label
    from jkp_site.core.roles import Role
    from tests.factories import UserFactory

    worker = UserFactory(username="pekerja_t", branch=None, role=Role.PESERTA)
    active.participant.user = worker
    active.participant.save(update_fields=["user"])
    stranger = UserFactory(username="pekerja_u", branch=None, role=Role.PESERTA)
    referral = services.refer_to_training(
        claim_id=active.pk, program_id=program.pk, acting_user=officer
    )

    for user in (stranger, counsellor):
        with pytest.raises(PermissionDeniedError):
            services.accept_training_referral(referral_id=referral.pk, acting_user=user)
    assert TrainingReferral.objects.get(pk=referral.pk).state == TrainingReferral.State.REFERRED

    accepted = services.accept_training_referral(referral_id=referral.pk, acting_user=worker)

    assert accepted.state == TrainingReferral.State.ACCEPTED
    event = CaseEvent.objects.filter(claim=active).latest("pk")
    assert (event.action, event.actor, event.data["program"]) == (
        "training_accepted",
        worker,
        "Operator forklift",
    )
    assert action_label("training_accepted") == "Training offer accepted by the worker"
    with pytest.raises(ApplicationError, match="can no longer be accepted"):
        services.accept_training_referral(referral_id=referral.pk, acting_user=worker)
    # The branch takes it on from there: an accepted offer is enrolled as before.
    enrolled = services.enrol_in_training(
        referral_id=referral.pk, acting_user=counsellor, enrolled_on=dt.date(2025, 4, 2)
    )
    assert enrolled.state == TrainingReferral.State.ENROLLED


def test_an_offer_on_a_stopped_benefit_cannot_be_accepted(active, program, officer):
    from jkp_site.core.roles import Role
    from tests.factories import UserFactory

    worker = UserFactory(username="pekerja_v", branch=None, role=Role.PESERTA)
    active.participant.user = worker
    active.participant.save(update_fields=["user"])
    referral = services.refer_to_training(
        claim_id=active.pk, program_id=program.pk, acting_user=officer
    )
    type(active).objects.filter(pk=active.pk).update(state=ClaimState.STOPPED)

    with pytest.raises(ApplicationError, match="no running benefit"):
        services.accept_training_referral(referral_id=referral.pk, acting_user=worker)
    assert TrainingReferral.objects.get(pk=referral.pk).state == TrainingReferral.State.REFERRED
