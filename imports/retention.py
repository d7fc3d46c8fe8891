"""Imported contribution files hold NIKs in plain text: they are kept only
``IMPORT_FILE_RETENTION_DAYS`` after their import ended (UU PDP 27/2022), then removed by a
daily task. The job's row stays, with its figures and the operator's file name, marked
``file_removed_at``."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from participants.models import ImportJob

logger = logging.getLogger(__name__)
ENDED = (ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.NEEDS_DECISION)


def remove_expired_import_files(*, now: dt.datetime | None = None) -> int:
    """Remove the uploaded file and the error report of every import ended before the
    retention period; returns how many jobs lost their files."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    jobs = ImportJob.objects.filter(
        status__in=ENDED, finished_at__lt=cutoff, file_removed_at__isnull=True
    )
    count = 0
    for job in jobs.iterator():
        job.file.delete(save=False)
        if job.errors_file:
            job.errors_file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(
            file="", errors_file="", file_removed_at=now, updated_at=now
        )
        count += 1
    if count:
        logger.info("retention: removed the files of %d contribution imports", count)
    return count
