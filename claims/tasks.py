"""Background work of the claims app. Tasks take primary keys, reload rows and stay thin."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from claims.models import CaseEvent, ClaimState

# The worker hears about the steps that change what they should expect.
NOTIFIED_STATES = frozenset(
    {
        ClaimState.SUBMITTED,
        ClaimState.DRAFT,  # returned to the worker for documents
        ClaimState.APPROVED,
        ClaimState.REJECTED,
        ClaimState.AWAITING_APPROVAL,
        ClaimState.STOPPED,
        ClaimState.COMPLETED,
        ClaimState.WITHDRAWN,
    }
)
SENT_MARK_SECONDS = 60 * 60 * 24 * 30


@shared_task
def notify_case_event_task(event_id: int) -> bool:
    """E-mail the worker about a state change. Safe to run twice: the first run marks the event
    as sent (an atomic cache ``add``, SETNX on Redis) and a rerun finds the mark and stops."""
    event = CaseEvent.objects.select_related("claim__participant").filter(pk=event_id).first()
    if event is None or event.to_state not in NOTIFIED_STATES or event.to_state == event.from_state:
        return False
    participant = event.claim.participant
    if not participant.email:
        return False
    # The creation time in the key keeps a reused id (a restored database) from looking sent.
    mark = f"claims:notified:{event_id}:{event.created_at.timestamp()}"
    if not cache.add(mark, 1, SENT_MARK_SECONDS):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("JKP claim %(number)s: %(state)s") % {
            "number": event.claim.number,
            "state": ClaimState(event.to_state).label,
        }
        body = gettext(
            "Dear %(name)s,\n\nYour JKP claim %(number)s is now: %(state)s.\n"
            "You can follow it on the JKP portal or at your BPJS Ketenagakerjaan branch.\n"
        ) % {
            "name": participant.name,
            "number": event.claim.number,
            "state": ClaimState(event.to_state).label,
        }
    send_mail(subject, body, None, [participant.email])
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
