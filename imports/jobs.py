"""What a person may do to an import that is stuck or unwanted: resume it or cancel it.

A job is *stalled* when it says it is in progress but its heartbeat (``updated_at``, written at
every progress step) is older than ``JOB_STALE_MINUTES``: its worker is gone. The sweeper
(``imports.sweeper``) resumes such a job by itself; these are the head office's buttons for
not waiting, and for giving up on a file. Both lock the job, act only from the states they name,
and are kept in the job's history (who, when) and the log.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jkp_site.core.models import User
from jkp_site.core.resilience import heartbeat_cutoff
from jkp_site.outbox.services import enqueue
from participants.models import ImportJob

logger = logging.getLogger(__name__)
S = ImportJob.Status


def is_stalled(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    cutoff = heartbeat_cutoff(now)
    return job.status in ImportJob.IN_PROGRESS and job.updated_at < cutoff


def resume(job: ImportJob, *, actor: User) -> bool:
    """Start a failed or stalled import again (safe: a stored month is never added twice)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not (locked.status == S.FAILED or is_stalled(locked)):
            return False
        locked.status = S.PENDING
        locked.finished_at = None
        locked.message = _("Resumed by %(user)s.") % {"user": actor.get_username()}
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save()
        enqueue(
            "imports.tasks.run_import_job_task",
            args=[locked.pk],
            key=f"resume-import:{locked.pk}:by-{actor.pk}:{locked.updated_at:%Y%m%d%H%M%S%f}",
        )
    logger.info("import %s resumed by user %s", locked.pk, actor.pk)
    return True


def may_cancel(job: ImportJob) -> bool:
    """Not while it applies (its one transaction commits or rolls back as a whole; if its worker
    died there, resume it), nor once done; a check that stalled may be given up."""
    if job.status in (S.NEEDS_DECISION, S.FAILED):
        return True
    if job.status == S.PENDING:
        return job.started_at is None or is_stalled(job)
    return job.status == S.VALIDATING and is_stalled(job)


def cancel(job: ImportJob, *, actor: User) -> bool:
    """Give up on an import that is not running. Nothing of its file is applied: an import
    applies everything or nothing, and a worker still checking it stops before applying."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not may_cancel(locked):
            return False
        locked.status = S.CANCELLED
        locked.finished_at = timezone.now()
        locked.message = _("Cancelled by %(user)s; nothing of this file was applied.") % {
            "user": actor.get_username()
        }
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save()
    logger.info("import %s cancelled by user %s", locked.pk, actor.pk)
    return True
