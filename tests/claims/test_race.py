"""Two supervisors approving the same claim at the same moment, on two database connections:
one succeeds, the other gets a clear message, and the claim is approved exactly once."""

import threading
import time

import pytest
from django.db import connection

from claims import services, workflow
from claims.models import CashInstalment, ClaimState, Decision
from claims.workflow import InvalidTransition

S = ClaimState


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_approve_at_once(make_claim, supervisor, second_supervisor, monkeypatch):
    claim = make_claim(S.AWAITING_APPROVAL)
    real_check = workflow.check_decider

    def slow_check(claim, acting_user):
        # Runs while the row lock is held: the other supervisor must now wait for it.
        real_check(claim, acting_user)
        time.sleep(0.5)

    monkeypatch.setattr(workflow, "check_decider", slow_check)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def approve(user):
        try:
            start.wait()
            services.approve_claim(claim_id=claim.pk, acting_user=user)
            outcomes[user.username] = "approved"
        except InvalidTransition as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (supervisor, second_supervisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    results = sorted(outcomes.values(), key=lambda value: value != "approved")
    assert results[0] == "approved"
    assert isinstance(results[1], InvalidTransition)
    assert results[1].code == "wrong_state"
    claim.refresh_from_db()
    assert claim.state == S.APPROVED
    assert Decision.objects.filter(claim=claim).count() == 1
    assert CashInstalment.objects.filter(claim=claim).count() == 6
    assert claim.events.filter(action="approve").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_taking_the_next_case_get_different_cases(
    employer, officer, second_officer, participant, monkeypatch
):
    from claims.workflow import record_event
    from tests.claims.conftest import add_proof, eligible_worker, open_draft

    for worker in (participant, eligible_worker(employer)):
        claim = open_draft(worker, employer, officer)
        add_proof(claim, officer)
        services.submit_claim(claim_id=claim.pk, acting_user=officer)
        # Counter claims start with their officer; free them as if filed on the portal.
        type(claim).objects.filter(pk=claim.pk).update(assigned_officer=None)

    def slow_record(claim, **kwargs):
        time.sleep(0.5)  # the first taker holds its row lock a while
        return record_event(claim, **kwargs)

    monkeypatch.setattr(services.workflow, "record_event", slow_record)
    start = threading.Barrier(2)
    taken: dict[str, int | None] = {}

    def take(user):
        try:
            start.wait()
            claim = services.take_next_claim(acting_user=user)
            taken[user.username] = claim.pk if claim else None
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(u,)) for u in (officer, second_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert None not in taken.values()
    assert len(set(taken.values())) == 2
