"""Reassessing many claims in the background, with progress (claims.reassessment).

``request_reassessment_job`` records the job with the claims it covers, chosen at once (after a
ruling: every decided claim a rule version priced; after an import: the claims of the workers
whose months it added or corrected), and owes its task through the outbox in the same
transaction. ``run_reassessment_job`` works through them a chunk at a time; each chunk's
reassessments and the job's progress commit together, so a worker killed halfway leaves the job
where its last chunk ended and the rerun carries on from there. ``updated_at`` is the heartbeat:
every few minutes beat runs ``resume_stale_reassessment_jobs``, which owes again a live job
silent for ``JOB_STALE_MINUTES`` (at most ``MAX_ATTEMPTS`` times, then fails it with the
reason). A job run twice, or a second job on the same facts, records nothing new: a claim's
reassessment on facts already seen records nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from claims.models import ReassessmentJob, ReassessmentTrigger
from claims.reassessment import CHUNK, affected_claims, reassess_many, rules_fingerprint
from claims.rules import version_by_code
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.models import User
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.resilience import heartbeat_cutoff
from jkp_site.outbox.services import enqueue

logger = logging.getLogger(__name__)
TASK = "claims.tasks.run_reassessment_job_task"
MAX_ATTEMPTS = 3
S = ReassessmentJob.Status


def _owe(job: ReassessmentJob, key: str) -> None:
    enqueue(TASK, args=[job.pk], key=key)


def request_reassessment_job(
    *,
    trigger: str,
    note: str,
    claim_ids: list[int],
    acting_user: User | None = None,
) -> ReassessmentJob | None:
    """Record a job over ``claim_ids`` and owe its run; None when there is nothing to do. The
    caller's transaction holds it (an import's: the job exists exactly when the import did)."""
    if not claim_ids:
        return None
    job = ReassessmentJob.objects.create(
        trigger=trigger,
        note=note[:255],
        claim_ids=claim_ids,
        total=len(claim_ids),
        requested_by=acting_user,
    )
    _owe(job, f"reassessment-job:{job.pk}")
    return job


@transaction.atomic
def request_ruling_reassessment(
    *, rule_version: str, ruling: str, acting_user: User
) -> ReassessmentJob | None:
    """Head office, after a ruling: reassess every decided claim ``rule_version`` priced."""
    if not acting_user.has_perm(ClaimPerm.REASSESS_IN_BULK):
        raise PermissionDeniedError(gettext("You are not allowed to reassess claims in bulk."))
    try:
        version_by_code(rule_version)
    except KeyError:
        raise ApplicationError(gettext("Unknown rule version."), field="rule_version") from None
    if not ruling.strip():
        raise ApplicationError(gettext("Name the ruling."), field="ruling")
    return request_reassessment_job(
        trigger=ReassessmentTrigger.RULING,
        note=ruling.strip(),
        claim_ids=affected_claims(rule_version=rule_version),
        acting_user=acting_user,
    )


def run_reassessment_job(job_id: int) -> ReassessmentJob | None:
    """Run (or carry on) a job; None when it is finished or another worker has it."""
    with transaction.atomic():
        job = (
            ReassessmentJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status__in=ReassessmentJob.LIVE)
            .first()
        )
        if job is None:
            return None
        job.status = S.RUNNING
        job.attempts += 1
        job.save(update_fields=["status", "attempts", "updated_at"])
    fingerprint = rules_fingerprint()
    try:
        while True:
            with transaction.atomic():
                job = ReassessmentJob.objects.select_for_update().get(pk=job_id)
                if job.status != S.RUNNING or job.processed >= job.total:
                    break
                ids = job.claim_ids[job.processed : job.processed + CHUNK]
                found = reassess_many(
                    ids,
                    trigger=job.trigger,
                    note=job.note,
                    acting_user=job.requested_by,
                    job=job,
                    fingerprint=fingerprint,
                )
                job.processed += len(ids)
                job.changed += len(found)
                job.save(update_fields=["processed", "changed", "updated_at"])
    except Exception as exc:  # the reason is shown on the page; the job is never left running
        logger.exception("reassessment job %s failed", job_id)
        ReassessmentJob.objects.filter(pk=job_id, status=S.RUNNING).update(
            status=S.FAILED,
            message=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    else:
        ReassessmentJob.objects.filter(pk=job_id, status=S.RUNNING).update(
            status=S.DONE, finished_at=timezone.now(), updated_at=timezone.now()
        )
    return ReassessmentJob.objects.get(pk=job_id)


def is_stalled(job: ReassessmentJob, *, now: dt.datetime | None = None) -> bool:
    return job.status in ReassessmentJob.LIVE and job.updated_at < heartbeat_cutoff(now)


def resume_stale_reassessment_jobs(*, now: dt.datetime | None = None) -> int:
    """Owe again (or, past the limit, fail) every live job whose heartbeat is stale."""
    now = now or timezone.now()
    cutoff = heartbeat_cutoff(now)
    acted = 0
    for job_id in ReassessmentJob.objects.filter(
        status__in=ReassessmentJob.LIVE, updated_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ReassessmentJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status__in=ReassessmentJob.LIVE, updated_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at = S.FAILED, now
                job.message = gettext(
                    "Stopped: its worker stopped %(n)s times before the job was done."
                ) % {"n": job.attempts}
                job.save(update_fields=["status", "finished_at", "message", "updated_at"])
            else:
                job.status = S.PENDING
                job.message = gettext("Restarted: its worker stopped without finishing.")
                job.save(update_fields=["status", "message", "updated_at"])
                _owe(job, f"reassessment-job:{job.pk}:resume:{job.attempts}")
            acted += 1
    return acted
