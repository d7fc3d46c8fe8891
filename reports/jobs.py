"""Report files that finish by themselves.

``request_report_files`` records a job per format (or keeps the one already live) and owes its
task through the outbox. ``run_report_job`` marks it running (its heartbeat is ``updated_at``),
makes the file and marks it done, or failed with the reason. Every few minutes beat runs
``resume_stale_report_jobs``: a live job silent for ``JOB_STALE_MINUTES`` lost its worker and is
owed again, at most ``MAX_ATTEMPTS`` times, then failed with the reason. Making a file twice
writes the same figures (they come from recorded events), so a duplicate run costs nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jkp_site.core.models import User
from jkp_site.core.resilience import heartbeat_cutoff
from jkp_site.outbox.services import enqueue
from reports.models import ReportJob

logger = logging.getLogger(__name__)
TASK = "reports.tasks.run_report_job_task"
MAX_ATTEMPTS = 3
FORMATS = ("xlsx", "pdf")
S = ReportJob.Status


def _primary() -> QuerySet[ReportJob]:
    """Jobs are read where they are written: the page that follows the request for a file must
    show it waiting, whatever a replica has caught up with."""
    return ReportJob.objects.using(DEFAULT_DB_ALIAS)


def live_job(month: dt.date, fmt: str) -> ReportJob | None:
    return _primary().filter(month=month, fmt=fmt, status__in=ReportJob.LIVE).first()


def is_stalled(job: ReportJob, *, now: dt.datetime | None = None) -> bool:
    cutoff = heartbeat_cutoff(now)
    return job.status in ReportJob.LIVE and job.updated_at < cutoff


def last_failure(month: dt.date, fmt: str) -> ReportJob | None:
    """The newest job of the file if it failed (and none is live): shown with its reason."""
    newest = _primary().filter(month=month, fmt=fmt).order_by("-created_at").first()
    return newest if newest is not None and newest.status == S.FAILED else None


def request_report_files(*, month: dt.date, language: str, user: User | None = None) -> None:
    """Owe the month's XLSX and PDF; a file already being made is not asked for twice."""
    for fmt in FORMATS:
        try:
            with transaction.atomic():
                job = ReportJob.objects.create(
                    month=month, fmt=fmt, language=language, requested_by=user
                )
                enqueue(TASK, args=[job.pk], key=f"report:{job.pk}")
        except IntegrityError:
            # One is live already (report_one_live_job); asking again resumes it if it stalled.
            _resume_if_stalled(month, fmt)


def _resume_if_stalled(month: dt.date, fmt: str) -> None:
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update()
            .filter(month=month, fmt=fmt, status__in=ReportJob.LIVE)
            .first()
        )
        if job is not None and is_stalled(job):
            _restart(job, key=f"report:{job.pk}:asked:{job.attempts}")


def _restart(job: ReportJob, *, key: str) -> None:
    """Owe a locked, stalled job again (the caller holds its row lock)."""
    job.status = S.PENDING
    job.message = _("Restarted: its worker stopped without finishing.")
    job.save(update_fields=["status", "message", "updated_at"])
    enqueue(TASK, args=[job.pk], key=key)
    logger.info("report job %s restarted (%s)", job.pk, key)


def run_report_job(job_id: int) -> ReportJob | None:
    from reports.monthly import generate_report_file

    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id, status=S.PENDING).first()
        if job is None:  # made already, or being made: a redelivered message does nothing
            return None
        job.status = S.RUNNING
        job.attempts += 1
        job.save(update_fields=["status", "attempts", "updated_at"])
    try:
        generate_report_file(month=job.month, fmt=job.fmt, language=job.language)
    except Exception as exc:  # the reason is shown on the page; the job is never left running
        logger.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=S.FAILED,
            message=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    else:
        ReportJob.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=S.DONE, finished_at=timezone.now(), updated_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def resume_stale_report_jobs(*, now: dt.datetime | None = None) -> int:
    """Owe again (or, past the limit, fail) every live job whose heartbeat is stale."""
    now = now or timezone.now()
    cutoff = heartbeat_cutoff(now)
    acted = 0
    for job_id in ReportJob.objects.filter(
        status__in=ReportJob.LIVE, updated_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ReportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status__in=ReportJob.LIVE, updated_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.status = S.FAILED
                job.finished_at = now
                job.message = _(
                    "Stopped: its worker stopped %(n)s times before the file was made."
                ) % {"n": job.attempts}
                job.save(update_fields=["status", "finished_at", "message", "updated_at"])
                logger.warning("report job %s failed after %s attempts", job.pk, job.attempts)
            else:
                _restart(job, key=f"report:{job.pk}:resume:{job.attempts}")
            acted += 1
    return acted
