"""Background work of the reports: the monthly report's files (reports.jobs)."""

from __future__ import annotations

from celery import shared_task

from reports import jobs


@shared_task
def run_report_job_task(job_id: int) -> str | None:
    job = jobs.run_report_job(job_id)
    return None if job is None else job.status


@shared_task
def resume_stale_report_jobs_task() -> int:
    """Every few minutes: make again the report files whose worker died."""
    return jobs.resume_stale_report_jobs()
