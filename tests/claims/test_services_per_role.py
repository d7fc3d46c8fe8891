"""Every workflow service, called by every staff role: who may, who may not (at the service
level, whatever the screens offer)."""

import pytest

from claims import services
from claims.models import ClaimState, Document
from jkp_site.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db
S = ClaimState
ROLES = ["officer", "supervisor", "counsellor", "head_office", "outsider", "outside_supervisor"]


def _check_all(claim, user):
    for document in Document.objects.filter(claim=claim):
        services.check_document(document_id=document.pk, acting_user=user, accepted=True)


# service name: (state to start from, reject path?, call(claim, user), roles allowed)
CASES = {
    "submit": (S.DRAFT, False, None, {"officer"}),
    "withdraw": (
        S.SUBMITTED,
        False,
        lambda c, u: services.withdraw_claim(claim_id=c.pk, acting_user=u, reason_code="other"),
        {"officer"},
    ),
    "start_verification": (
        S.SUBMITTED,
        False,
        lambda c, u: services.start_verification(claim_id=c.pk, acting_user=u),
        {"officer"},
    ),
    "check_document": (S.VERIFYING, False, _check_all, {"officer"}),
    "return_to_worker": (
        S.VERIFYING,
        False,
        lambda c, u: services.return_claim(
            claim_id=c.pk, acting_user=u, reason_code="documents_missing"
        ),
        {"officer"},
    ),
    "recommend": (
        S.ELIGIBILITY_CHECKED,
        False,
        lambda c, u: services.recommend_claim(
            claim_id=c.pk, acting_user=u, recommendation="approve"
        ),
        {"officer"},
    ),
    "rerun_eligibility": (
        S.ELIGIBILITY_CHECKED,
        False,
        lambda c, u: services.run_eligibility(claim_id=c.pk, acting_user=u),
        {"officer"},
    ),
    "approve": (
        S.AWAITING_APPROVAL,
        False,
        lambda c, u: services.approve_claim(claim_id=c.pk, acting_user=u),
        {"supervisor"},
    ),
    "reject": (
        S.AWAITING_APPROVAL,
        False,
        lambda c, u: services.reject_claim(claim_id=c.pk, acting_user=u, reason_code="other"),
        {"supervisor"},
    ),
    "return_to_officer": (
        S.AWAITING_APPROVAL,
        False,
        lambda c, u: services.return_claim(claim_id=c.pk, acting_user=u, reason_code="other"),
        {"supervisor"},
    ),
    "appeal": (
        S.REJECTED,
        True,
        lambda c, u: services.appeal_claim(claim_id=c.pk, acting_user=u, note="keberatan"),
        {"officer"},
    ),
    "stop": (
        S.BENEFIT_ACTIVE,
        False,
        lambda c, u: services.stop_benefit(claim_id=c.pk, acting_user=u, reason_code="death"),
        {"supervisor"},
    ),
    "complete": (
        S.BENEFIT_ACTIVE,
        False,
        lambda c, u: services.complete_benefit(claim_id=c.pk, acting_user=u),
        {"supervisor"},
    ),
    "activate": (
        S.APPROVED,
        False,
        lambda c, u: services.activate_benefit(claim_id=c.pk, acting_user=u),
        {"officer", "supervisor"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_service_allowed_only_for_its_roles(name, role, request, make_claim, officer):
    state, reject, call, allowed = CASES[name]
    claim = make_claim(state, reject=reject)
    user = request.getfixturevalue(role)
    if name == "submit":
        from tests.claims.conftest import add_proof

        add_proof(claim, officer)

        def call(c, u):
            return services.submit_claim(claim_id=c.pk, acting_user=u)

    before = claim.events.count()
    try:
        call(claim, user)
        done = True
    except ApplicationError:
        done = False
    assert done == (role in allowed)
    claim.refresh_from_db()
    if not done:
        assert claim.state == state
        assert claim.events.count() == before
