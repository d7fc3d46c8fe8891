"""Jobs that finish by themselves: an import or a payment batch whose worker died is resumed
by the sweeper, once per silence, and an import that never gets going ends honestly failed."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from benefits import payments
from claims.models import InstalmentStatus, PaymentBatch
from imports.sweeper import MAX_RESUMES, resume_stale_imports
from jkp_site.outbox.models import OutboxMessage
from participants.models import ContributionMonth, ImportJob
from tests.benefits.builders import benefit_claim, set_status
from tests.factories import EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - dt.timedelta(hours=2)


def stuck_job(status=ImportJob.Status.APPLYING, **fields) -> ImportJob:
    """A job its worker left mid-way: in progress, with a heartbeat two hours old."""
    employer = EmployerFactory(npp="11112222")
    worker = ParticipantFactory()
    body = f"nik,npp,period,wage,paid_date\n{worker.nik},11112222,2026-08,4000000,2026-09-10\n"
    job = ImportJob.objects.create(
        original_name="juli.csv", file=ContentFile(body.encode(), name="juli.csv")
    )
    ImportJob.objects.filter(pk=job.pk).update(status=status, updated_at=LONG_AGO, **fields)
    job.worker = worker
    job.employer = employer
    return job


def test_a_stalled_import_is_resumed_once_and_finishes(django_capture_on_commit_callbacks):
    job = stuck_job()
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stale_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.resumes, job.inserted_rows) == (1, 1)
    assert ContributionMonth.objects.filter(participant=job.worker).count() == 1
    # A live job (fresh heartbeat) is left alone.
    assert resume_stale_imports() == 0


def test_an_import_that_never_gets_going_ends_failed_with_its_reason():
    job = stuck_job(status=ImportJob.Status.VALIDATING, resumes=MAX_RESUMES)
    assert resume_stale_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert str(MAX_RESUMES) in job.message
    assert job.finished_at is not None


def test_an_open_batch_whose_worker_stopped_is_gathered_again(
    branch, head_office, django_capture_on_commit_callbacks
):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    set_status(claim, [1], InstalmentStatus.PAYABLE)
    batch = payments.open_payment_batch(acting_user=head_office, on=dt.date(2025, 4, 1))
    PaymentBatch.objects.filter(pk=batch.pk).update(updated_at=LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert payments.resume_stale_payment_batches() == 1
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.READY
    assert batch.lines.count() == 1
    assert OutboxMessage.objects.filter(task="benefits.tasks.run_payment_batch_task").count() == 1
    assert payments.resume_stale_payment_batches() == 0
