"""What the worker is owed is recorded per channel: sent, failed with its reason, tried again with
a growing delay, given up, or not sendable for want of an address; and a person can send a
failed one again. The mail server that fails here is a real SMTP connection to a closed port."""

import datetime as dt
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import delivery, workflow
from claims.models import CaseEvent, ClaimState, EventNotification
from claims.tasks import notify_case_event_task, retry_notifications_task
from jkp_site.outbox.models import OutboxMessage
from tests.claims.conftest import bare_claim

S = ClaimState
Status = EventNotification.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the change owes after its commit, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mail_server_down(settings):
    """The SMTP backend, pointed at a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 2
    return settings


def withdraw(claim, officer):
    return workflow.apply_transition(
        claim, to=S.WITHDRAWN, actor=officer, action="withdraw", reason_code="duplicate"
    )


def test_a_transition_the_worker_hears_of_is_recorded_then_sent(
    participant, employer, officer, mailoutbox, django_capture_on_commit_callbacks
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False):
        event = withdraw(claim, officer)
    pending = event.notifications.get()
    assert (pending.status, pending.channel, pending.attempts) == (Status.PENDING, "email", 0)
    assert pending.recipient == participant.email

    assert notify_case_event_task(event.pk) is True
    assert notify_case_event_task(event.pk) is False
    sent = event.notifications.get()
    assert (sent.status, sent.attempts, sent.last_error) == (Status.SENT, 1, "")
    assert sent.sent_at is not None
    assert len(mailoutbox) == 1


def test_internal_steps_owe_nothing(participant, employer, officer):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    event = workflow.apply_transition(
        claim, to=S.VERIFYING, actor=officer, action="start_verification"
    )
    assert not event.notifications.exists()
    assert not OutboxMessage.objects.filter(key=f"notify:{event.pk}").exists()


def test_a_document_asked_again_is_told_to_the_worker(
    participant, employer, officer, mailoutbox, committed
):
    claim = bare_claim(participant, employer, S.VERIFYING)
    with committed():
        event = workflow.record_event(
            claim,
            actor=officer,
            action="document_checked",
            data={"doc_type": "phk_acceptance", "accepted": False},
            note="Tidak terbaca",
        )
    assert event.notifications.get().status == Status.SENT
    assert len(mailoutbox) == 1
    assert "Tidak terbaca" in mailoutbox[0].body


def test_a_worker_without_an_address_is_recorded_as_such(participant, employer, officer):
    participant.email = ""
    participant.save(update_fields=["email"])
    claim = bare_claim(participant, employer, S.SUBMITTED)
    event = withdraw(claim, officer)
    assert event.notifications.get().status == Status.NO_ADDRESS
    assert not OutboxMessage.objects.filter(key=f"notify:{event.pk}").exists()


def test_a_failed_send_is_recorded_and_tried_again_later(
    participant, employer, officer, mail_server_down, mailoutbox, committed
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    before = timezone.now()
    with committed():
        event = withdraw(claim, officer)  # sent after the commit (inline tasks): refused
    failed = event.notifications.get()
    assert failed.status == Status.FAILED
    assert failed.attempts == 1
    assert failed.last_error.startswith("ConnectionRefusedError")
    assert failed.next_attempt_at >= before + dt.timedelta(minutes=2)

    # Not due yet: the retry owes nothing.
    assert retry_notifications_task() == 0
    # Its time comes, and the mail server is back.
    EventNotification.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        assert retry_notifications_task() == 1
    sent = event.notifications.get()
    assert (sent.status, sent.attempts) == (Status.SENT, 2)
    assert len(mailoutbox) == 1
    assert retry_notifications_task() == 0


def test_the_delay_grows_and_the_delivery_is_given_up(
    participant, employer, officer, mail_server_down, committed
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    with committed():
        event = withdraw(claim, officer)
    delays = [delivery.backoff(n) for n in range(1, delivery.MAX_ATTEMPTS)]
    assert delays == sorted(delays)
    assert delays[-1] <= dt.timedelta(hours=6)
    for _attempt in range(delivery.MAX_ATTEMPTS - 1):
        EventNotification.objects.filter(event=event).update(next_attempt_at=timezone.now())
        with committed():
            retry_notifications_task()
    given_up = event.notifications.get()
    assert (given_up.status, given_up.attempts) == (Status.GAVE_UP, delivery.MAX_ATTEMPTS)
    assert given_up.next_attempt_at is None
    assert retry_notifications_task() == 0


def test_the_case_page_shows_each_delivery(
    client, participant, employer, officer, mail_server_down, committed
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    with committed():
        withdraw(claim, officer)
    client.force_login(officer)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert 'data-status="failed"' in page
    assert "Gagal, akan dicoba lagi" in page
    assert "ConnectionRefusedError" in page


def test_a_supervisor_sends_a_given_up_notification_again_from_the_admin(
    client, participant, employer, officer, supervisor, mail_server_down, mailoutbox, committed
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    event = withdraw(claim, officer)
    EventNotification.objects.filter(event=event).update(status=Status.GAVE_UP)
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(supervisor)
    changelist = reverse("admin:claims_eventnotification_changelist")
    assert client.get(changelist).status_code == 200
    with committed():
        response = client.post(
            changelist,
            {"action": "send_again", "_selected_action": [event.notifications.get().pk]},
        )
    assert response.status_code == 302
    assert event.notifications.get().status == Status.SENT
    assert len(mailoutbox) == 1
    audit = CaseEvent.objects.get(claim=claim, action="notification_resent")
    assert audit.actor == supervisor
    assert audit.data == {"event": event.pk, "channel": "email"}


def test_a_counsellor_cannot_send_again(client, participant, employer, officer, counsellor):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    withdraw(claim, officer)
    client.force_login(counsellor)
    response = client.get(reverse("admin:claims_eventnotification_changelist"))
    assert response.status_code in (302, 403)


def test_a_delivery_whose_message_was_lost_is_owed_again(
    participant, employer, officer, mailoutbox, django_capture_on_commit_callbacks
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    # The change commits and its message is published, but the broker restarts empty.
    with django_capture_on_commit_callbacks(execute=False):
        event = withdraw(claim, officer)
    assert retry_notifications_task() == 0  # not yet: it may simply be on its way
    EventNotification.objects.filter(event=event).update(
        created_at=timezone.now() - delivery.PENDING_GRACE - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_notifications_task() == 1
    assert event.notifications.get().status == Status.SENT
    assert len(mailoutbox) == 1
    assert retry_notifications_task() == 0
