"""A working day on the seeded demo, one walk per role, through the real screens in Chromium:
the officer takes a submitted claim to a recommendation, the supervisor approves the claim
awaiting approval and downloads its decision letter, head office pays a batch and follows a
rejected transfer, the counsellor refers a worker to a nearby programme, and a worker carries
the pre-check into a claim and downloads its letters. The demo is seeded once (``seed_demo``)
for the five walks, and each picks its cases from the seeded data. A screenshot of each main
step is kept under ``$JKP_VAR_DIR/e2e/walks/`` (var/e2e/walks/ by default) as a test artefact.
"""

import csv
import io
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from benefits import payments
from claims import services as claim_services
from claims.models import (
    CashInstalment,
    Claim,
    ClaimState,
    InstalmentStatus,
    PaymentBatch,
    PaymentLine,
)
from demo.seed import DEMO_PASSWORD, phk_date_for
from jkp_site.core.models import User
from participants.models import Participant
from tests.benefits.builders import set_status
from tests.claims.conftest import PDF
from tests.e2e.conftest import english
from tests.portal.conftest import verify_and_recommend
from training import selectors as training_selectors
from training.models import TrainingProgram

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(django_settings.VAR_DIR) / "e2e" / "walks"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run outside DEBUG
    call_command("seed_demo", stdout=io.StringIO())


@contextmanager
def desk_for(browser, live_server):
    """A desktop browser of its own for one walk (nobody is signed in yet)."""
    context = english(
        browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US"),
        live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def test_a_working_day_on_the_demo_one_walk_per_role(live_server, browser, demo, tmp_path):
    """The five walks on one seeded demo (seeding takes about 25 s on SQLite and 90 s on
    PostgreSQL here: once, not per walk), in the order of a day, each in a browser of its own;
    a failure names its walk in the traceback."""
    for walk in (officer_walk, supervisor_walk, counsellor_walk, head_office_walk):
        with desk_for(browser, live_server) as page:
            walk(live_server, page)
    worker_walk(live_server, browser, tmp_path)


def shot(page, walk: str, step: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{walk}-{step}.png"), full_page=True)


def staff_sign_in(page, base_url: str, username: str) -> None:
    """The demo staff sign in with the password alone: the second factor is off in the demo
    and in tests (STAFF_OTP_REQUIRED)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert not page.url.endswith("/accounts/login/"), page.inner_text("main")


def pdf_at(page, base_url: str, href: str) -> bytes:
    """A letter fetched with the page's session, as its link gives it."""
    response = page.request.get(base_url + href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    return body


def officer_walk(live_server, desk):
    claim = Claim.objects.get(branch__code="JKT", participant__kpj_number="11000000004")
    assert claim.state == ClaimState.SUBMITTED
    page, base = desk, live_server.url
    staff_sign_in(page, base, "petugas1")

    page.goto(f"{base}{reverse('claims:list')}?state=submitted")
    page.wait_for_selector(f"text={claim.number}")
    shot(page, "officer", "1-queue")
    page.click(f"text={claim.number}")
    page.wait_for_selector("#claim-state:has-text('Submitted')")
    shot(page, "officer", "2-submitted")

    page.click("text=Start verification")
    page.wait_for_selector("#claim-state:has-text('Verifying documents')")
    for doc_type in ("phk_acceptance", "phk_report_receipt"):
        page.click(f"#documents tr[data-document={doc_type}] button[value='1']")
        page.wait_for_selector(f"#documents tr[data-document={doc_type}]:has-text('Accepted')")
    shot(page, "officer", "3-documents-accepted")

    page.click("text=Run eligibility check")
    page.wait_for_selector("#claim-state:has-text('Eligibility checked')")
    verdict = page.inner_text("#eligibility-verdict")
    shot(page, "officer", "4-eligibility")
    eligible = not verdict.strip().startswith("Not eligible")
    if eligible:
        page.check("#recommend-form input[value=approve]")
        page.fill("#recommend-form textarea[name=note]", "Dokumen lengkap, memenuhi syarat.")
    else:
        page.check("#recommend-form input[value=reject]")
        page.select_option("#recommend-form select[name=reason_code]", "not_eligible")
        page.fill("#recommend-form textarea[name=note]", "Tidak memenuhi syarat.")
    page.click("#recommend-form button[type=submit]")
    page.wait_for_selector("#confirm-facts")
    assert claim.number in page.inner_text("#confirm-facts")
    assert ("Approve" if eligible else "Reject") in page.inner_text("#confirm-facts")
    shot(page, "officer", "5-confirm-recommendation")
    page.click("#confirm-button")
    page.wait_for_selector("#claim-state:has-text('Awaiting approval')")
    shot(page, "officer", "6-awaiting-approval")

    claim.refresh_from_db()
    assert claim.state == ClaimState.AWAITING_APPROVAL
    assert claim.recommendation == ("approve" if eligible else "reject")


def supervisor_walk(live_server, desk):
    claim = Claim.objects.get(branch__code="JKT", participant__kpj_number="11000000003")
    assert claim.state == ClaimState.AWAITING_APPROVAL
    page, base = desk, live_server.url
    staff_sign_in(page, base, "kepala1")

    page.goto(f"{base}{reverse('claims:list')}?state=awaiting_approval")
    page.wait_for_selector(f"text={claim.number}")
    shot(page, "supervisor", "1-awaiting-approval")
    page.click(f"text={claim.number}")
    page.click("#open-approval")
    page.wait_for_selector("#approve-form")
    # The evidence beside the recommendation: the proof, the wage used, each document inline.
    assert claim.termination.proof_number in page.inner_text("#proof-number")
    assert "Rp" in page.inner_text("#wage-used")
    assert "Approve" in page.inner_text("#recommendation")
    assert page.locator("[data-preview] iframe").count() == claim.documents.count() == 2
    shot(page, "supervisor", "2-approval-screen")

    page.fill("#approve-form textarea", "Disetujui.")
    page.click("#approve-form button[type=submit]")
    page.wait_for_selector("#confirm-table")
    assert page.locator("#confirm-table tbody tr").count() == 6
    assert "Rp" in page.inner_text("#confirm-button")
    shot(page, "supervisor", "3-confirm-approval")
    page.click("#confirm-button")
    page.wait_for_selector("#claim-state:has-text('Approved')")
    shot(page, "supervisor", "4-approved")

    letter = page.locator("#letters a[href$='/letters/approval/']")
    assert letter.count() == 1
    pdf_at(page, base, letter.get_attribute("href"))
    page.reload()
    page.wait_for_selector("#letters")
    shot(page, "supervisor", "5-letter-listed")
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED
    assert claim.letters.filter(kind="approval").count() == 1


def _something_to_pay() -> None:
    """The run judges the instalments falling due today, then gathers every payable one. On a
    day when the demo has none of either, one month of a running benefit has its condition met
    this morning."""
    running = CashInstalment.objects.filter(
        claim__state=ClaimState.BENEFIT_ACTIVE, status=InstalmentStatus.SCHEDULED
    ).exclude(claim__bank_account="")
    if (
        payments.payable_instalments().exists()
        or running.filter(due_date__lte=timezone.localdate()).exists()
    ):
        return
    instalment = running.order_by("claim_id", "month").first()
    assert instalment is not None
    set_status(instalment.claim, [instalment.month], InstalmentStatus.PAYABLE)


def head_office_walk(live_server, desk):
    waiting = (
        PaymentLine.objects.filter(
            status=PaymentLine.Status.REJECTED, instalment__status=InstalmentStatus.REJECTED
        )
        .select_related("batch", "instalment__claim")
        .order_by("pk")
        .first()
    )
    assert waiting is not None, "the demo's history leaves rejected transfers to correct"
    _something_to_pay()
    page, base = desk, live_server.url
    staff_sign_in(page, base, "pusat1")

    page.click("nav >> text=Payments")
    page.wait_for_selector("#payable-summary")
    shot(page, "head-office", "1-payments")
    page.click("#run-batch")
    page.wait_for_selector("#confirm-facts")
    shot(page, "head-office", "2-confirm-gather")
    page.click("#confirm-button")
    page.wait_for_selector("#batch-state")
    batch = PaymentBatch.objects.get(state=PaymentBatch.State.READY)
    count = batch.lines.count()
    total = batch.lines.aggregate(total=Sum("amount"))["total"]
    assert f"Batch {batch.reference} gathered: {count} transfers." in page.inner_text("main")
    shot(page, "head-office", "3-batch-gathered")
    batch_url = page.url

    page.click("#export-batch")
    page.wait_for_selector("#confirm-facts")
    assert f"{total:,}".replace(",", ".") in page.inner_text("#confirm-facts")
    shot(page, "head-office", "4-confirm-export")
    with page.expect_download() as download:
        page.click("#confirm-button")
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert len(exported) == count

    page.goto(batch_url)
    result = "reference,status,amount,bank_reference,reason\n" + "".join(
        f"{row['reference']},paid,{row['amount']},BRI{n},\n" for n, row in enumerate(exported)
    )
    page.set_input_files(
        "#import-form input[type=file]",
        {"name": "hasil.csv", "mimeType": "text/csv", "buffer": result.encode()},
    )
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#confirm-facts")
    shot(page, "head-office", "5-confirm-import")
    page.click("#confirm-button")
    page.wait_for_selector("#batch-state:has-text('Reconciled')")
    shot(page, "head-office", "6-reconciled")

    # A transfer the bank refused in the year's runs, waiting for a corrected account.
    claim = waiting.instalment.claim
    page.goto(f"{base}{reverse('payments:batch_detail', args=[waiting.batch_id])}")
    page.wait_for_selector("#rejected-transfers")
    assert claim.number in page.inner_text("#rejected-transfers")
    shot(page, "head-office", "7-rejected-transfer")
    item = page.locator("#rejected-transfers li", has_text=claim.number)
    item.locator("a.btn").click()
    page.wait_for_selector("#rejected-months, #rejected-transfers")
    assert claim.number in page.inner_text("main")
    shot(page, "head-office", "8-rejected-transfer-action")

    # The report opens on the last complete month; the current one is marked provisional.
    page.goto(f"{base}{reverse('reports:monthly')}")
    page.wait_for_selector("#report-files")
    assert page.locator("#provisional").count() == 0
    today = timezone.localdate()
    page.goto(f"{base}{reverse('reports:monthly')}?month={today:%Y-%m}")
    page.wait_for_selector("#provisional")
    assert f"{today:%B %Y} is not over" in page.inner_text("#provisional")
    shot(page, "head-office", "9-monthly-report-provisional")


def counsellor_walk(live_server, desk):
    claim = (
        Claim.objects.filter(branch__code="JKT", state=ClaimState.BENEFIT_ACTIVE)
        .exclude(training_referrals__state__in=["referred", "accepted", "enrolled"])
        .select_related("branch")
        .order_by("pk")
        .first()
    )
    assert claim is not None
    near = list(training_selectors.programs_near(claim))
    assert near, "the demo catalogue has programmes near Jakarta"
    page, base = desk, live_server.url
    staff_sign_in(page, base, "konselor1")

    page.goto(f"{base}{reverse('benefits:caseload')}")
    page.wait_for_selector(f"text={claim.number}")
    shot(page, "counsellor", "1-caseload")
    page.click(f"text={claim.number}")
    page.wait_for_selector("#referral-form")
    options = page.eval_on_selector_all(
        "#referral-form select[name=program] option",
        "options => options.filter(o => o.value).map(o => [o.value, o.textContent.trim()])",
    )
    # Nearest first, each named with where it is held.
    assert [int(value) for value, _label in options[: len(near)]] == [p.pk for p in near]
    chosen_pk, chosen_label = options[0]
    assert claim.branch.city in chosen_label
    shot(page, "counsellor", "2-benefit")
    page.select_option("#referral-form select[name=program]", chosen_pk)
    page.click("#referral-form button[type=submit]")
    page.wait_for_selector("[data-referral]")
    shot(page, "counsellor", "3-referred")

    chosen = TrainingProgram.objects.select_related("provider").get(pk=chosen_pk)
    assert chosen.provider.city.lower() == claim.branch.city.lower()
    assert chosen.provider.region_id == claim.branch.kanwil_id
    assert chosen.title in page.inner_text("[data-referral]")
    assert claim.training_referrals.filter(program=chosen).exists()


def worker_walk(live_server, browser, tmp_path):
    worker = Participant.objects.get(kpj_number="11000000001")  # peserta1, no claim yet
    assert not worker.claims.exists()
    base = live_server.url
    context = english(
        browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US"),
        base,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    proof = tmp_path / "surat-phk.pdf"
    proof.write_bytes(PDF)
    phk = phk_date_for(timezone.localdate())  # the demo workers' PHK

    page.goto(f"{base}{reverse('portal:login')}")
    page.fill("input[name=username]", worker.kpj_number)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(f"text=Hello, {worker.name}")
    shot(page, "worker", "1-home")

    page.get_by_role("link", name="Eligibility check").click()
    page.get_by_label("Date your work ended (PHK date)").fill(phk.isoformat())
    page.get_by_label("Why your work ended").select_option("efficiency")
    page.get_by_label("Your contract").select_option("PKWTT")
    page.get_by_role("button", name="Check").click()
    page.wait_for_selector("#result-title")
    assert page.inner_text("#result-title") == "You meet every condition"
    shot(page, "worker", "2-precheck")

    page.get_by_role("link", name="File a claim").click()
    page.wait_for_load_state("domcontentloaded")
    # The claim form starts from the pre-check's answers.
    assert page.get_by_label("Date your work ended (PHK date)").input_value() == phk.isoformat()
    assert page.get_by_label("Why your work ended").input_value() == "efficiency"
    page.get_by_label("Number of the PHK letter or proof").fill("PHK/0001/2026")
    shot(page, "worker", "3-claim-from-precheck")
    _press(page, "Save and continue")
    _press(page, "Save and continue")  # the bank account is prefilled from the record
    for doc_type in ("phk_acceptance", "phk_report_receipt"):
        page.get_by_label("Which document is this?").select_option(doc_type)
        page.get_by_label("File (PDF, JPEG or PNG)").set_input_files(str(proof))
        _press(page, "Upload")
    shot(page, "worker", "4-documents")
    _press(page, "Continue")
    page.get_by_label(re.compile("I commit to actively look for work")).check()
    _press(page, "Send my claim")
    page.wait_for_selector("text=Sent to the branch")
    claim = Claim.objects.get(participant=worker)
    assert claim.state == ClaimState.SUBMITTED
    receipt = page.locator("#letters a[href$='/letters/receipt/']")
    assert receipt.count() == 1
    pdf_at(page, base, receipt.get_attribute("href"))
    shot(page, "worker", "5-sent-with-receipt")

    # The branch decides (walked in the browser above); the worker's decision letter appears.
    verify_and_recommend(claim, User.objects.get(username="petugas1"))
    claim_services.approve_claim(
        claim_id=claim.pk, acting_user=User.objects.get(username="kepala1")
    )
    page.reload()
    decision = page.locator("#letters a[href$='/letters/approval/']")
    decision.wait_for()
    first = pdf_at(page, base, decision.get_attribute("href"))
    assert pdf_at(page, base, decision.get_attribute("href")) == first  # kept: the same bytes again
    shot(page, "worker", "6-decision-letter")
    context.close()


def _press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
