"""Head office sees the open over- and underpayments per branch, and starts the reassessment of
every claim a ruling touches from its page."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from claims.models import ReassessmentJob
from claims.reassessment import reassess_claim
from reports import monthly
from tests.reassessment.conftest import eligible_claim, set_phk_month_wage

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_money(branch):
    under = eligible_claim(branch, paid=(1,))
    set_phk_month_wage(under, 5_000_000)
    reassess_claim(claim_id=under.pk, trigger="contributions")  # 600,000 still to pay
    over = eligible_claim(branch, paid=(1, 2))
    set_phk_month_wage(over, 3_500_000)
    reassess_claim(claim_id=over.pk, trigger="contributions")  # a debt of 600,000


@pytest.mark.parametrize("page", ["reports:dashboard", "reports:monthly", "reassessment:rulings"])
def test_open_over_and_underpayments_per_branch(open_money, head_office, client, page, branch):
    client.force_login(head_office)
    response = client.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('id="open-money"') :]
    assert branch.name in table
    assert table.count("Rp 600.000") >= 2


def test_head_office_reassesses_after_a_ruling(branch, head_office, client):
    eligible_claim(branch, paid=(1,))
    client.force_login(head_office)
    response = client.post(
        reverse("reassessment:rulings"),
        {"rule_version": "PP6-2025", "ruling": "D13 (2026-12)"},
        follow=True,
    )
    assert response.status_code == 200
    job = ReassessmentJob.objects.get()
    assert (job.trigger, job.note, job.total) == ("ruling", "D13 (2026-12)", 1)
    assert 'id="jobs"' in response.content.decode()


def test_a_supervisor_cannot_start_a_ruling_job(supervisor, client):
    client.force_login(supervisor)
    assert client.get(reverse("reassessment:rulings")).status_code == 403


def test_the_ministry_files_carry_the_open_money_too(open_money, branch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    month = timezone.localdate().replace(day=1)
    xlsx = monthly.generate_report_file(month=month, fmt="xlsx", language="id")
    sheet = load_workbook(tmp_path / xlsx)["Uang terbuka"]
    rows = list(sheet.iter_rows(values_only=True))
    assert (branch.name, 1, 600_000, 1, 600_000) in rows
    pdf = monthly.generate_report_file(month=month, fmt="pdf", language="id")
    text = PdfReader(io.BytesIO((tmp_path / pdf).read_bytes())).pages[-1].extract_text()
    assert branch.name in text
    assert "600.000" in text
