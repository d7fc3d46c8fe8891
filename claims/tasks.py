"""Background work of the claims app. Tasks take primary keys, reload rows and stay thin."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from claims.models import CaseEvent, EventNotification


@shared_task
def notify_case_event_task(event_id: int) -> bool:
    """E-mail the worker about a case event that concerns them, in the portal's words.

    Safe to run twice: the delivery row (one per event) is locked while the mail goes out and
    marked sent in the same transaction, so a rerun or a concurrent duplicate finds it sent.
    A failure to send rolls the row back and the task can simply be retried.
    """
    # The portal sits on top of the claims services, which import this module through the
    # workflow: imported here, not at the top, so that chain never loops back on itself.
    from participants.portal.services import worker_email

    event = CaseEvent.objects.select_related("claim__participant").filter(pk=event_id).first()
    if event is None or not event.claim.participant.email:
        return False
    message = worker_email(event)
    if message is None:
        return False
    subject, body = message
    with transaction.atomic():
        delivery, _created = EventNotification.objects.select_for_update().get_or_create(
            event=event,
            defaults={"recipient": event.claim.participant.email, "subject": subject[:255]},
        )
        if delivery.sent_at is not None:
            return False
        send_mail(subject, body, None, [delivery.recipient])
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
    return True


# --- Benefits and payments (claims.benefits, claims.payments) --------------------------------


@shared_task
def evaluate_due_instalments_task() -> int:
    """Daily: judge every instalment whose month can be judged (payable or not paid, D12)."""
    from claims.benefits import evaluate_due_instalments

    return evaluate_due_instalments()


@shared_task
def run_payment_batch_task(acting_user_id: int | None = None) -> int | None:
    """Monthly (beat) or from the head-office button: gather payable instalments into a batch.

    Safe to retry and to run twice: a retried run resumes the one open batch, and each
    instalment is claimed by a conditional UPDATE backed by a unique constraint on live lines.
    With acks_late and reject_on_worker_lost (settings), a worker killed mid-batch puts the
    message back on the queue and another worker finishes the batch.
    """
    from claims.payments import run_payment_batch
    from jkp_site.core.models import User

    user = User.objects.filter(pk=acting_user_id).first() if acting_user_id else None
    batch = run_payment_batch(acting_user=user)
    return batch.pk if batch is not None else None
