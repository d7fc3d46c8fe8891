"""The supervisor decides with the evidence in view: the PHK proof number, the wage used for the
cash and every document shown inline beside the recommendation; the queue counts working days."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims import clocks, services
from claims.models import Claim, ClaimState, Termination
from jkp_site.core.money import format_rupiah
from tests.claims.conftest import WAGE, bare_claim
from tests.factories import ParticipantFactory
from tests.samples import PNG

pytestmark = pytest.mark.django_db
S = ClaimState


def test_the_approval_screen_shows_the_proof_the_wage_and_the_documents(
    client, make_claim, supervisor
):
    claim = make_claim(S.AWAITING_APPROVAL)
    Termination.objects.filter(pk=claim.termination_id).update(
        proof_number="B/123/PHK/2026", proof_date=timezone.localdate()
    )
    client.force_login(supervisor)
    page = client.get(reverse("claims:approval", args=[claim.pk])).text
    assert "B/123/PHK/2026" in page
    assert format_rupiah(WAGE) in page.split('id="wage-used"')[1][:200]
    for document in claim.documents.all():
        assert f'<iframe src="{reverse("claims:document_view", args=[document.pk])}"' in page
    # The evidence and the recommendation stand side by side.
    assert page.index('id="evidence-title"') < page.index('id="recommendation-title"')


def test_an_image_is_previewed_as_an_image(client, make_claim, officer, supervisor):
    claim = make_claim(S.SUBMITTED)
    services.add_document(
        claim_id=claim.pk,
        doc_type="identity",
        uploaded_file=SimpleUploadedFile("ktp.png", PNG, content_type="image/png"),
        acting_user=officer,
    )
    image = claim.documents.get(doc_type="identity")
    client.force_login(supervisor)
    response = client.get(reverse("claims:document_view", args=[image.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_download_stays_an_attachment_that_no_page_may_frame(client, make_claim, supervisor):
    claim = make_claim(S.AWAITING_APPROVAL)
    document = claim.documents.first()
    client.force_login(supervisor)
    response = client.get(reverse("claims:document_download", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Frame-Options"] == "DENY"


def test_the_inline_view_is_scoped_like_the_download(client, make_claim, outsider, worker_user):
    claim = make_claim(S.AWAITING_APPROVAL)
    document = claim.documents.first()
    url = reverse("claims:document_view", args=[document.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(worker_user)
    assert client.get(url).status_code == 403


def test_the_queue_counts_working_days_left_and_late(client, officer, employer):
    today = timezone.localdate()
    fresh = bare_claim(ParticipantFactory(), employer, S.SUBMITTED)
    late = bare_claim(ParticipantFactory(), employer, S.SUBMITTED)
    Claim.objects.filter(pk=late.pk).update(state_changed_at=timezone.now() - dt.timedelta(days=30))
    late.refresh_from_db()
    client.force_login(officer)
    page = client.get(reverse("claims:list")).text

    def cell(claim):
        row = page.split(f'data-claim="{claim.number}"')[1].split("</tr>")[0]
        return row.split('class="sla-days fw-semibold">')[1].split("<")[0]

    fresh_due = clocks.sla_due(S.SUBMITTED, clocks.entered_on(fresh))
    assert cell(fresh) == str(clocks.working_days_between(today, fresh_due))
    assert 0 < int(cell(fresh)) <= clocks.STATE_SLA_WORKING_DAYS[S.SUBMITTED]
    assert int(cell(late)) < 0
    assert fresh_due.strftime("%d-%m-%Y") in page


def test_working_days_left_on_either_side_of_the_due_date():
    friday = dt.date(2026, 11, 20)
    monday = dt.date(2026, 11, 23)
    assert clocks.working_days_left(monday, friday) == 1
    assert clocks.working_days_left(friday, friday) == 0
    assert clocks.working_days_left(friday, monday) == -1
