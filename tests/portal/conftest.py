"""Workers for the portal tests, and a claim driven through the workflow's own services."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from claims import services as claim_services
from claims.models import Claim, Document
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


def phk_date() -> dt.date:
    """A PHK three weeks ago: inside the claim deadline of every rule version."""
    return timezone.localdate() - relativedelta(days=21)


def make_worker(*, branch, username: str, months: int = 30, wage: int = 5_500_000):
    """A participant of an employer of `branch`, with a portal account and a paid history."""
    user = UserFactory(username=username, branch=None, role=Role.PESERTA)
    participant = ParticipantFactory(user=user)
    employer = EmployerFactory(branch=branch)
    EmploymentFactory(participant=participant, employer=employer)
    add_enrollments(participant)
    add_contributions(participant, employer, last=phk_date(), months=months, wage=wage)
    return participant


def pdf(name: str = "bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def submitted_claim(participant) -> Claim:
    """A portal claim with an accepted PHK-proof combination, sent to the branch."""
    user = participant.user
    employer = participant.employments.get().employer
    claim = claim_services.open_claim(
        participant=participant,
        employer=employer,
        phk_date=phk_date(),
        reason="efficiency",
        contract_type="PKWTT",
        bank_name="BRI",
        bank_account="001234567890",
        bank_account_holder=participant.name,
        kapk_signed=True,
        channel=Claim.Channel.PORTAL,
        acting_user=user,
    )
    for doc_type in (Document.Type.PHK_ACCEPTANCE, Document.Type.PHK_REPORT_RECEIPT):
        claim_services.add_document(
            claim_id=claim.pk, doc_type=doc_type, uploaded_file=pdf(), acting_user=user
        )
    claim_services.submit_claim(claim_id=claim.pk, acting_user=user)
    return claim


def verify_and_recommend(claim, officer, *, recommendation="approve", reason_code=""):
    claim_services.start_verification(claim_id=claim.pk, acting_user=officer)
    for document in claim.documents.all():
        claim_services.check_document(document_id=document.pk, acting_user=officer, accepted=True)
    claim_services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    claim_services.recommend_claim(
        claim_id=claim.pk,
        acting_user=officer,
        recommendation=recommendation,
        reason_code=reason_code,
    )


@pytest.fixture
def worker(branch):
    return make_worker(branch=branch, username="pekerja1")


@pytest.fixture
def other_worker(other_branch):
    return make_worker(branch=other_branch, username="pekerja2")


@pytest.fixture
def worker_client(client, worker):
    client.force_login(worker.user)
    return client
