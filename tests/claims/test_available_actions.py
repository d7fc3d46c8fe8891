"""The approval screen offers exactly what the services accept: one voice per rule.

For each person who might open the approval screen, the approve and reject buttons are shown
if and only if the service would take the decision from them (tried in a savepoint that is
rolled back), including the appeal case where the supervisor who rejected must step aside.
"""

import pytest
from django.db import transaction

from claims import services, workflow
from claims.models import ClaimState as S
from jkp_site.core.exceptions import ApplicationError

from .conftest import drive, eligible_worker, open_draft

pytestmark = pytest.mark.django_db


class _UndoError(Exception):
    pass


def service_accepts(action, claim, user) -> bool:
    """Whether ``action`` succeeds for ``user``; nothing it does is kept."""
    try:
        with transaction.atomic():
            action(claim_id=claim.pk, acting_user=user)
            raise _UndoError
    except _UndoError:
        return True
    except ApplicationError:
        return False


def approve(**kwargs):
    return services.approve_claim(**kwargs)


def reject(**kwargs):
    return services.reject_claim(reason_code="not_eligible", **kwargs)


def screen_offers(client, claim, user) -> tuple[bool, bool]:
    client.force_login(user)
    response = client.get(f"/claims/{claim.pk}/approval/")
    if response.status_code != 200:
        return False, False
    page = response.content.decode()
    return 'id="approve-form"' in page, f"/claims/{claim.pk}/reject/" in page


@pytest.fixture
def people(officer, supervisor, second_supervisor, head_office, outside_supervisor, counsellor):
    return {
        "officer (verified and recommended)": officer,
        "supervisor": supervisor,
        "second supervisor": second_supervisor,
        "head office": head_office,
        "supervisor of another branch": outside_supervisor,
        "counsellor": counsellor,
    }


def check_every_person(client, claim, people, expected_deciders):
    for label, user in people.items():
        claim.refresh_from_db()
        decides = workflow.available_actions(claim, user)["decide"]
        accepts = (service_accepts(approve, claim, user), service_accepts(reject, claim, user))
        offered = screen_offers(client, claim, user)
        assert decides == (label in expected_deciders), label
        assert accepts == (decides, decides), label
        assert offered == (decides, decides), label


def test_a_recommended_claim_is_offered_to_the_supervisors_who_may_decide_it(
    client, make_claim, people
):
    claim = make_claim(S.AWAITING_APPROVAL)
    check_every_person(client, claim, people, {"supervisor", "second supervisor"})


def test_an_appeal_is_not_offered_to_the_supervisor_who_rejected(
    client, employer, officer, supervisor, second_supervisor, people
):
    claim = open_draft(eligible_worker(employer), employer, officer)
    drive(claim, S.REJECTED, officer=officer, supervisor=supervisor, reject=True)
    services.appeal_claim(claim_id=claim.pk, acting_user=officer, note="Bukti baru")
    services.reopen_claim(claim_id=claim.pk, acting_user=second_supervisor)
    claim.refresh_from_db()
    assert claim.state == S.AWAITING_APPROVAL
    check_every_person(client, claim, people, {"second supervisor"})
    assert workflow.available_actions(claim, supervisor)["four_eyes_conflict"]


def test_a_second_appeal_is_offered_to_nobody(
    client, employer, officer, supervisor, second_supervisor
):
    claim = open_draft(eligible_worker(employer), employer, officer)
    drive(claim, S.REJECTED, officer=officer, supervisor=supervisor, reject=True)
    services.appeal_claim(claim_id=claim.pk, acting_user=officer, note="Bukti baru")
    services.reopen_claim(claim_id=claim.pk, acting_user=second_supervisor)
    services.reject_claim(
        claim_id=claim.pk, acting_user=second_supervisor, reason_code="not_eligible"
    )
    claim.refresh_from_db()
    assert not workflow.available_actions(claim, officer)["appeal"]
    with pytest.raises(ApplicationError):
        services.appeal_claim(claim_id=claim.pk, acting_user=officer, note="Lagi")


def test_every_named_state_group_holds_only_real_states():
    groups = ["IN_PROGRESS", "BENEFIT", "RUNNING", "CLOSED", "TERMINAL", "DOCUMENTS_OPEN"]
    groups += ["ELIGIBILITY_RUNNABLE", "TAKEABLE"]
    for name in groups:
        assert getattr(S, name) <= set(S.values), name
    assert S.RUNNING <= S.BENEFIT
    assert S.TERMINAL <= S.CLOSED
