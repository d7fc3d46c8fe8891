"""Words a worker can read: no rule code, ruling number, internal state code or ISO date on any
portal page, in Indonesian or in English."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from benefits import services as benefit_services
from claims import services as claim_services
from claims.models import ClaimState, TerminationReason
from tests.benefits.builders import set_status
from tests.portal.conftest import phk_date, submitted_claim, verify_and_recommend
from training.models import JobSeekingActivity

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RULE_CODE = re.compile(r"\bPP\d+-\d{4}\b|\bD\d{1,2}\b")
CODES = {
    *(code for code in TerminationReason.values if "_" in code),
    *(code for code in ClaimState.values if "_" in code),
}


def visible_text(response) -> str:
    """What the worker reads: the page without scripts, styles, tags and attribute values."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def problems(text: str) -> list[str]:
    found = ISO_DATE.findall(text) + RULE_CODE.findall(text)
    found += [code for code in CODES if re.search(rf"\b{code}\b", text)]
    return found


@pytest.fixture
def worker_pages(worker_client, worker, officer, supervisor, counsellor):
    """Every portal page of a worker whose benefit runs, with paid and unpaid months."""
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    benefit_services.record_activity(
        claim_id=claim.pk,
        acting_user=counsellor,
        kind=JobSeekingActivity.Kind.SELF_ASSESSMENT,
        occurred_on=timezone.localdate(),
    )
    set_status(claim, [1], "paid")
    set_status(claim, [2], "not_paid")
    instalment = claim.instalments.get(month=1)
    return [
        reverse("portal:home"),
        reverse("portal:notifications"),
        reverse("portal:claim", args=[claim.pk]),
        reverse("portal:instalment", args=[instalment.pk]),
        reverse("portal:report_activity", args=[claim.pk]),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_code_or_iso_date_on_a_worker_page(worker_client, worker_pages, language):
    worker_client.cookies["django_language"] = language
    # The locale middleware activates the cookie's language in this thread; leave as found.
    with translation.override(translation.get_language()):
        answers = {"phk_date": phk_date(), "reason": "resign_voluntary", "contract_type": "PKWTT"}
        responses = [(url, worker_client.get(url)) for url in worker_pages]
        responses.append(("precheck", worker_client.post(reverse("portal:precheck"), answers)))
        for url, response in responses:
            assert response.status_code == 200, url
            assert problems(visible_text(response)) == [], url
