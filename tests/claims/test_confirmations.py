"""Every irreversible action on a claim asks first: the POST without ``confirmed=1`` restates
the claim, the worker, the amounts and the consequence and changes nothing; the one with it
acts through the service, and its message says what happens next."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from claims.models import CaseEvent, CashInstalment, ClaimState
from jkp_site.core.money import format_rupiah
from tests.claims.conftest import WAGE, add_proof

pytestmark = pytest.mark.django_db
S = ClaimState


@pytest.fixture
def client():
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return english


def _total(claim):
    return format_rupiah(claim.eligibility_results.get().cash_total)


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _asks_then_acts(client, url, data, claim, *, then):
    before = CaseEvent.objects.filter(claim=claim).count()
    page = client.post(url, data)
    assert page.status_code == 200
    assert 'id="confirm-form"' in page.text
    assert claim.number in page.text
    assert claim.participant.nik_masked in page.text
    assert claim.participant.nik not in page.text
    claim.refresh_from_db()
    assert CaseEvent.objects.filter(claim=claim).count() == before
    # The confirm page posts the same fields back, with the flag.
    for name, value in data.items():
        assert f'name="{name}" value="{value}"' in page.text
    response = client.post(url, {**data, "confirmed": "1"}, follow=True)
    claim.refresh_from_db()
    assert claim.state == then
    return page, _messages(response)


def test_approval_restates_the_schedule_and_its_total(client, make_claim, supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    page, said = _asks_then_acts(
        client,
        reverse("claims:approve", args=[claim.pk]),
        {"approve-note": "ok"},
        claim,
        then=S.APPROVED,
    )
    assert 'id="confirm-table"' in page.text
    assert f"Yes, approve {_total(claim)}" in page.text
    assert format_rupiah(WAGE) in page.text  # the wage used
    assert page.text.count("Rp 2.400.000") == 6  # six months at 60% of the wage
    assert CashInstalment.objects.filter(claim=claim).count() == 6
    assert said == [
        "Claim approved. Next: each instalment is paid in the monthly payment batch once it "
        "is due; the decision letter is on the case for the worker."
    ]


def test_rejection_says_the_reason_and_the_right_to_object(client, make_claim, supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    page, said = _asks_then_acts(
        client,
        reverse("claims:reject", args=[claim.pk]),
        {"reject-reason_code": "not_eligible"},
        claim,
        then=S.REJECTED,
    )
    assert "object (keberatan) once" in page.text
    assert "may object once" in said[0]


def test_submission_asks_first(client, make_claim, officer):
    claim = make_claim(S.DRAFT)
    add_proof(claim, officer)
    client.force_login(officer)
    page, said = _asks_then_acts(
        client, reverse("claims:submit", args=[claim.pk]), {}, claim, then=S.SUBMITTED
    )
    assert "cannot be edited any more" in page.text
    assert said[0].startswith("Claim submitted. Next:")


def test_recommendation_restates_the_verdict(client, make_claim, officer):
    claim = make_claim(S.ELIGIBILITY_CHECKED)
    client.force_login(officer)
    page, said = _asks_then_acts(
        client,
        reverse("claims:recommend", args=[claim.pk]),
        {"recommendation": "approve"},
        claim,
        then=S.AWAITING_APPROVAL,
    )
    assert _total(claim) in page.text
    assert "approval screen" in said[0]


def test_stopping_counts_the_instalments_it_cancels(client, make_claim, supervisor):
    claim = make_claim(S.BENEFIT_ACTIVE)
    client.force_login(supervisor)
    page, said = _asks_then_acts(
        client,
        reverse("claims:stop", args=[claim.pk]),
        {"reason_code": "reemployed"},
        claim,
        then=S.STOPPED,
    )
    assert f"6, {_total(claim)}" in page.text
    assert "cannot be undone" in page.text
    assert "stop letter" in said[0]
    assert not claim.instalments.exclude(status=CashInstalment.Status.CANCELLED).exists()


def test_withdrawal_and_appeal_ask_first(client, make_claim, officer):
    claim = make_claim(S.REJECTED, reject=True)
    client.force_login(officer)
    page, _said = _asks_then_acts(
        client,
        reverse("claims:appeal", args=[claim.pk]),
        {"note": "The employer letter was misread."},
        claim,
        then=S.APPEALED,
    )
    assert "one appeal" in page.text
    draft = make_claim(S.DRAFT)
    _asks_then_acts(
        client,
        reverse("claims:withdraw", args=[draft.pk]),
        {"reason_code": "claimant_request"},
        draft,
        then=S.WITHDRAWN,
    )


def test_an_invalid_form_is_refused_before_any_confirmation(client, make_claim, supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    response = client.post(reverse("claims:reject", args=[claim.pk]), {"reject-reason_code": ""})
    assert response.status_code == 302


def test_a_page_left_open_after_someone_else_acted_asks_nothing(
    client, make_claim, supervisor, second_supervisor
):
    claim = make_claim(S.AWAITING_APPROVAL)
    client.force_login(supervisor)
    client.post(reverse("claims:approve", args=[claim.pk]), {"confirmed": "1"})
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    other.force_login(second_supervisor)
    response = other.post(reverse("claims:approve", args=[claim.pk]), follow=True)
    assert 'id="confirm-form"' not in response.text
    assert "reload the page" in _messages(response)[0]


def test_reversible_steps_act_at_once(client, make_claim, officer):
    claim = make_claim(S.SUBMITTED)
    client.force_login(officer)
    response = client.post(reverse("claims:start_verification", args=[claim.pk]), follow=True)
    claim.refresh_from_db()
    assert claim.state == S.VERIFYING
    assert "Next: accept each document" in _messages(response)[0]
