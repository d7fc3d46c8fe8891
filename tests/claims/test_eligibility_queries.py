"""The officer's "run eligibility" reads the history once and writes its result in bulk: a
fixed number of queries however long the contribution history and however many earlier
claims (issue #14)."""

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimState, EligibilityCheck
from claims.services import read_history
from tests.claims.conftest import bare_claim, phk_date
from tests.factories import (
    EmploymentFactory,
    ParticipantFactory,
    add_contributions,
    add_enrollments,
)

pytestmark = pytest.mark.django_db
S = ClaimState

# The session, the user, its permissions (its own and its groups' in one); in the service's
# transaction (a savepoint and its release inside the test's own) the claim locked (the
# service refuses another branch's), the history (the enrollments, every contribution month,
# the claims and the employments in one), the result, its checks (one INSERT) and the case
# event.
RERUN_QUERIES = 10


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
        bare_claim(worker, employer, S.COMPLETED, phk=dt.date(2012 + n, 3, 1), number=f"JKP-E{n}")
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


def test_the_history_holds_what_a_scenario_reads_up_to_its_month(
    employer, django_assert_num_queries
):
    worker = ParticipantFactory()
    add_enrollments(worker, programs=["JKN", "JKK"])
    add_contributions(worker, employer, last=dt.date(2025, 8, 1), months=6, wage=4_000_000)
    EmploymentFactory(participant=worker, employer=employer, start_date=dt.date(2019, 1, 1))
    later = EmploymentFactory(participant=worker, start_date=dt.date(2024, 2, 1))
    for n, state in enumerate((S.COMPLETED, S.DRAFT)):
        bare_claim(worker, employer, state, phk=dt.date(2020 + n, 3, 1), number=f"JKP-H{n}")
    with django_assert_num_queries(1):
        history = read_history(worker.pk, until=dt.date(2025, 6, 20))
    assert sorted(program for program, _since, _until in history.enrollments) == ["JKK", "JKN"]
    # March to June 2025, oldest first: July and August are after the month asked.
    assert [period for period, _wage, _employer in history.contributions] == [
        dt.date(2025, month, 1) for month in (3, 4, 5, 6)
    ]
    assert {(wage, by) for _period, wage, by in history.contributions} == {(4_000_000, employer.pk)}
    assert [(number, state, day) for _pk, state, day, number in history.claims] == [
        ("JKP-H1", S.DRAFT, dt.date(2021, 3, 1)),
        ("JKP-H0", S.COMPLETED, dt.date(2020, 3, 1)),
    ]
    assert history.last_employer_id == later.employer_id
