"""Background work of the claims app: the worker's notifications. Tasks take primary keys,
reload rows and stay thin."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from claims.models import CaseEvent, EventNotification
from claims.notifications import worker_email
from claims.retention import remove_expired_documents


@shared_task
def notify_case_event_task(event_id: int) -> bool:
    """E-mail the worker about a case event that concerns them, in the portal's words.

    Safe to run twice: the delivery row (one per event) is locked while the mail goes out and
    marked sent in the same transaction, so a rerun or a concurrent duplicate finds it sent.
    A failure to send rolls the row back and the task can simply be retried.
    """
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


@shared_task
def remove_expired_documents_task() -> int:
    """Daily: the retention of closed cases' documents (claims.retention)."""
    return remove_expired_documents()
