"""Background work of the contribution imports."""

import psycopg
from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from imports.contributions import run_import_job
from imports.retention import remove_expired_import_files
from imports.sweeper import resume_stale_imports


@shared_task(bind=True, max_retries=6)
def run_import_job_task(self: Task, job_id: int) -> str:
    """Import one contribution file; rerunning it is harmless (see run_import_job).

    When the database goes away under it (a restart, a failover) its transaction rolls back and
    it is tried again with a growing delay; the sweeper covers a worker that died as well.
    """
    try:
        return run_import_job(job_id).status
    # The staging COPY talks to psycopg directly: its errors are not wrapped in Django's.
    except (
        OperationalError,
        InterfaceError,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    ) as exc:
        raise self.retry(exc=exc, countdown=min(15 * 2**self.request.retries, 600)) from exc


@shared_task
def remove_expired_import_files_task() -> int:
    """Daily: the retention of imported files (imports.retention)."""
    return remove_expired_import_files()


@shared_task
def resume_stale_imports_task() -> int:
    """Every five minutes: imports whose worker stopped are started again (imports.sweeper)."""
    return resume_stale_imports()
