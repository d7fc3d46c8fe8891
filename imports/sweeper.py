"""Jobs that finish by themselves: an import whose worker died (killed, out of memory, the
database restarted under it) stops writing its heartbeat (``ImportJob.updated_at``, touched at
every progress step). Every few minutes beat runs ``resume_stale_imports``: a job silent for
``JOB_STALE_MINUTES`` is started again through the outbox (an import is safe to run twice: a
month already stored is never added again), at most ``MAX_RESUMES`` times; after that it is
marked failed with the reason, never left "in progress"."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jkp_site.core.resilience import heartbeat_cutoff
from jkp_site.outbox.services import enqueue
from participants.models import ImportJob

logger = logging.getLogger(__name__)
MAX_RESUMES = 3
IN_PROGRESS = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING)


def resume_stale_imports(*, now: dt.datetime | None = None) -> int:
    """Resume (or, past the limit, fail) every import whose heartbeat is stale; returns how
    many it acted on."""
    now = now or timezone.now()
    cutoff = heartbeat_cutoff(now)
    acted = 0
    for job_id in ImportJob.objects.filter(
        status__in=IN_PROGRESS, updated_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status__in=IN_PROGRESS, updated_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue
            if job.resumes >= MAX_RESUMES:
                job.status = ImportJob.Status.FAILED
                job.message = _(
                    "Stopped: no progress after %(n)s restarts. Nothing was applied unless the "
                    "figures say so; upload the file again or ask operations to look at it."
                ) % {"n": job.resumes}
                job.finished_at = now
                job.save(update_fields=["status", "message", "finished_at", "updated_at"])
                logger.warning("import %s failed after %s resumes", job.pk, job.resumes)
            else:
                job.resumes += 1
                job.message = _("Restarted: its worker stopped without finishing.")
                job.save(update_fields=["resumes", "message", "updated_at"])
                enqueue(
                    "imports.tasks.run_import_job_task",
                    args=[job.pk],
                    key=f"resume-import:{job.pk}:{job.resumes}",
                )
                logger.info("import %s resumed (%s)", job.pk, job.resumes)
            acted += 1
    return acted
