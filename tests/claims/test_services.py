"""The claim services: each step's preconditions, records and refusals."""

import re
from functools import partial

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from claims import services
from claims.models import (
    CaseEvent,
    CashInstalment,
    ClaimState,
    Decision,
    Document,
    EligibilityCheck,
    EligibilityResult,
)
from claims.workflow import InvalidTransition
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.roles import Role
from tests.benefits.builders import set_status
from tests.claims.conftest import (
    add_proof,
    eligible_worker,
    open_draft,
    pdf,
    phk_date,
)
from tests.factories import (
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    UserFactory,
    add_contributions,
    add_enrollments,
)

pytestmark = pytest.mark.django_db
S = ClaimState


def test_full_path_to_approval_creates_six_instalments_and_timeline(
    participant, employer, officer, supervisor
):
    claim = open_draft(participant, employer, officer)
    assert re.fullmatch(r"JKP-\d{4}-\d{6}", claim.number)
    assert claim.branch == employer.branch
    assert claim.termination.employment is not None
    add_proof(claim, officer)
    services.submit_claim(claim_id=claim.pk, acting_user=officer)
    services.start_verification(claim_id=claim.pk, acting_user=officer)
    for document in claim.documents.all():
        services.check_document(document_id=document.pk, acting_user=officer, accepted=True)
    result = services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    assert result.eligible
    services.recommend_claim(claim_id=claim.pk, acting_user=officer, recommendation="approve")
    services.approve_claim(claim_id=claim.pk, acting_user=supervisor, note="ok")

    claim.refresh_from_db()
    today = timezone.localdate()
    assert claim.state == S.APPROVED
    assert claim.claim_date == today
    assert claim.decision_date == today
    assert claim.rule_version == "PP6-2025"
    assert claim.payer == "bpjs"
    instalments = list(claim.instalments.order_by("month"))
    assert [i.month for i in instalments] == [1, 2, 3, 4, 5, 6]
    assert {i.amount for i in instalments} == {2_400_000}  # 60% of Rp4,000,000
    assert {i.percent for i in instalments} == {60}
    assert instalments[0].due_date == today
    assert instalments[5].due_date == today + relativedelta(months=5)
    decision = Decision.objects.get(claim=claim)
    assert (decision.outcome, decision.decided_by, decision.eligibility_result) == (
        "approve",
        supervisor,
        result,
    )
    transitions = [
        (e.action, e.to_state, e.actor)
        for e in claim.events.order_by("created_at", "id")
        if e.from_state != e.to_state
    ]
    assert transitions == [
        ("open", S.DRAFT, officer),
        ("submit", S.SUBMITTED, officer),
        ("start_verification", S.VERIFYING, officer),
        ("run_eligibility", S.ELIGIBILITY_CHECKED, officer),
        ("recommend", S.AWAITING_APPROVAL, officer),
        ("approve", S.APPROVED, supervisor),
    ]


# --- intake ----------------------------------------------------------------------------------


def test_officer_cannot_open_a_claim_for_another_branchs_employer(participant, outsider, employer):
    with pytest.raises(PermissionDeniedError):
        open_draft(participant, employer, outsider)


def test_one_claim_in_progress_per_participant(participant, employer, officer):
    open_draft(participant, employer, officer)
    with pytest.raises(ApplicationError) as exc:
        open_draft(participant, employer, officer)
    assert exc.value.code == "claim_open"


def test_pkwt_needs_contract_end_date(participant, employer, officer):
    with pytest.raises(ApplicationError) as exc:
        open_draft(participant, employer, officer, contract_type="PKWT")
    assert exc.value.field == "contract_end_date"


def test_phk_in_the_future_is_refused(participant, employer, officer):
    with pytest.raises(ApplicationError):
        open_draft(
            participant, employer, officer, phk_date=timezone.localdate() + relativedelta(days=1)
        )


def test_a_proof_dated_in_the_future_is_refused_on_intake_and_edit(participant, employer, officer):
    tomorrow = timezone.localdate() + relativedelta(days=1)
    with pytest.raises(ApplicationError) as exc:
        open_draft(participant, employer, officer, proof_date=tomorrow)
    assert exc.value.field == "proof_date"
    claim = open_draft(participant, employer, officer)
    with pytest.raises(ApplicationError) as exc:
        services.update_draft(claim_id=claim.pk, acting_user=officer, proof_date=tomorrow)
    assert exc.value.field == "proof_date"
    claim.termination.refresh_from_db()
    assert claim.termination.proof_date != tomorrow


def test_worker_opens_own_claim_from_the_portal(participant, employer, worker_user):
    claim = open_draft(participant, employer, worker_user, channel="portal")
    assert claim.channel == "portal"
    assert claim.assigned_officer is None


def test_worker_cannot_open_someone_elses_claim(employer, worker_user):
    stranger = eligible_worker(employer)
    with pytest.raises(PermissionDeniedError):
        open_draft(stranger, employer, worker_user, channel="portal")


def test_update_draft_records_field_names_not_values(participant, employer, officer):
    claim = open_draft(participant, employer, officer)
    services.update_draft(
        claim_id=claim.pk, acting_user=officer, bank_account="999888777", proof_number="PHK/1"
    )
    claim.refresh_from_db()
    assert claim.bank_account == "999888777"
    assert claim.termination.proof_number == "PHK/1"
    event = claim.events.get(action="update_draft")
    assert event.data == {"fields": ["bank_account", "proof_number"]}
    assert "999888777" not in str(event.data)


def test_update_draft_refuses_unknown_fields_and_non_drafts(make_claim, officer):
    claim = make_claim(S.SUBMITTED)
    with pytest.raises(ApplicationError):
        services.update_draft(claim_id=claim.pk, acting_user=officer, state="approved")
    with pytest.raises(InvalidTransition):
        services.update_draft(claim_id=claim.pk, acting_user=officer, proof_number="x")


# --- submission ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_types", "accepted"),
    [
        (["phk_acceptance", "phk_report_receipt"], True),
        (["perjanjian_bersama", "phi_registration"], True),
        (["perjanjian_bersama", "phk_report_receipt"], True),
        (["phi_decision"], True),
        (["phk_acceptance"], False),
        (["perjanjian_bersama"], False),
        (["phk_report_receipt", "kapk", "bank_book"], False),
    ],
)
def test_submission_needs_an_accepted_phk_proof_combination(
    doc_types, accepted, participant, employer, officer
):
    claim = open_draft(participant, employer, officer)
    for doc_type in doc_types:
        services.add_document(
            claim_id=claim.pk, doc_type=doc_type, uploaded_file=pdf(), acting_user=officer
        )
    if accepted:
        services.submit_claim(claim_id=claim.pk, acting_user=officer)
        claim.refresh_from_db()
        assert claim.state == S.SUBMITTED
    else:
        with pytest.raises(ApplicationError, match="PHK proof"):
            services.submit_claim(claim_id=claim.pk, acting_user=officer)


def test_submission_needs_kapk_and_an_account_in_the_workers_name(participant, employer, officer):
    claim = open_draft(
        participant, employer, officer, kapk_signed=False, bank_account_holder="Orang Lain"
    )
    add_proof(claim, officer)
    with pytest.raises(ApplicationError) as exc:
        services.submit_claim(claim_id=claim.pk, acting_user=officer)
    assert "KAPK" in exc.value.message
    assert "own name" in exc.value.message


def test_withdraw_by_the_worker_with_a_reason(participant, employer, officer, worker_user):
    claim = open_draft(participant, employer, officer)
    with pytest.raises(InvalidTransition):
        services.withdraw_claim(claim_id=claim.pk, acting_user=worker_user, reason_code="")
    services.withdraw_claim(
        claim_id=claim.pk, acting_user=worker_user, reason_code="found_work", note="diterima kerja"
    )
    claim.refresh_from_db()
    assert claim.state == S.WITHDRAWN


# --- verification ----------------------------------------------------------------------------


def test_asking_for_a_document_again_needs_a_note_and_blocks_eligibility(make_claim, officer):
    claim = make_claim(S.VERIFYING)
    first, second = claim.documents.all()
    with pytest.raises(ApplicationError):
        services.check_document(document_id=first.pk, acting_user=officer, accepted=False)
    services.check_document(
        document_id=first.pk, acting_user=officer, accepted=False, note="tidak terbaca"
    )
    services.check_document(document_id=second.pk, acting_user=officer, accepted=True)
    with pytest.raises(ApplicationError) as exc:
        services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    assert exc.value.code == "no_phk_proof"
    first.refresh_from_db()
    assert (first.status, first.checked_by) == (Document.Status.REQUESTED_AGAIN, officer)


def test_eligibility_needs_every_document_checked(make_claim, officer):
    claim = make_claim(S.VERIFYING)
    with pytest.raises(ApplicationError) as exc:
        services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    assert exc.value.code == "documents_pending"


def test_eligibility_result_is_frozen_and_a_rerun_adds_a_new_one(make_claim, officer, employer):
    claim = make_claim(S.ELIGIBILITY_CHECKED)
    first = EligibilityResult.objects.get(claim=claim)
    assert first.inputs["termination"]["reason"] == "efficiency"
    assert len(first.inputs["contributions"]) == 24
    assert EligibilityCheck.objects.filter(result=first).count() == len(first.result["checks"])
    assert {"contribution_months", "claim_deadline"} <= set(
        first.checks.values_list("code", flat=True)
    )
    claim.participant.contributions.all().delete()  # new data: the history was withdrawn
    second = services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    first.refresh_from_db()
    assert first.eligible is True
    assert len(first.inputs["contributions"]) == 24
    assert second.eligible is False
    assert claim.eligibility_results.count() == 2
    assert claim.events.filter(action="eligibility_rerun").count() == 1
    claim.refresh_from_db()
    assert claim.state == S.ELIGIBILITY_CHECKED


def test_not_eligible_claim_cannot_be_recommended_for_approval(employer, officer, supervisor):
    short = ParticipantFactory()
    short.bank_account_holder = short.name
    short.save()
    EmploymentFactory(participant=short, employer=employer)
    add_enrollments(short)
    add_contributions(short, employer, last=phk_date(), months=9, wage=3_000_000)
    claim = open_draft(short, employer, officer)
    from tests.claims.conftest import drive

    drive(claim, S.ELIGIBILITY_CHECKED, officer=officer, supervisor=supervisor)
    assert claim.eligibility_results.get().eligible is False
    with pytest.raises(ApplicationError) as exc:
        services.recommend_claim(claim_id=claim.pk, acting_user=officer, recommendation="approve")
    assert exc.value.code == "not_eligible"
    with pytest.raises(ApplicationError):
        services.recommend_claim(claim_id=claim.pk, acting_user=officer, recommendation="reject")
    services.recommend_claim(
        claim_id=claim.pk, acting_user=officer, recommendation="reject", reason_code="not_eligible"
    )
    services.reject_claim(claim_id=claim.pk, acting_user=supervisor, reason_code="not_eligible")
    claim.refresh_from_db()
    assert claim.state == S.REJECTED
    assert not claim.instalments.exists()


# --- four eyes, decisions and appeals --------------------------------------------------------


@pytest.fixture
def dual_role(branch):
    """A supervisor who also holds the officer role: four eyes must still hold."""
    user = UserFactory(username="dobel", branch=branch, role=Role.KEPALA_BIDANG)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=Role.PETUGAS.value))
    return user


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_four_eyes_recommender_cannot_decide(
    decision, participant, employer, dual_role, supervisor
):
    claim = open_draft(participant, employer, dual_role)
    from tests.claims.conftest import drive

    drive(claim, S.AWAITING_APPROVAL, officer=dual_role, supervisor=supervisor)
    if decision == "approve":
        decide = partial(services.approve_claim, claim_id=claim.pk, acting_user=dual_role)
    else:
        decide = partial(
            services.reject_claim, claim_id=claim.pk, acting_user=dual_role, reason_code="other"
        )
    with pytest.raises(PermissionDeniedError) as exc:
        decide()
    assert exc.value.code == "four_eyes"
    claim.refresh_from_db()
    assert claim.state == S.AWAITING_APPROVAL
    assert not Decision.objects.exists()


def test_four_eyes_verifier_cannot_decide(participant, employer, dual_role, officer, supervisor):
    claim = open_draft(participant, employer, officer)
    from tests.claims.conftest import drive

    drive(claim, S.VERIFYING, officer=officer, supervisor=supervisor)
    drive(claim, S.ELIGIBILITY_CHECKED, officer=dual_role, supervisor=supervisor)
    services.recommend_claim(claim_id=claim.pk, acting_user=officer, recommendation="approve")
    with pytest.raises(PermissionDeniedError):
        services.approve_claim(claim_id=claim.pk, acting_user=dual_role)
    services.approve_claim(claim_id=claim.pk, acting_user=supervisor)


def test_officer_cannot_approve(make_claim, officer):
    claim = make_claim(S.AWAITING_APPROVAL)
    with pytest.raises(InvalidTransition) as exc:
        services.approve_claim(claim_id=claim.pk, acting_user=officer)
    assert exc.value.code == "forbidden"


def test_supervisor_of_another_branch_cannot_decide(make_claim, outside_supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    with pytest.raises(InvalidTransition):
        services.approve_claim(claim_id=claim.pk, acting_user=outside_supervisor)


def test_second_approval_gets_a_clear_message(make_claim, supervisor, second_supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    with pytest.raises(InvalidTransition) as exc:
        services.approve_claim(claim_id=claim.pk, acting_user=second_supervisor)
    assert exc.value.code == "wrong_state"
    assert CashInstalment.objects.filter(claim=claim).count() == 6


def test_appeal_once_to_a_different_decider(make_claim, officer, supervisor, second_supervisor):
    claim = make_claim(S.REJECTED, reject=True)
    with pytest.raises(ApplicationError):
        services.appeal_claim(claim_id=claim.pk, acting_user=officer, note="  ")
    services.appeal_claim(claim_id=claim.pk, acting_user=officer, note="Bukti PHK baru")
    services.reopen_claim(claim_id=claim.pk, acting_user=supervisor)
    with pytest.raises(PermissionDeniedError) as exc:
        services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    assert exc.value.code == "appeal_decider"
    services.reject_claim(claim_id=claim.pk, acting_user=second_supervisor, reason_code="other")
    with pytest.raises(ApplicationError) as exc:
        services.appeal_claim(claim_id=claim.pk, acting_user=officer, note="lagi")
    assert exc.value.code == "appealed"


def test_supervisor_returns_to_officer_and_recommendation_is_cleared(make_claim, supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    services.return_claim(
        claim_id=claim.pk, acting_user=supervisor, reason_code="documents_illegible"
    )
    claim.refresh_from_db()
    assert claim.state == S.VERIFYING
    assert claim.recommended_by is None
    assert claim.events.last().reason_code == "documents_illegible"


# --- benefits --------------------------------------------------------------------------------


def test_stop_cancels_only_unpaid_instalments_outside_a_batch(make_claim, supervisor):
    claim = make_claim(S.BENEFIT_ACTIVE)
    set_status(claim, [1], CashInstalment.Status.PAID)
    CashInstalment.objects.filter(claim=claim, month=2).update(
        status=CashInstalment.Status.IN_BATCH
    )
    services.stop_benefit(claim_id=claim.pk, acting_user=supervisor, reason_code="reemployed")
    statuses = dict(claim.instalments.values_list("month", "status"))
    assert statuses[1] == "paid"
    assert statuses[2] == "in_batch"
    assert {statuses[m] for m in (3, 4, 5, 6)} == {"cancelled"}
    assert claim.events.last().data == {"cancelled_instalments": 4}


def test_system_completes_and_stops_without_an_actor(make_claim):
    claim = make_claim(S.BENEFIT_ACTIVE)
    services.complete_benefit(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.state == S.COMPLETED
    assert claim.events.last().actor is None


# --- assignment ------------------------------------------------------------------------------


def test_reassign_within_branch_only(make_claim, supervisor, second_officer, outsider, officer):
    claim = make_claim(S.SUBMITTED)
    with pytest.raises(ApplicationError):
        services.reassign_claim(claim_id=claim.pk, acting_user=supervisor, officer=outsider)
    with pytest.raises(PermissionDeniedError):
        services.reassign_claim(claim_id=claim.pk, acting_user=officer, officer=second_officer)
    services.reassign_claim(claim_id=claim.pk, acting_user=supervisor, officer=second_officer)
    claim.refresh_from_db()
    assert claim.assigned_officer == second_officer
    event = CaseEvent.objects.filter(claim=claim, action="reassign").get()
    assert event.data == {"from": officer.pk, "to": second_officer.pk}


def test_take_next_gives_the_oldest_unassigned_claim_of_the_branch(
    employer, other_employer, worker_user, participant, officer, outsider
):
    assert services.take_next_claim(acting_user=officer) is None
    claim = open_draft(participant, employer, worker_user, channel="portal")
    add_proof(claim, worker_user)
    services.submit_claim(claim_id=claim.pk, acting_user=worker_user)
    assert services.take_next_claim(acting_user=outsider) is None
    taken = services.take_next_claim(acting_user=officer)
    assert taken.pk == claim.pk
    assert taken.assigned_officer == officer
    assert services.take_next_claim(acting_user=officer) is None


def test_sub_office_claims_belong_to_the_parent_branch_staff(branch, officer, supervisor):
    from tests.factories import BranchFactory

    sub = BranchFactory(code="JKT2", kanwil=branch.kanwil, parent=branch)
    sub_employer = EmployerFactory(branch=sub)
    worker = eligible_worker(sub_employer)
    claim = open_draft(worker, sub_employer, officer)
    assert claim.branch == sub
    services.withdraw_claim(claim_id=claim.pk, acting_user=officer, reason_code="duplicate")
