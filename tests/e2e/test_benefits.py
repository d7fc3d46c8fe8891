"""Benefit screens in a real Chromium: a counsellor records job seeking on a phone; head office
gathers a payment batch, downloads the bank file, sees a malformed result file refused row by
row, then reconciles the good one; a batch being gathered shows its progress live."""

import datetime as dt

import pytest
from django.urls import reverse

from benefits import payments
from claims.models import InstalmentStatus, PaymentBatch
from tests.benefits.builders import benefit_claim, set_status
from tests.e2e.conftest import english
from tests.e2e.test_staff_workflow import no_horizontal_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_counsellor_records_an_interview_on_a_phone(live_server, browser, counsellor, branch):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    context = english(
        browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US"),
        live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, counsellor)
    page.goto(f"{live_server.url}/training/")
    page.click(f"text={claim.number}")
    page.wait_for_selector("#instalments")
    page.select_option("#activity-form select[name=kind]", "interview")
    page.fill("#activity-form input[name=occurred_on]", "2025-04-02")
    page.fill("#activity-form input[name=employer_name]", "PT Sinar Niaga")
    page.fill("#activity-form input[name=position]", "Operator gudang")
    page.click("#activity-form button[type=submit]")
    page.wait_for_selector("#activities li[data-kind=interview]")
    assert "PT Sinar Niaga" in page.inner_text("#activities")
    assert "Activity recorded." in page.inner_text("main")
    assert no_horizontal_scroll(page)
    context.close()


def test_head_office_pays_a_batch_and_reconciles_the_bank_file(
    live_server, page, head_office, branch
):
    claims = [benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10)) for _ in range(2)]
    for claim in claims:
        set_status(claim, [1], InstalmentStatus.PAYABLE)
    sign_in(page, live_server.url, head_office)
    page.click("nav >> text=Payments")
    assert "2 instalments payable" in page.inner_text("#payable-summary")
    page.click("#run-batch")
    assert "Rp 4.800.000" in page.inner_text("#confirm-facts")
    page.click("#confirm-button")
    batch = PaymentBatch.objects.get()
    # Tasks run inline here: the button's answer is the batch it made.
    page.wait_for_selector("#batch-state")
    assert f"Batch {batch.reference} gathered: 2 transfers." in page.inner_text("main")
    assert page.locator("text=In the batch, not sent yet").count() == 2
    page.click("#export-batch")
    # The first export marks the transfers sent: it asks first.
    assert "Rp 4.800.000" in page.inner_text("#confirm-facts")
    with page.expect_download() as download:
        page.click("#confirm-button")
    exported = download.value.path().read_text()
    assert exported.splitlines()[0] == "batch,claim,nik,account,bank,name,amount,reference"
    assert len(exported.splitlines()) == 3

    page.goto(live_server.url + reverse("payments:batch_detail", args=[batch.pk]))
    references = [line.reference for line in batch.lines.order_by("pk")]
    bad = "reference,status,amount,bank_reference,reason\n" + "".join(
        f"{ref},paid,999,BRI1,\n" for ref in references
    )
    page.set_input_files(
        "#import-form input[type=file]",
        {"name": "hasil.csv", "mimeType": "text/csv", "buffer": bad.encode()},
    )
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#row-report")
    assert page.locator("#row-report tbody tr").count() == 2
    assert "differs" in page.inner_text("#row-report")

    good = "reference,status,amount,bank_reference,reason\n" + "".join(
        f"{ref},paid,2400000,BRI{n},\n" for n, ref in enumerate(references)
    )
    page.set_input_files(
        "#import-form input[type=file]",
        {"name": "hasil.csv", "mimeType": "text/csv", "buffer": good.encode()},
    )
    page.click("#import-form button[type=submit]")
    assert "2 · Rp 4.800.000" in page.inner_text("#confirm-facts")
    page.click("#confirm-button")
    page.wait_for_selector("#batch-state:has-text('Reconciled')")
    assert no_horizontal_scroll(page)
    with page.expect_download() as download:
        page.click("#export-batch")
    assert download.value.path().read_text() == exported


def test_a_batch_being_gathered_shows_its_progress_live(live_server, page, head_office, branch):
    claims = [benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10)) for _ in range(2)]
    for claim in claims:
        set_status(claim, [1, 2], InstalmentStatus.PAYABLE)
    batch = payments.open_payment_batch(acting_user=head_office)
    ids = list(payments.payable_instalments().values_list("pk", flat=True))
    payments._add_chunk(batch, ids[:1])
    sign_in(page, live_server.url, head_office)
    page.goto(f"{live_server.url}/payments/{batch.pk}/")
    page.wait_for_selector("#gather-progress[data-state=gathering]")
    assert "1 of 4 instalments" in page.inner_text("#gather-progress")
    payments._add_chunk(batch, ids[1:3])
    page.wait_for_selector("#gather-progress:has-text('3 of 4 instalments')")
    payments.gather_payment_batch(batch_id=batch.pk)
    # Gathered: the page opens again with the batch ready for export.
    page.wait_for_selector("#export-batch")
    assert page.locator("#gather-progress").count() == 0
