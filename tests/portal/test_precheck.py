import datetime as dt

import pytest
from django.urls import reverse

from tests.language import InEnglish
from tests.portal.conftest import phk_date

pytestmark = pytest.mark.django_db


def check(client, *, language="en", **params):
    data = {"phk_date": phk_date().isoformat(), "reason": "efficiency", "contract_type": "PKWTT"}
    data.update(params)
    if language == "en":
        return InEnglish(client).post(reverse("portal:precheck"), data)
    return client.post(reverse("portal:precheck"), data)


def test_eligible_worker_sees_every_check_and_the_expected_cash(worker_client):
    response = check(worker_client)

    result = response.context["result"]
    assert result.eligible
    assert [line.code for line in result.checks] == [
        "citizenship", "age_at_registration", "program_enrollment", "termination_reason",
        "claim_deadline", "contribution_months", "consecutive_months", "prior_claims",
    ]  # fmt: skip
    assert all(line.passed and line.article for line in result.checks)
    # Wage 5,500,000 is capped at 5,000,000; PP 6/2025 pays 60% for six months.
    assert [i.amount for i in result.schedule] == [3_000_000] * 6
    assert result.total == 18_000_000
    assert "Rp 18.000.000" in response.text
    assert "Months of contributions paid" in response.text
    assert "Pasal 19" in response.text


def test_the_check_files_nothing(worker_client, worker):
    check(worker_client)
    assert not worker.claims.exists()


def test_a_resignation_fails_with_its_article(worker_client):
    response = check(worker_client, reason="resign_voluntary")

    result = response.context["result"]
    assert not result.eligible
    failed = [line for line in result.checks if not line.passed]
    assert [line.code for line in failed] == ["termination_reason"]
    assert "Pasal 20" in failed[0].article
    assert result.schedule == ()
    assert "You do not meet every condition" in response.text


def test_too_few_months_fail_the_contribution_checks(client, branch):
    from tests.portal.conftest import make_worker

    short = make_worker(branch=branch, username="pendek", months=5)
    client.force_login(short.user)

    result = check(client).context["result"]

    # PP 6/2025 asks no consecutive run any more (D1): only the 12-in-24 count fails.
    assert {line.code for line in result.checks if not line.passed} == {"contribution_months"}


def test_checks_read_in_indonesian_by_default(worker_client):
    response = check(worker_client, language="id")
    assert "bulan iuran" in response.text


def test_pkwt_needs_its_end_date(worker_client):
    response = check(worker_client, contract_type="PKWT")
    assert response.context["form"].has_error("contract_end_date")
    assert response.context["result"] is None


def test_future_phk_date_is_refused(worker_client):
    response = check(worker_client, phk_date="2999-01-01")
    assert response.context["form"].has_error("phk_date")


def test_the_empty_form_shows_no_result(worker_client):
    response = worker_client.get(reverse("portal:precheck"))
    assert response.status_code == 200
    assert response.context["result"] is None


def test_the_answers_stay_out_of_the_url_and_fill_the_claim_form(worker_client):
    day = phk_date() - dt.timedelta(days=3)
    response = check(
        worker_client,
        phk_date=day.isoformat(),
        reason="contract_early_end",
        contract_type="PKWT",
        contract_end_date=(day + dt.timedelta(days=200)).isoformat(),
    )
    assert response.status_code == 200
    assert 'method="post"' in response.text
    assert reverse("portal:file_claim") + '"' in response.text  # no answers in the link

    form = InEnglish(worker_client).get(reverse("portal:file_claim")).context["form"]

    assert form.initial["phk_date"] == day
    assert form.initial["reason"] == "contract_early_end"
    assert form.initial["contract_type"] == "PKWT"
    assert form.initial["contract_end_date"] == day + dt.timedelta(days=200)


def test_a_claim_filed_from_the_answers_forgets_them(worker_client, worker):
    check(worker_client)
    page = InEnglish(worker_client).get(reverse("portal:file_claim"))
    assert "We filled in what you told the eligibility check." in page.text

    filed = worker_client.post(
        reverse("portal:file_claim"),
        {"phk_date": phk_date().isoformat(), "reason": "efficiency", "contract_type": "PKWTT"},
    )

    assert filed.status_code == 302
    assert "portal:precheck" not in worker_client.session
    assert worker.claims.get().termination.phk_date == phk_date()


def test_without_a_pre_check_the_claim_form_starts_from_the_record(worker_client):
    page = InEnglish(worker_client).get(reverse("portal:file_claim"))
    assert "phk_date" not in page.context["form"].initial
    assert "We filled in what you told the eligibility check." not in page.text
