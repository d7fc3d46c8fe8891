"""The API eligibility look-up reads the participant's history once: a fixed number of queries
however long the contribution history and however many claims (issue #14)."""

import datetime as dt

import pytest

from api.models import Grant
from claims.models import Claim
from tests.claims.conftest import bare_claim
from tests.factories import (
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    add_contributions,
    add_enrollments,
)

pytestmark = pytest.mark.django_db

ELIGIBILITY = "/api/v1/eligibility/"
# The token, the participant, its employment at the branch's employers, the NIK look-up
# record, the history (the enrollments, every contribution month, the claims and the
# employments in one) and the last employer.
QUERIES = 6


def _worker(employer, months, claims):
    participant = ParticipantFactory()
    EmploymentFactory(participant=participant, employer=employer)
    add_enrollments(participant)
    add_contributions(
        participant, employer, last=dt.date(2026, 9, 1), months=months, wage=4_000_000
    )
    for n in range(claims):
        bare_claim(
            participant,
            employer,
            Claim.State.COMPLETED,
            phk=dt.date(2010 + n, 3, 1),
            number=f"JKP-Q{months}-{n}",
        )
    return participant


@pytest.mark.parametrize(("months", "claims"), [(13, 0), (120, 2)])
def test_eligibility_look_up_reads_the_history_once(
    months, claims, issue_token, branch, django_assert_num_queries
):
    worker = _worker(EmployerFactory(branch=branch), months, claims)
    api = issue_token([Grant.ELIGIBILITY_READ], branch=branch)
    body = {"nik": worker.nik, "phk_date": "2026-10-05", "reason": "efficiency"}
    api.post(ELIGIBILITY, body, format="json")
    with django_assert_num_queries(QUERIES):
        response = api.post(ELIGIBILITY, body, format="json")
    assert response.status_code == 200
    summary = response.json()
    assert summary["approved_claims"] == claims
    assert summary["contributions"]["consecutive_months"] == months
    assert summary["contributions"]["latest_period"] == "2026-09"
    assert summary["evaluation"]["eligible"] is True
