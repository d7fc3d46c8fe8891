"""The demo's year: every office staffed, a few hundred claims in every state over every
office, paid months through real payment batches, appeals, stops and training, made the same
way on every run of the same day."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from claims.models import CaseEvent, CashInstalment, Claim, ClaimState, Decision, PaymentBatch
from demo import history
from demo import seed as demo
from jkp_site.core.models import KantorCabang, User
from jkp_site.core.roles import Role
from participants.models import Participant
from training.models import JobSeekingActivity, TrainingReferral

pytestmark = pytest.mark.django_db

# At least this many claims of each state after a full seed.
FLOORS = {
    ClaimState.DRAFT: 10,
    ClaimState.SUBMITTED: 8,
    ClaimState.VERIFYING: 8,
    ClaimState.ELIGIBILITY_CHECKED: 5,
    ClaimState.AWAITING_APPROVAL: 8,
    ClaimState.APPROVED: 4,
    ClaimState.REJECTED: 25,
    ClaimState.APPEALED: 5,
    ClaimState.BENEFIT_ACTIVE: 25,
    ClaimState.COMPLETED: 15,
    ClaimState.STOPPED: 10,
    ClaimState.WITHDRAWN: 10,
}


@pytest.fixture(scope="module")
def today():
    return timezone.localdate()


def test_the_year_fills_every_state_at_every_office(client, today):
    demo.seed(today=today)
    counts = demo.summary()["by_state"]
    for state, floor in FLOORS.items():
        assert counts.get(state, 0) >= floor, (state, counts)
    assert 250 <= sum(counts.values()) <= 400

    for office in KantorCabang.objects.all():
        staff = User.objects.filter(branch=office, is_active=True)
        for role in (Role.PETUGAS, Role.KEPALA_BIDANG, Role.PENGANTAR_KERJA):
            assert staff.filter(groups__name=role.value).exists(), (office.code, role)
        assert Claim.objects.filter(branch=office).count() >= 30, office.code

    # A year of events, none dated today or later (the year ends at midnight).
    year = CaseEvent.objects.filter(claim__participant__kpj_number__startswith="8")
    first = timezone.localtime(year.order_by("created_at").first().created_at).date()
    last = timezone.localtime(year.order_by("-created_at").first().created_at).date()
    assert today - dt.timedelta(days=372) <= first <= today - dt.timedelta(days=300)
    assert last < today

    batches = PaymentBatch.objects.filter(state=PaymentBatch.State.RECONCILED)
    assert batches.count() >= 18
    paid = CashInstalment.objects.filter(status="paid")
    assert paid.count() >= 200
    assert paid.filter(claim__state=ClaimState.COMPLETED).exists()
    assert CashInstalment.objects.filter(status="not_paid").exists()
    assert CashInstalment.objects.filter(status="rejected").exists()  # a transfer to fix
    reasons = set(Decision.objects.filter(outcome="reject").values_list("reason_code", flat=True))
    assert {"not_eligible", "excluded_reason", "proof_invalid"} <= reasons
    assert Claim.objects.filter(appeal_count=1).count() >= 15
    stops = set(
        CaseEvent.objects.filter(action="stop_benefit").values_list("reason_code", flat=True)
    )
    assert {"reemployed", "claimant_request"} <= stops
    kinds = set(JobSeekingActivity.objects.values_list("kind", flat=True))
    assert {"self_assessment", "job_application", "interview", "employment_status"} <= kinds
    assert TrainingReferral.objects.filter(state="completed").count() >= 5

    # Still the one duplicate-account pair (the identity flag case): the named one.
    flagged = set(
        Claim.objects.filter(
            identity_flags__isnull=False, identity_flags__cleared_at__isnull=True
        ).values_list("participant__kpj_number", flat=True)
    )
    assert flagged == {"21000000002", "21000000003"}
    accounts = [p.bank_account for p in Participant.objects.all()]
    assert len(accounts) - len(set(accounts)) == 1

    # The head office's dashboard shows the year; an office's queue shows its cases.
    client.force_login(User.objects.get(username="pusat1"))
    series = client.get("/reports/", {"months": 12}).context["series"]
    assert sum(1 for _month, figures in series if figures.received) >= 11
    assert sum(figures.amount_paid for _month, figures in series) > 0
    client.force_login(User.objects.get(username="petugas-pms"))
    page = client.get("/claims/")
    counts_shown = {state: n for state, _label, n in page.context["state_counts"]}
    assert counts_shown["submitted"] + counts_shown["verifying"] > 0
    shown = [row["claim"] for row in page.context["rows"]]
    assert shown
    assert {claim.branch.code for claim in shown} == {"PMS"}
    assert shown[0].number in page.text

    # Seeding again leaves the year as it is.
    before = demo.summary()
    demo.seed(today=today)
    assert demo.summary() == before


def test_the_same_day_gives_the_same_year(today):
    """Two runs into two empty databases (the first is rolled back) give equal data."""
    summaries = []
    for _run in range(2):
        with transaction.atomic():
            demo.seed(today=today, history_scale=0.2)
            summaries.append(demo.summary())
            transaction.set_rollback(True)
    assert summaries[0]["claims"] > len(history.FATES)
    assert summaries[0] == summaries[1]


def test_the_clock_is_the_real_one_again_after_the_year(today):
    demo.seed(today=today, history_scale=0.1)
    assert abs(timezone.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
