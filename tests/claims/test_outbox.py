"""Nothing lost when Redis is down: a change and the side effects it owes are written together;
the user's action answers normally, and what is owed goes out once the broker is back."""

import pytest
from django.core import mail

from claims import services
from jkp_site.celery import app as celery_app
from jkp_site.outbox.models import OutboxMessage
from jkp_site.outbox.services import relay_due

from .conftest import add_proof, open_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Celery publishing to a port where nothing listens (Redis stopped)."""
    keys = ("task_always_eager", "broker_url", "broker_write_url")
    saved = {key: celery_app.conf[key] for key in keys}
    dead = "redis://127.0.0.1:9/0"
    celery_app.conf.update(task_always_eager=False, broker_url=dead, broker_write_url=dead)
    _forget_connections()
    yield
    celery_app.conf.update(**saved)
    _forget_connections()


def _forget_connections():
    """Celery keeps its broker connections and producers in pools: drop them, so the next
    publish connects to the broker configured now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_an_action_with_the_broker_down_answers_and_its_email_follows_later(
    client,
    worker_user,
    participant,
    employer,
    officer,
    broker_down,
    django_capture_on_commit_callbacks,
):
    participant.email = "pekerja@contoh.invalid"
    participant.save(update_fields=["email"])
    claim = open_draft(participant, employer, officer)
    client.force_login(worker_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/portal/claims/{claim.pk}/withdraw/",
            {"reason_code": "claimant_request", "confirmed": "1"},
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "withdrawn"
    [owed] = OutboxMessage.objects.filter(task="claims.tasks.notify_case_event_task")
    assert owed.state == "pending"
    assert owed.attempts == 1
    assert owed.last_error
    assert mail.outbox == []

    # Redis is back (tasks run inline again); the relay publishes what is owed, once.
    celery_app.conf.update(task_always_eager=True)
    OutboxMessage.objects.filter(pk=owed.pk).update(available_at=owed.created_at)
    assert relay_due() == 1
    assert relay_due() == 0
    owed.refresh_from_db()
    assert owed.state == "sent"
    assert len(mail.outbox) == 1
    assert claim.number in mail.outbox[0].subject


def test_a_document_asked_again_is_told_by_email_too(
    participant, employer, officer, django_capture_on_commit_callbacks
):
    """Not only state changes: every event the worker should hear of goes through the outbox."""
    participant.email = "pekerja@contoh.invalid"
    participant.save(update_fields=["email"])
    claim = open_draft(participant, employer, officer)
    add_proof(claim, officer)
    services.submit_claim(claim_id=claim.pk, acting_user=officer)
    services.start_verification(claim_id=claim.pk, acting_user=officer)
    document = claim.documents.first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.check_document(
            document_id=document.pk, acting_user=officer, accepted=False, note="Buram"
        )
    assert len(mail.outbox) == 1


def test_the_relay_goes_on_past_one_batch_until_nothing_is_due():
    from django.utils import timezone

    from jkp_site.outbox import services as outbox

    for n in range(5):
        OutboxMessage.objects.create(  # a delivery of no event: the task does nothing
            task="claims.tasks.notify_case_event_task",
            args=[0],
            available_at=timezone.now(),
            key=f"k{n}",
        )
    assert relay_due(limit=2) == 5
    assert not OutboxMessage.objects.filter(state="pending").exists()
    assert outbox.RELAY_BUDGET_SECONDS < 60  # a run ends before beat's next one
