"""Background work of the claims app: the worker's notifications and reassessments. Tasks take
primary keys, reload rows and stay thin."""

from __future__ import annotations

from celery import shared_task

from claims import delivery
from claims.reassessment import reassess_claim
from claims.reassessment_jobs import resume_stale_reassessment_jobs, run_reassessment_job
from claims.retention import remove_expired_documents


@shared_task
def notify_case_event_task(event_id: int) -> bool:
    """E-mail the worker about a case event (claims.delivery): safe to run twice."""
    return delivery.deliver(event_id)


@shared_task
def retry_notifications_task() -> int:
    """Every few minutes: owe the next attempt of each failed notification that is due."""
    return delivery.retry_due()


@shared_task
def remove_expired_documents_task() -> int:
    """Daily: the retention of closed cases' documents (claims.retention)."""
    return remove_expired_documents()


@shared_task
def reassess_claim_task(claim_id: int, trigger: str, note: str = "") -> int | None:
    """Reassess one claim after a stop or an appeal (claims.reassessment): safe to run twice."""
    found = reassess_claim(claim_id=claim_id, trigger=trigger, note=note)
    return None if found is None else found.pk


@shared_task
def run_reassessment_job_task(job_id: int) -> str | None:
    """Reassess many claims with progress (claims.reassessment_jobs): safe to run twice."""
    job = run_reassessment_job(job_id)
    return None if job is None else job.status


@shared_task
def resume_stale_reassessment_jobs_task() -> int:
    """Every few minutes: carry on the reassessment jobs whose worker died."""
    return resume_stale_reassessment_jobs()
