"""Enqueue a side effect with the change that owes it; publish it after the commit, and again
later if the broker was down.

``enqueue`` writes the row in the caller's transaction (so the effect exists exactly when the
change does) and, once the transaction commits, tries to publish it at once. Publishing never
raises into the user's request: a broker that is down, slow or refusing leaves the row pending
with its error, and the relay (``relay_due``, every minute from Celery beat, or the
``relay_outbox`` command) publishes it later with a growing delay. Tasks are named by their
dotted path and must be safe to run twice (every task here is).
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from jkp_site.core.resilience import note_degraded, note_recovered
from jkp_site.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
BATCH = 200
# Beat runs the relay every minute: one run stops after this long, the next goes on.
RELAY_BUDGET_SECONDS = 45.0


def enqueue(
    task: str,
    *,
    args: list[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    key: str | None = None,
) -> OutboxMessage | None:
    """Owe ``task(*args, **kwargs)``; None when ``key`` was already owed."""
    now = timezone.now()
    if key is not None:
        message, created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "task": task,
                "args": args or [],
                "kwargs": kwargs or {},
                "available_at": now,
            },
        )
        if not created:
            return None
    else:
        message = OutboxMessage.objects.create(
            task=task, args=args or [], kwargs=kwargs or {}, available_at=now
        )
    transaction.on_commit(lambda: publish(message.pk))
    return message


def _task(path: str) -> Any:
    module, _dot, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def publish(message_id: int) -> bool:
    """Hand one pending message to Celery; True when it went. Never raises."""
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, state=OutboxMessage.State.PENDING)
                .first()
            )
            if message is None:
                return False
            try:
                # retry=False: with the broker down, fail now rather than keep the user waiting.
                _task(message.task).apply_async(
                    args=message.args, kwargs=message.kwargs, retry=False
                )
            except Exception as exc:
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.available_at = timezone.now() + _backoff(message.attempts)
                if message.attempts >= MAX_ATTEMPTS:
                    message.state = OutboxMessage.State.FAILED
                message.save(update_fields=["attempts", "last_error", "available_at", "state"])
                note_degraded("broker")
                logger.warning(
                    "outbox: %s (message %s) not published: %s",
                    message.task,
                    message.pk,
                    type(exc).__name__,
                )
                return False
            note_recovered("broker")
            message.state = OutboxMessage.State.SENT
            message.sent_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["state", "sent_at", "attempts"])
            return True
    except Exception:
        logger.exception("outbox: message %s could not be published", message_id)
        return False


def relay_due(*, limit: int = BATCH, budget_seconds: float = RELAY_BUDGET_SECONDS) -> int:
    """Publish every pending message whose time has come, ``limit`` at a time, until none is
    due or the time budget is spent (the next run of beat's relay, a minute later, goes on);
    returns how many went. A run that publishes nothing stops: the broker is refusing."""
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < budget_seconds:
        due = list(
            OutboxMessage.objects.filter(
                state=OutboxMessage.State.PENDING, available_at__lte=timezone.now()
            )
            .order_by("available_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        went = sum(1 for pk in due if publish(pk))
        sent += went
        if len(due) < limit or not went:
            break
    return sent


def backlog() -> int:
    return OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count()
