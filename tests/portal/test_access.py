"""A worker sees only their own data: every guessed URL of another worker's case answers 404."""

import pytest
from django.urls import reverse

from claims import services as claim_services
from claims.models import Claim
from tests.portal.conftest import make_worker, phk_date, submitted_claim, verify_and_recommend

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_claim(other_worker, outsider, outside_supervisor):
    """Another worker's approved claim, with documents and instalments."""
    claim = submitted_claim(other_worker)
    verify_and_recommend(claim, outsider)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=outside_supervisor)
    return claim


@pytest.fixture
def their_draft(other_branch):
    """A third worker's draft, still editable in the claim steps."""
    someone = make_worker(branch=other_branch, username="pekerja3")
    return claim_services.open_claim(
        participant=someone,
        employer=someone.employments.get().employer,
        phk_date=phk_date(),
        reason="efficiency",
        contract_type="PKWTT",
        channel=Claim.Channel.PORTAL,
        acting_user=someone.user,
    )


def test_another_workers_pages_answer_404(worker_client, their_claim):
    document = their_claim.documents.first()
    instalment = their_claim.instalments.first()
    urls = [
        reverse("portal:claim", kwargs={"pk": their_claim.pk}),
        reverse("portal:document", kwargs={"pk": document.pk}),
        reverse("portal:instalment", kwargs={"pk": instalment.pk}),
    ]
    for url in urls:
        assert worker_client.get(url).status_code == 404, url


def test_another_workers_actions_answer_404_and_change_nothing(
    worker_client, their_claim, their_draft
):
    posts = [
        (reverse("portal:claim_appeal", kwargs={"pk": their_claim.pk}), {"note": "x"}),
        (reverse("portal:claim_withdraw", kwargs={"pk": their_draft.pk}), {}),
        (reverse("portal:claim", kwargs={"pk": their_claim.pk}), {"doc_type": "other"}),
    ]
    for step in ("phk", "bank", "documents", "review"):
        url = reverse("portal:claim_step", kwargs={"pk": their_draft.pk, "step": step})
        assert worker_client.get(url).status_code == 404, url
        posts.append((url, {"kapk_signed": "on", "next": "1"}))
    for url, data in posts:
        assert worker_client.post(url, data).status_code == 404, url
    assert Claim.objects.get(pk=their_draft.pk).state == Claim.State.DRAFT
    assert Claim.objects.get(pk=their_claim.pk).state == Claim.State.APPROVED


def test_lists_show_only_the_workers_own_cases(worker_client, worker, their_claim):
    mine = submitted_claim(worker)
    home = worker_client.get(reverse("portal:home"))
    notes = worker_client.get(reverse("portal:notifications"))
    assert mine.number in home.text
    assert their_claim.number not in home.text
    assert their_claim.number not in notes.text
    assert {n.claim.pk for n in notes.context["notifications"]} == {mine.pk}


def test_the_worker_downloads_their_own_document(worker_client, worker):
    claim = submitted_claim(worker)
    document = claim.documents.first()

    response = worker_client.get(reverse("portal:document", kwargs={"pk": document.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_staff_cannot_use_the_portal(client, officer, their_claim):
    client.force_login(officer)
    assert client.get(reverse("portal:claim", kwargs={"pk": their_claim.pk})).status_code == 403
