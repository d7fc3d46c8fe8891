"""Claims fixtures: an eligible worker of the branch's employer, uploads, and a driver that takes
a claim through the real services to any state."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from claims import services
from claims.models import Claim, ClaimState, Document, Termination
from jkp_site.core.roles import Role
from tests.factories import (
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    UserFactory,
    add_contributions,
    add_enrollments,
)
from tests.samples import PDF

S = ClaimState

WAGE = 4_000_000


def pdf(name="proof.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def phk_date():
    return timezone.localdate() - relativedelta(months=1)


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (the interface default is Indonesian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def employer(branch):
    return EmployerFactory(branch=branch, name="PT Maju Jaya")


@pytest.fixture
def other_employer(other_branch):
    return EmployerFactory(branch=other_branch, name="PT Serang Baja")


def eligible_worker(employer, **kwargs):
    participant = ParticipantFactory(**kwargs)
    participant.bank_account_holder = participant.name
    participant.save()
    EmploymentFactory(participant=participant, employer=employer, start_date=dt.date(2020, 1, 1))
    add_enrollments(participant)
    add_contributions(participant, employer, last=phk_date(), months=24, wage=WAGE)
    return participant


@pytest.fixture
def participant(employer):
    return eligible_worker(employer)


@pytest.fixture
def worker_user(participant):
    user = UserFactory(username="pekerja", branch=None, role=Role.PESERTA)
    participant.user = user
    participant.save(update_fields=["user"])
    return user


def open_draft(participant, employer, officer, **overrides):
    fields = {
        "participant": participant,
        "employer": employer,
        "phk_date": phk_date(),
        "reason": "efficiency",
        "contract_type": "PKWTT",
        "bank_name": "BRI",
        # The worker's own account: a shared one raises a duplicate-identity flag.
        "bank_account": f"0012{participant.pk:08d}",
        "bank_account_holder": participant.name,
        "kapk_signed": True,
        "acting_user": officer,
    }
    fields.update(overrides)
    return services.open_claim(**fields)


def add_proof(claim, user):
    for doc_type in ("phk_acceptance", "phk_report_receipt"):
        services.add_document(
            claim_id=claim.pk,
            doc_type=doc_type,
            uploaded_file=pdf(f"{doc_type}.pdf"),
            acting_user=user,
        )


# The path through the workflow; drive(claim, to) stops at the wanted state.
def drive(claim, to, *, officer, supervisor, reject=False):
    steps = [
        (
            S.SUBMITTED,
            lambda: (
                add_proof(claim, officer),
                services.submit_claim(claim_id=claim.pk, acting_user=officer),
            ),
        ),
        (S.VERIFYING, lambda: services.start_verification(claim_id=claim.pk, acting_user=officer)),
        (
            S.ELIGIBILITY_CHECKED,
            lambda: (
                [
                    services.check_document(document_id=d.pk, acting_user=officer, accepted=True)
                    for d in Document.objects.filter(claim=claim)
                ],
                services.run_eligibility(claim_id=claim.pk, acting_user=officer),
            ),
        ),
        (
            S.AWAITING_APPROVAL,
            lambda: services.recommend_claim(
                claim_id=claim.pk,
                acting_user=officer,
                recommendation="reject" if reject else "approve",
                reason_code="not_eligible" if reject else "",
            ),
        ),
    ]
    if reject:
        steps.append(
            (
                S.REJECTED,
                lambda: services.reject_claim(
                    claim_id=claim.pk, acting_user=supervisor, reason_code="not_eligible"
                ),
            )
        )
    else:
        steps.append(
            (S.APPROVED, lambda: services.approve_claim(claim_id=claim.pk, acting_user=supervisor))
        )
        steps.append((S.BENEFIT_ACTIVE, lambda: services.activate_benefit(claim_id=claim.pk)))
    claim.refresh_from_db()
    order = [S.DRAFT] + [state for state, _step in steps]
    for state, step in steps[order.index(claim.state) :]:
        if claim.state == to:
            return claim
        step()
        claim.refresh_from_db()
        assert claim.state == state
    claim.refresh_from_db()
    assert claim.state == to
    return claim


@pytest.fixture
def make_claim(employer, officer, supervisor):
    """A claim of `branch` brought to `state` through the services."""

    def make(state=S.DRAFT, participant=None, reject=False):
        worker = participant or eligible_worker(employer)
        claim = open_draft(worker, employer, officer)
        return drive(claim, state, officer=officer, supervisor=supervisor, reject=reject)

    return make


def bare_claim(participant, employer, state, *, phk: dt.date | None = None, **fields):
    """A claim row put straight into ``state`` (for table tests that only read it), for a PHK
    on ``phk`` (default ``phk_date()``)."""
    termination = Termination.objects.create(
        participant=participant,
        employer=employer,
        phk_date=phk or phk_date(),
        reason="efficiency",
        contract_type="PKWTT",
    )
    return Claim.objects.create(
        **{
            "number": f"T-{termination.pk}",
            "participant": participant,
            "termination": termination,
            "branch": employer.branch,
            "state": state,
            "state_changed_at": timezone.now(),
            **fields,
        }
    )
