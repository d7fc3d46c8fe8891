"""Background work of the contribution imports."""

from celery import shared_task

from imports.contributions import run_import_job
from imports.retention import remove_expired_import_files
from imports.sweeper import resume_stale_imports


@shared_task
def run_import_job_task(job_id: int) -> str:
    """Import one contribution file; rerunning it is harmless (see run_import_job)."""
    return run_import_job(job_id).status


@shared_task
def remove_expired_import_files_task() -> int:
    """Daily: the retention of imported files (imports.retention)."""
    return remove_expired_import_files()


@shared_task
def resume_stale_imports_task() -> int:
    """Every five minutes: imports whose worker stopped are started again (imports.sweeper)."""
    return resume_stale_imports()
