"""Background work of the reports: the monthly report's files (reports.jobs), and the kept
monthly figures of the months that can still change."""

from __future__ import annotations

from celery import shared_task

from reports import jobs
from reports.monthly import refresh_open_months


@shared_task
def run_report_job_task(job_id: int) -> str | None:
    job = jobs.run_report_job(job_id)
    return None if job is None else job.status


@shared_task
def resume_stale_report_jobs_task() -> int:
    """Every few minutes: make again the report files whose worker died."""
    return jobs.resume_stale_report_jobs()


@shared_task
def refresh_monthly_figures_task() -> list[str]:
    """Recompute the current and the previous month's figures (beat, every few minutes)."""
    return [month.isoformat() for month in refresh_open_months()]
