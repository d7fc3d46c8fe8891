"""Background work of the cash benefit: the daily judging of due months and the monthly
payment batch (Celery beat, see settings.CELERY_BEAT_SCHEDULE). Tasks stay thin."""

from __future__ import annotations

from celery import shared_task

from benefits.conditions import evaluate_due_instalments
from benefits.payments import resume_stale_payment_batches, run_payment_batch
from jkp_site.core.models import User


@shared_task
def evaluate_due_instalments_task() -> int:
    """Daily: judge every instalment whose month can be judged (payable or not paid, D12)."""
    return evaluate_due_instalments()


@shared_task
def run_payment_batch_task(acting_user_id: int | None = None) -> int | None:
    """Monthly (beat) or from the head-office button: gather payable instalments into a batch.

    Safe to retry and to run twice: a retried run resumes the one open batch, and each
    instalment is claimed by a conditional UPDATE backed by a unique constraint on live lines.
    With acks_late and reject_on_worker_lost (settings), a worker killed mid-batch puts the
    message back on the queue and another worker finishes the batch.
    """
    user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    batch = run_payment_batch(acting_user=user)
    return batch.pk if batch is not None else None


@shared_task
def resume_stale_payment_batches_task() -> int:
    """Every five minutes: an open batch whose worker stopped is gathered again."""
    return resume_stale_payment_batches()
