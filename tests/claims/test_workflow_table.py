"""Every allowed and every forbidden transition, per role, against an expectation written out
here by hand (not read from the table it checks)."""

import pytest

from claims import workflow
from claims.models import CaseEvent, ClaimState
from claims.workflow import InvalidTransition
from jkp_site.core.roles import Role
from tests.claims.conftest import bare_claim
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = ClaimState

EXPECTED = {
    (S.DRAFT, S.SUBMITTED): {"officer", "owner"},
    (S.DRAFT, S.WITHDRAWN): {"officer", "owner"},
    (S.SUBMITTED, S.WITHDRAWN): {"officer", "owner"},
    (S.SUBMITTED, S.VERIFYING): {"officer"},
    (S.VERIFYING, S.DRAFT): {"officer"},
    (S.VERIFYING, S.ELIGIBILITY_CHECKED): {"officer"},
    (S.ELIGIBILITY_CHECKED, S.AWAITING_APPROVAL): {"officer"},
    (S.AWAITING_APPROVAL, S.VERIFYING): {"supervisor"},
    (S.AWAITING_APPROVAL, S.APPROVED): {"supervisor"},
    (S.AWAITING_APPROVAL, S.REJECTED): {"supervisor"},
    (S.REJECTED, S.APPEALED): {"officer", "owner"},
    (S.APPEALED, S.AWAITING_APPROVAL): {"supervisor"},
    (S.APPROVED, S.BENEFIT_ACTIVE): {"officer", "supervisor", "system"},
    (S.APPROVED, S.STOPPED): {"supervisor", "system"},
    (S.BENEFIT_ACTIVE, S.STOPPED): {"supervisor", "system"},
    (S.BENEFIT_ACTIVE, S.COMPLETED): {"supervisor", "system"},
}
REASONS = {
    S.WITHDRAWN: "claimant_request",
    S.REJECTED: "not_eligible",
    S.STOPPED: "reemployed",
    S.DRAFT: "documents_missing",
}
ROLES = [
    "officer",
    "supervisor",
    "counsellor",
    "head_office",
    "outsider",
    "outside_supervisor",
    "owner",
    "other_worker",
    "system",
]


@pytest.fixture
def actors(officer, supervisor, counsellor, head_office, outsider, outside_supervisor, participant):
    owner = UserFactory(username="pemilik", branch=None, role=Role.PESERTA)
    participant.user = owner
    participant.save(update_fields=["user"])
    return {
        "officer": officer,
        "supervisor": supervisor,
        "counsellor": counsellor,
        "head_office": head_office,
        "outsider": outsider,
        "outside_supervisor": outside_supervisor,
        "owner": owner,
        "other_worker": UserFactory(username="orang_lain", branch=None, role=Role.PESERTA),
        "system": None,
    }


def reason_for(source, target):
    if (source, target) == (S.AWAITING_APPROVAL, S.VERIFYING):
        return "documents_missing"
    return REASONS.get(target, "")


@pytest.mark.parametrize("role", ROLES)
def test_every_transition_for_role(role, actors, participant, employer):
    actor = actors[role]
    claim = bare_claim(participant, employer, S.DRAFT)
    mismatches = []
    for source in S.values:
        for target in S.values:
            if source == target:
                continue
            claim.state = source
            expected = role in EXPECTED.get((source, target), set())
            try:
                workflow.check_transition(
                    claim, to=target, actor=actor, reason_code=reason_for(source, target)
                )
                allowed = True
            except InvalidTransition:
                allowed = False
            if allowed != expected:
                mismatches.append((source, target, allowed))
    assert mismatches == []


def test_table_has_exactly_the_expected_edges():
    assert {(t.source, t.target) for t in workflow.TRANSITIONS} == set(EXPECTED)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.DRAFT, S.WITHDRAWN),
        (S.VERIFYING, S.DRAFT),
        (S.AWAITING_APPROVAL, S.REJECTED),
        (S.BENEFIT_ACTIVE, S.STOPPED),
    ],
)
def test_reason_is_mandatory_on_withdraw_return_reject_and_stop(
    source, target, participant, employer, officer, supervisor
):
    claim = bare_claim(participant, employer, source)
    actor = supervisor if source in (S.AWAITING_APPROVAL, S.BENEFIT_ACTIVE) else officer
    for bad in ("", "made_up"):
        with pytest.raises(InvalidTransition) as exc:
            workflow.check_transition(claim, to=target, actor=actor, reason_code=bad)
        assert exc.value.code == "reason_required"


def test_apply_transition_writes_event_and_enqueues_notification(
    participant, employer, officer, django_capture_on_commit_callbacks, mailoutbox
):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = workflow.apply_transition(
            claim, to=S.WITHDRAWN, actor=officer, action="withdraw", reason_code="duplicate"
        )
    claim.refresh_from_db()
    assert claim.state == S.WITHDRAWN
    assert (event.from_state, event.to_state, event.actor, event.reason_code) == (
        S.SUBMITTED,
        S.WITHDRAWN,
        officer,
        "duplicate",
    )
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    assert claim.number in mailoutbox[0].subject


def test_notification_task_runs_once_per_event(participant, employer, officer, mailoutbox):
    from claims.tasks import notify_case_event_task

    claim = bare_claim(participant, employer, S.SUBMITTED)
    event = workflow.apply_transition(
        claim, to=S.WITHDRAWN, actor=officer, action="withdraw", reason_code="duplicate"
    )
    assert notify_case_event_task(event.pk) is True
    assert notify_case_event_task(event.pk) is False
    assert len(mailoutbox) == 1
    assert event.notifications.get().sent_at is not None


def test_case_events_are_append_only(participant, employer, officer):
    claim = bare_claim(participant, employer, S.SUBMITTED)
    event = workflow.record_event(claim, actor=officer, action="take")
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        claim.events.all().update(note="x")


def test_the_database_refuses_to_edit_an_event_even_by_raw_sql(participant, employer, officer):
    from django.db import DatabaseError, connection, transaction

    claim = bare_claim(participant, employer, S.SUBMITTED)
    event = workflow.record_event(claim, actor=officer, action="take")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_caseevent SET note = 'changed' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM claims_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).note == ""
