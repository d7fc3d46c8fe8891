"""The four v1 operations, their scoping by grant, branch and employer, and bad input."""

import datetime as dt

import pytest
from django.utils import timezone

from api.models import Grant
from claims.models import CaseEvent, CashInstalment, Claim, Termination
from tests.factories import (
    BranchFactory,
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    add_contributions,
)

pytestmark = pytest.mark.django_db

ELIGIBILITY = "/api/v1/eligibility/"
PHK = "/api/v1/phk-reports/"


def make_claim(participant, employer, *, number="JKP-0001", state=Claim.State.SUBMITTED):
    termination = Termination.objects.create(
        participant=participant,
        employer=employer,
        phk_date=dt.date(2026, 10, 5),
        reason="efficiency",
        contract_type="PKWTT",
    )
    return Claim.objects.create(
        number=number,
        participant=participant,
        termination=termination,
        branch=employer.branch,
        state=state,
    )


# --- eligibility ------------------------------------------------------------------------------


def test_eligibility_summary_counts_the_window(issue_token, worker):
    response = issue_token([Grant.ELIGIBILITY_READ]).post(
        ELIGIBILITY,
        {"nik": worker.nik, "phk_date": "2026-10-05", "reason": "efficiency"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["nik_masked"] == worker.nik_masked
    assert worker.nik not in response.content.decode()
    # The window ends with the PHK month (2026-10); the last paid month is 2026-09.
    assert body["contributions"]["months_paid_in_window"] == 23
    assert body["contributions"]["consecutive_months"] == 30
    assert body["contributions"]["latest_wage"] == 4_000_000
    assert body["evaluation"]["eligible"] is True
    assert body["evaluation"]["cash_total"] == 14_400_000
    assert body["open_claim"] is None


def test_eligibility_without_phk_has_no_evaluation(issue_token, worker):
    response = issue_token([Grant.ELIGIBILITY_READ]).post(
        ELIGIBILITY, {"nik": worker.nik}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["evaluation"] is None


def test_eligibility_never_takes_the_nik_from_the_query(issue_token, worker):
    response = issue_token([Grant.ELIGIBILITY_READ]).post(
        f"{ELIGIBILITY}?nik={worker.nik}", {"nik": worker.nik}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("unknown", "nik")


def test_eligibility_unknown_nik_is_404(issue_token, worker):
    response = issue_token([Grant.ELIGIBILITY_READ]).post(
        ELIGIBILITY, {"nik": "3174011704900999"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_branch_token_cannot_look_up_another_branchs_worker(issue_token, worker, other_branch):
    response = issue_token([Grant.ELIGIBILITY_READ], branch=other_branch).post(
        ELIGIBILITY, {"nik": worker.nik}, format="json"
    )
    assert response.status_code == 404


def test_branch_token_finds_a_worker_who_only_contributed_at_its_employers(
    issue_token, branch, other_branch
):
    """Employed elsewhere now, paid months at the branch's employer: in its scope; the
    contribution months are asked only because no employment answered."""
    worker = ParticipantFactory()
    EmploymentFactory(participant=worker, employer=EmployerFactory(branch=other_branch))
    add_contributions(
        worker, EmployerFactory(branch=branch), last=dt.date(2025, 6, 1), months=3, wage=4_000_000
    )
    api = issue_token([Grant.ELIGIBILITY_READ], branch=branch)
    assert api.post(ELIGIBILITY, {"nik": worker.nik}, format="json").status_code == 200
    stranger = issue_token([Grant.ELIGIBILITY_READ], branch=BranchFactory(code="MDN"))
    assert stranger.post(ELIGIBILITY, {"nik": worker.nik}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nik": "123"}, "nik"),
        ({"nik": 3174011704900001}, "nik"),
        ({"nik": None}, "nik"),
        ({"nik": "3174011704900001", "phk_date": "2026-13-45", "reason": "efficiency"}, "phk_date"),
        ({"nik": "3174011704900001", "phk_date": "1999-01-01", "reason": "efficiency"}, "phk_date"),
        ({"nik": "3174011704900001", "phk_date": "2026-10-01"}, "reason"),
        ({"nik": "3174011704900001", "phk_date": "2026-10-01", "reason": "nope"}, "reason"),
        (
            {
                "nik": "3174011704900001",
                "phk_date": "2026-10-01",
                "reason": "efficiency",
                "contract_type": "PKWT",
            },
            "contract_end_date",
        ),
        (["not", "an", "object"], None),
    ],
)
def test_bad_eligibility_input_is_400_naming_the_field(issue_token, body, field):
    response = issue_token([Grant.ELIGIBILITY_READ]).post(ELIGIBILITY, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_malformed_json_is_400_not_500(issue_token):
    api = issue_token([Grant.ELIGIBILITY_READ])
    response = api.post(ELIGIBILITY, b'{"nik": "31', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    huge = api.post(ELIGIBILITY, b'{"nik": 1' + b"0" * 5000 + b"}", content_type="application/json")
    assert huge.status_code == 400
    deep = api.post(ELIGIBILITY, b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
    assert deep.status_code == 400
    assert deep.json()["error"]["code"] == "parse_error"
    for body in (b'{"nik": NaN}', b"\xff\xfe", b'{"nik": "31740117\\u0000"}'):
        response = api.post(ELIGIBILITY, body, content_type="application/json")
        assert response.status_code == 400, body


def test_non_json_body_is_415(issue_token):
    response = issue_token([Grant.ELIGIBILITY_READ]).post(
        ELIGIBILITY, "nik=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


# --- PHK reports ------------------------------------------------------------------------------


def phk_body(worker, employer, **extra):
    return {
        "nik": worker.nik,
        "npp": employer.npp,
        "phk_date": "2026-10-05",
        "reason": "efficiency",
        "proof_number": "PHK/2026/10/001",
        **extra,
    }


def test_phk_report_creates_then_updates_the_termination(issue_token, worker, employer):
    api = issue_token([Grant.PHK_WRITE])
    first = api.post(PHK, phk_body(worker, employer), format="json")
    assert first.status_code == 201
    assert first.json()["created"] is True
    again = api.post(PHK, phk_body(worker, employer, reason="merger"), format="json")
    assert again.status_code == 200
    assert again.json()["termination_id"] == first.json()["termination_id"]
    termination = Termination.objects.get()
    assert termination.reason == "merger"
    assert termination.reported_by_employer


def test_phk_report_for_a_stranger_is_refused(issue_token, employer):
    stranger = ParticipantFactory()
    response = issue_token([Grant.PHK_WRITE]).post(PHK, phk_body(stranger, employer), format="json")
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "not_employed",
        "message": response.json()["error"]["message"],
        "field": "npp",
    }
    assert not Termination.objects.exists()


def test_employer_token_reports_only_its_own_workers(issue_token, worker, employer, branch):
    other_employer = EmployerFactory(branch=branch)
    EmploymentFactory(participant=worker, employer=other_employer)
    api = issue_token([Grant.PHK_WRITE], employer=employer)
    response = api.post(PHK, phk_body(worker, other_employer), format="json")
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "npp"
    assert api.post(PHK, phk_body(worker, employer), format="json").status_code == 201


def test_phk_report_cannot_change_a_claim_being_handled(issue_token, worker, employer):
    make_claim(worker, employer, state=Claim.State.VERIFYING)
    response = issue_token([Grant.PHK_WRITE]).post(
        PHK, phk_body(worker, employer, reason="merger"), format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "claim_in_progress"
    assert Termination.objects.get().reason == "efficiency"


# --- claim status -----------------------------------------------------------------------------


def test_claim_status_with_instalments(issue_token, worker, employer):
    claim = make_claim(worker, employer, state=Claim.State.BENEFIT_ACTIVE)
    for month in (1, 2):
        CashInstalment.objects.create(
            claim=claim,
            month=month,
            due_date=dt.date(2026, 10 + month, 5),
            percent=60,
            amount=2_400_000,
            rule_version="PP6-2025",
            status="paid" if month == 1 else "scheduled",
        )
    response = issue_token([Grant.CLAIMS_READ]).get(f"/api/v1/claims/{claim.number}/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "benefit_active"
    assert [(i["month"], i["status"]) for i in body["instalments"]] == [
        (1, "paid"),
        (2, "scheduled"),
    ]


def test_claim_of_another_branch_is_404(issue_token, worker, employer, other_branch):
    claim = make_claim(worker, employer)
    response = issue_token([Grant.CLAIMS_READ], branch=other_branch).get(
        f"/api/v1/claims/{claim.number}/"
    )
    assert response.status_code == 404


# --- changes ----------------------------------------------------------------------------------


def test_changes_since_a_timestamp_follow_the_cursor(issue_token, worker, employer, other_branch):
    claim = make_claim(worker, employer)
    before = timezone.now()
    for step in range(5):
        CaseEvent.objects.create(claim=claim, action=f"step{step}", to_state="submitted")
    foreign = make_claim(
        ParticipantFactory(), EmployerFactory(branch=other_branch), number="JKP-9999"
    )
    CaseEvent.objects.create(claim=foreign, action="elsewhere")
    api = issue_token([Grant.CHANGES_READ], branch=employer.branch)
    url = f"/api/v1/changes/?since={before.isoformat().replace('+', '%2B')}&page_size=2"
    seen = []
    while url:
        response = api.get(url)
        assert response.status_code == 200
        seen += [item["action"] for item in response.json()["results"]]
        url = response.json()["next"]
    assert seen == [f"step{n}" for n in range(5)]


@pytest.mark.parametrize("n", [3, 30])
def test_changes_start_at_since_in_fixed_queries(
    n, issue_token, worker, employer, django_assert_max_num_queries
):
    """The feed starts after the last event stamped an hour before `since`: nothing older
    comes back, nothing newer is lost (the hour just before `since` included), in a fixed
    number of queries however long the history."""
    import time_machine

    claim = make_claim(worker, employer)
    since = timezone.now() - dt.timedelta(days=30)
    for days in range(n):
        with time_machine.travel(since - dt.timedelta(days=days + 1), tick=False):
            CaseEvent.objects.create(claim=claim, action="old")
    with time_machine.travel(since - dt.timedelta(minutes=5), tick=False):
        CaseEvent.objects.create(claim=claim, action="just-before")
    for step in range(3):
        with time_machine.travel(since + dt.timedelta(minutes=step + 1), tick=False):
            CaseEvent.objects.create(claim=claim, action=f"new{step}")
    api = issue_token([Grant.CHANGES_READ], employer=employer)
    url = f"/api/v1/changes/?since={since.isoformat().replace('+', '%2B')}"
    api.get(url)
    with django_assert_max_num_queries(8):
        response = api.get(url)
    assert [item["action"] for item in response.json()["results"]] == ["new0", "new1", "new2"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?since=yesterday",
        "?since=2026-01-01T00:00:00Z&cursor=garbage",
        "?since=0001-01-01T00:00:00",
        "?since=0001-01-01T00:00:00%2B01:00",
        "?since=9999-12-31T23:59:59-14:00",
        "?since=2026-01-01T00:00:00Z&page_size=99999999999999999999",
    ],
)
def test_changes_bad_query_is_a_structured_error(issue_token, query):
    response = issue_token([Grant.CHANGES_READ]).get(f"/api/v1/changes/{query}")
    assert response.status_code in (400, 404)
    assert set(response.json()["error"]) == {"code", "message", "field"}


def test_phk_report_opens_a_draft_claim_through_the_workflow(issue_token, worker, employer):
    api = issue_token([Grant.PHK_WRITE], name="HR system")
    api.post(PHK, phk_body(worker, employer), format="json")
    response = api.post(
        PHK,
        phk_body(
            worker,
            employer,
            open_claim=True,
            bank_name="BRI",
            bank_account="001234567890",
            bank_account_holder=worker.name,
            kapk_signed=True,
        ),
        format="json",
    )
    assert response.status_code == 200
    claim = Claim.objects.get(number=response.json()["claim"]["number"])
    assert claim.state == Claim.State.DRAFT
    assert claim.channel == Claim.Channel.API
    assert claim.branch == employer.branch
    assert claim.kapk_signed_at is not None
    assert Termination.objects.count() == 1
    assert claim.termination.reported_by_employer
    opened = claim.events.get(action="open")
    assert opened.actor.integration_client.name == "HR system"
    corrected = api.post(PHK, phk_body(worker, employer, reason="merger"), format="json")
    assert corrected.status_code == 200
    claim.termination.refresh_from_db()
    assert claim.termination.reason == "merger"
