"""One reading of the rules: for every demo worker, the worker's pre-check on the portal, the
API's eligibility evaluation and the officer's frozen results give the answer jkp_simulate
gives for the same scenario (the contract's black box)."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import Grant
from api.services import create_integration_client
from claims.models import Claim, EligibilityResult, Termination
from claims.services import build_scenario
from demo import seed as demo
from participants.models import Participant
from portal import selectors as portal_selectors

pytestmark = pytest.mark.django_db


def simulate(scenario: dict, tmp_path) -> dict:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    out = io.StringIO()
    call_command("jkp_simulate", str(path), stdout=out)
    return json.loads(out.getvalue())


def verdict(result: dict) -> tuple:
    return (
        result["eligible"],
        result["rule_version"],
        tuple((check["code"], check["passed"]) for check in result["checks"]),
        result["cash_total"],
    )


def test_portal_api_and_simulate_agree_for_every_demo_worker(tmp_path):
    demo.seed(history=False)
    today = timezone.localdate()
    phk = demo.phk_date_for(today)
    _client, token = create_integration_client(name="Cek", grants=[Grant.ELIGIBILITY_READ])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    workers = Participant.objects.filter(kpj_number__in=[w.kpj for w in demo.WORKERS])
    assert workers.count() == len(demo.WORKERS)
    for participant in workers:
        employment = participant.employments.select_related("employer").first()
        termination = {
            "phk_date": phk,
            "reason": "efficiency",
            "contract_type": employment.contract_type,
            "contract_end_date": employment.end_date,
        }
        probe = Claim(
            participant=participant,
            termination=Termination(
                participant=participant, employer=employment.employer, **termination
            ),
        )
        simulated = simulate(build_scenario(probe, on=today), tmp_path)
        expected = verdict(simulated)
        counted = {check["code"]: check["value"] for check in simulated["checks"]}

        pre = portal_selectors.precheck(participant=participant, **termination)
        shown = (
            pre.eligible,
            pre.rule_version,
            tuple((line.code, line.passed) for line in pre.checks),
            pre.total,
        )
        assert shown == expected, participant.name

        body = {
            "nik": participant.nik,
            **{
                k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in termination.items()
            },
        }
        answer = api.post("/api/v1/eligibility/", body, format="json")
        assert answer.status_code == 200, answer.content
        assert verdict(answer.json()["evaluation"]) == expected, participant.name
        summary = answer.json()["contributions"]
        assert summary["months_paid_in_window"] == counted["contribution_months"]
        assert summary["consecutive_months"] == counted["consecutive_months"]


def test_the_officers_frozen_results_are_what_simulate_says(tmp_path):
    demo.seed(history=False)
    results = list(EligibilityResult.objects.all())
    assert results
    for result in results:
        assert verdict(simulate(result.inputs, tmp_path)) == verdict(result.result)
