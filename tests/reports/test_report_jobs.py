"""A report file is a job with a heartbeat: asked for once while it is being made, made again by
the sweeper when its worker died, failed with its reason after that, and the page says which."""

import datetime as dt

import pytest
from django.utils import timezone

from jkp_site.outbox.models import OutboxMessage
from reports import jobs
from reports.models import ReportJob
from reports.tasks import resume_stale_report_jobs_task, run_report_job_task

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)
S = ReportJob.Status


@pytest.fixture
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def silence(job: ReportJob, status=S.RUNNING) -> ReportJob:
    """Its worker died an hour ago, mid-way."""
    ReportJob.objects.filter(pk=job.pk).update(
        status=status, updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    job.refresh_from_db()
    return job


def test_a_file_being_made_is_not_asked_for_twice(files, head_office):
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    assert ReportJob.objects.filter(status=S.PENDING).count() == 2  # one XLSX, one PDF
    assert OutboxMessage.objects.filter(task=jobs.TASK).count() == 2


def test_the_job_makes_the_file_once(files, head_office):
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    job = ReportJob.objects.get(fmt="xlsx")
    assert run_report_job_task(job.pk) == S.DONE
    assert run_report_job_task(job.pk) is None  # a redelivered message does nothing
    job.refresh_from_db()
    assert (job.status, job.attempts) == (S.DONE, 1)
    assert (files / "reports" / "kemnaker-2026-10.xlsx").exists()


def test_a_job_whose_worker_died_is_made_again_by_the_sweeper(files, head_office):
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    job = silence(ReportJob.objects.get(fmt="pdf"))
    job.attempts = 1
    job.save(update_fields=["attempts"])
    silence(job)
    assert resume_stale_report_jobs_task() >= 1
    job.refresh_from_db()
    assert job.status == S.PENDING
    assert OutboxMessage.objects.filter(key=f"report:{job.pk}:resume:1").exists()
    assert run_report_job_task(job.pk) == S.DONE
    assert (files / "reports" / "kemnaker-2026-10.pdf").read_bytes().startswith(b"%PDF")


def test_a_job_that_keeps_dying_fails_with_its_reason(files, head_office, client):
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    job = ReportJob.objects.get(fmt="xlsx")
    ReportJob.objects.filter(pk=job.pk).update(attempts=jobs.MAX_ATTEMPTS)
    silence(job)
    resume_stale_report_jobs_task()
    job.refresh_from_db()
    assert job.status == S.FAILED
    assert "3" in job.message
    client.force_login(head_office)
    page = client.get("/reports/monthly/?month=2026-10").content.decode()
    assert 'data-job="failed"' in page
    assert job.message in page


def test_the_page_says_a_job_stalled(files, head_office, client):
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    silence(ReportJob.objects.get(fmt="xlsx"))
    client.force_login(head_office)
    page = client.get("/reports/monthly/?month=2026-10").content.decode()
    assert 'data-job="stalled"' in page
    assert 'data-job="pending"' in page  # the PDF, waiting its turn


def test_asking_again_resumes_a_stalled_file_at_once(files, head_office):
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    stuck = silence(ReportJob.objects.get(fmt="xlsx"))
    jobs.request_report_files(month=OCTOBER, language="id", user=head_office)
    stuck.refresh_from_db()
    assert stuck.status == S.PENDING
    assert OutboxMessage.objects.filter(key=f"report:{stuck.pk}:asked:0").exists()
    assert ReportJob.objects.count() == 2  # still one job per file
    assert run_report_job_task(stuck.pk) == S.DONE
