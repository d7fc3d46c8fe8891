"""Delivering what the worker is owed about their case: one record per event and channel.

``owe`` writes the record with the event (in its transaction) and owes the delivery task through
the outbox, so a change never waits on the broker. ``deliver`` sends it (the task), records a
failure with its reason and a time to try again, and ``retry_due`` (Celery beat) owes the next
attempt of every failed delivery whose time has come, with a growing delay, until it is sent or
given up after ``MAX_ATTEMPTS``. ``resend`` is a person's "send again", audited on the case.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from claims.models import CaseEvent, Claim, EventNotification
from claims.notifications import worker_email
from jkp_site.core.models import User
from jkp_site.outbox.models import OutboxMessage
from jkp_site.outbox.services import enqueue

logger = logging.getLogger(__name__)

TASK = "claims.tasks.notify_case_event_task"
MAX_ATTEMPTS = 8
RETRY_BATCH = 500
# A delivery still pending this long after it was owed lost its message: it is owed again.
PENDING_GRACE = dt.timedelta(minutes=15)
Status = EventNotification.Status


def backoff(attempts: int) -> dt.timedelta:
    """Two minutes after the first failure, doubling, at most six hours."""
    return dt.timedelta(minutes=min(2 * 2 ** max(attempts - 1, 0), 360))


def owe(event: CaseEvent) -> EventNotification:
    """The e-mail about ``event`` is owed: recorded now, sent by a task after the commit."""
    address = event.claim.participant.email
    delivery = EventNotification.objects.create(
        event=event,
        channel=EventNotification.Channel.EMAIL,
        recipient=address,
        status=Status.PENDING if address else Status.NO_ADDRESS,
    )
    if address:
        enqueue(TASK, args=[event.pk], key=f"notify:{event.pk}")
    return delivery


def owe_many(events: list[CaseEvent], *, batch_size: int = 2_000) -> list[int]:
    """``owe`` for many events the worker hears of at once (a reconciliation of a whole batch):
    one query for the addresses, the records and the outbox rows in bulk. Returns the outbox
    messages to publish after the commit (the relay publishes whatever is left)."""
    if not events:
        return []
    addresses = dict(
        Claim.objects.filter(pk__in={event.claim_id for event in events}).values_list(
            "pk", "participant__email"
        )
    )
    EventNotification.objects.bulk_create(
        (
            EventNotification(
                event=event,
                channel=EventNotification.Channel.EMAIL,
                recipient=addresses.get(event.claim_id) or "",
                status=Status.PENDING if addresses.get(event.claim_id) else Status.NO_ADDRESS,
            )
            for event in events
        ),
        batch_size=batch_size,
    )
    now = timezone.now()
    messages = OutboxMessage.objects.bulk_create(
        (
            OutboxMessage(task=TASK, args=[event.pk], key=f"notify:{event.pk}", available_at=now)
            for event in events
            if addresses.get(event.claim_id)
        ),
        batch_size=batch_size,
    )
    return [message.pk for message in messages]


def deliver(event_id: int) -> bool:
    """Send the pending or failed e-mail of one event; True when it went now.

    The record is locked while the mail goes out and marked in the same transaction, so a
    rerun or a concurrent duplicate finds it sent. A failure is recorded, not raised.
    """
    with transaction.atomic():
        delivery = (
            EventNotification.objects.select_for_update()
            .select_related("event__claim__participant")
            .filter(event_id=event_id, channel=EventNotification.Channel.EMAIL)
            .first()
        )
        if delivery is None or delivery.status not in (Status.PENDING, Status.FAILED):
            return False
        message = worker_email(delivery.event)
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        if message is None:
            delivery.status = Status.GAVE_UP
            delivery.last_error = "the event no longer concerns the worker"
            delivery.next_attempt_at = None
        else:
            subject, body = message
            delivery.subject = subject[:255]
            try:
                send_mail(subject, body, None, [delivery.recipient])
            except Exception as exc:  # any failure of the mail server is recorded, not raised
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
                gave_up = delivery.attempts >= MAX_ATTEMPTS
                delivery.status = Status.GAVE_UP if gave_up else Status.FAILED
                delivery.next_attempt_at = None if gave_up else now + backoff(delivery.attempts)
                logger.warning(
                    "notification of event %s failed (attempt %s): %s",
                    event_id,
                    delivery.attempts,
                    type(exc).__name__,
                )
            else:
                delivery.status = Status.SENT
                delivery.sent_at = now
                delivery.next_attempt_at = None
                delivery.last_error = ""
        delivery.save()
        return delivery.status == Status.SENT


def retry_due(*, limit: int = RETRY_BATCH) -> int:
    """Owe the next attempt of each failed delivery whose time has come, and again each one
    still pending long after it was owed (its message was lost: a broker that restarted empty);
    returns how many. Delivering is safe to run twice, so a duplicate costs nothing."""
    now = timezone.now()
    failed = EventNotification.objects.filter(status=Status.FAILED, next_attempt_at__lte=now)
    lost = EventNotification.objects.filter(
        status=Status.PENDING, created_at__lte=now - PENDING_GRACE
    )
    due = list(failed.values_list("event_id", "attempts", "status")[:limit]) + list(
        lost.values_list("event_id", "attempts", "status")[:limit]
    )
    with transaction.atomic():
        owed = [
            enqueue(TASK, args=[event_id], key=_retry_key(event_id, attempts, status, now))
            for event_id, attempts, status in due
        ]
    return sum(1 for message in owed if message is not None)


def _retry_key(event_id: int, attempts: int, status: str, now: dt.datetime) -> str:
    if status == Status.FAILED:
        return f"notify:{event_id}:{attempts}"
    return f"notify:{event_id}:lost:{now:%Y%m%d%H}"  # at most once an hour


def resend(delivery: EventNotification, *, actor: User, note: str = "") -> bool:
    """A person asks for a failed or given-up delivery to be tried again now (audited)."""
    from claims.workflow import record_event

    with transaction.atomic():
        locked = EventNotification.objects.select_for_update().get(pk=delivery.pk)
        if locked.status not in (Status.FAILED, Status.GAVE_UP):
            return False
        locked.status = Status.FAILED
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "next_attempt_at"])
        claim = locked.event.claim
        record_event(
            claim,
            actor=actor,
            action="notification_resent",
            note=note,
            data={"event": locked.event_id, "channel": locked.channel},
        )
        enqueue(TASK, args=[locked.event_id], key=f"notify:{locked.event_id}:r{locked.attempts}")
    return True
