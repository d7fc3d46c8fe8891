"""The officer's "run eligibility" reads the history once and writes its result in bulk: a
fixed number of queries however long the contribution history and however many earlier
claims (issue #14)."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimState, EligibilityCheck, Termination
from tests.claims.conftest import phk_date
from tests.factories import (
    EmploymentFactory,
    ParticipantFactory,
    add_contributions,
    add_enrollments,
)

pytestmark = pytest.mark.django_db
S = ClaimState

# The session, the user, its permissions (two), the visible claim; in the service's transaction
# (a savepoint and its release inside the test's own) the claim locked, the history (the
# enrollments, every contribution month, the claims), the result, its checks (one INSERT) and
# the case event.
RERUN_QUERIES = 14


@pytest.mark.parametrize(("months", "earlier"), [(13, 0), (120, 2)])
def test_a_rerun_reads_the_history_once_and_writes_in_bulk(
    months, earlier, client, officer, employer, make_claim, django_assert_num_queries
):
    worker = ParticipantFactory()
    worker.bank_account_holder = worker.name
    worker.save()
    EmploymentFactory(participant=worker, employer=employer, start_date=dt.date(2010, 1, 1))
    add_enrollments(worker)
    add_contributions(worker, employer, last=phk_date(), months=months, wage=4_000_000)
    claim = make_claim(S.ELIGIBILITY_CHECKED, participant=worker)
    for n in range(earlier):
        termination = Termination.objects.create(
            participant=worker,
            employer=employer,
            phk_date=dt.date(2012 + n, 3, 1),
            reason="efficiency",
            contract_type="PKWTT",
        )
        Claim.objects.create(
            number=f"JKP-E{n}",
            participant=worker,
            termination=termination,
            branch=employer.branch,
            state=S.COMPLETED,
        )
    client.force_login(officer)
    url = reverse("claims:run_eligibility", args=[claim.pk])
    client.post(url)
    before = EligibilityCheck.objects.count()
    with django_assert_num_queries(RERUN_QUERIES):
        response = client.post(url)
    assert response.status_code == 302
    latest = Claim.objects.get(pk=claim.pk).eligibility_results.order_by("-id").first()
    assert EligibilityCheck.objects.count() == before + latest.checks.count() > before
    assert len(latest.inputs["contributions"]) >= months
    assert len(latest.inputs["prior_claims"]) == earlier
