"""Background work of the claims app: the worker's notifications. Tasks take primary keys,
reload rows and stay thin."""

from __future__ import annotations

from celery import shared_task

from claims import delivery
from claims.retention import remove_expired_documents


@shared_task
def notify_case_event_task(event_id: int) -> bool:
    """E-mail the worker about a case event (claims.delivery): safe to run twice."""
    return delivery.deliver(event_id)


@shared_task
def retry_notifications_task() -> int:
    """Every few minutes: owe the next attempt of each failed notification that is due."""
    return delivery.retry_due()


@shared_task
def remove_expired_documents_task() -> int:
    """Daily: the retention of closed cases' documents (claims.retention)."""
    return remove_expired_documents()
