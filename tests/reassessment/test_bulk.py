"""After a ruling, head office reassesses every affected claim in one background job, with
progress; asking again changes nothing. 10,000 claims, built set-based."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from claims import reassessment_jobs
from claims.models import (
    CaseEvent,
    CashInstalment,
    Reassessment,
    ReassessmentJob,
    ReassessmentLine,
)
from claims.rules import Param, version_by_code
from claims.tasks import run_reassessment_job_task
from jkp_site.outbox.models import OutboxMessage
from participants.models import ContributionMonth, Program, ProgramEnrollment
from tests.benefits.builders import add_payable_month, build_claims

pytestmark = pytest.mark.django_db
CLAIMS = 10_000
PHK_MONTH = dt.date(2025, 2, 1)


def contributions_for(claims, *, wage=4_000_000):
    """Twelve months to the PHK month and the five programmes, for every claim, in bulk."""
    ContributionMonth.objects.bulk_create(
        (
            ContributionMonth(
                participant_id=claim.participant_id,
                employer_id=claim.termination.employer_id,
                period=PHK_MONTH - relativedelta(months=k),
                wage=wage,
            )
            for claim in claims
            for k in range(12)
        ),
        batch_size=5000,
    )
    ProgramEnrollment.objects.bulk_create(
        (
            ProgramEnrollment(
                participant_id=claim.participant_id, program=program, since=dt.date(2020, 1, 1)
            )
            for claim in claims
            for program in Program.values
        ),
        batch_size=5000,
    )


@pytest.fixture
def ruling(monkeypatch):
    """A ruling on the V2 percent (as the D-rulings of this month): 55 % instead of 60 %."""
    version = version_by_code("PP6-2025")
    old = version.param("cash_percents")
    monkeypatch.setitem(version.params, "cash_percents", Param((55,) * 6, old.source))


def everything():
    return (
        Reassessment.objects.count(),
        ReassessmentLine.objects.count(),
        CaseEvent.objects.count(),
        sorted(CashInstalment.objects.values_list("amount", flat=True).distinct()),
    )


def test_ten_thousand_claims_reassessed_in_the_background_with_progress(
    branch, head_office, ruling, monkeypatch
):
    claims = build_claims(branch, CLAIMS // 2)
    claims += build_claims(branch, CLAIMS // 2, born=dt.date(1991, 5, 18))
    add_payable_month(claims, 1)
    contributions_for(claims)
    seen = []
    chunk = reassessment_jobs.reassess_many

    def watched(ids, **kwargs):
        seen.append(ReassessmentJob.objects.get(pk=kwargs["job"].pk).processed)
        return chunk(ids, **kwargs)

    monkeypatch.setattr(reassessment_jobs, "reassess_many", watched)

    job = reassessment_jobs.request_ruling_reassessment(
        rule_version="PP6-2025", ruling="Ruling on the V2 percent", acting_user=head_office
    )
    assert (job.status, job.total, job.processed) == ("pending", CLAIMS, 0)
    assert OutboxMessage.objects.filter(task=reassessment_jobs.TASK, args=[job.pk]).exists()

    assert run_reassessment_job_task(job.pk) == "done"

    job.refresh_from_db()
    assert (job.processed, job.changed) == (CLAIMS, CLAIMS)
    # Progress was kept chunk by chunk, each chunk committed with its reassessments.
    assert seen == list(range(0, CLAIMS, reassessment_jobs.CHUNK))
    assert Reassessment.objects.filter(job=job).count() == CLAIMS
    # Month 1, not paid yet, takes the ruling's amount: 55 % of 4,000,000.
    assert set(CashInstalment.objects.values_list("amount", flat=True)) == {2_200_000}
    assert set(ReassessmentLine.objects.values_list("outcome", flat=True)) == {"repriced"}
    before = everything()

    # The same job again, and a second job after the same ruling: nothing new.
    assert run_reassessment_job_task(job.pk) is None
    again = reassessment_jobs.request_ruling_reassessment(
        rule_version="PP6-2025", ruling="Ruling on the V2 percent", acting_user=head_office
    )
    assert run_reassessment_job_task(again.pk) == "done"
    again.refresh_from_db()
    assert (again.processed, again.changed) == (CLAIMS, 0)
    assert everything() == before


def test_a_job_whose_worker_died_is_resumed_where_it_stopped(branch, head_office, ruling):
    claims = build_claims(branch, 3)
    add_payable_month(claims, 1)
    contributions_for(claims)
    job = reassessment_jobs.request_ruling_reassessment(
        rule_version="PP6-2025", ruling="D13", acting_user=head_office
    )
    # A worker took it and died: running, silent for an hour.
    ReassessmentJob.objects.filter(pk=job.pk).update(
        status="running", attempts=1, updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert reassessment_jobs.resume_stale_reassessment_jobs() == 1
    job.refresh_from_db()
    assert job.status == "pending"
    assert OutboxMessage.objects.filter(key=f"reassessment-job:{job.pk}:resume:1").exists()
    assert run_reassessment_job_task(job.pk) == "done"
    job.refresh_from_db()
    assert (job.processed, job.changed) == (3, 3)
    # Past the attempts allowed, a stalled job fails with its reason.
    ReassessmentJob.objects.filter(pk=job.pk).update(
        status="running", attempts=3, updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    reassessment_jobs.resume_stale_reassessment_jobs()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "3" in job.message
