"""Head-office payment screens (claims.run_payment_batch) and the officer's account correction."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from benefits import payments
from claims.models import InstalmentStatus, PaymentBatch, PaymentLine
from jkp_site.core.money import format_rupiah
from jkp_site.core.roles import Role
from tests.benefits.builders import benefit_claim, instalment, set_status
from tests.factories import UserFactory
from tests.payments.conftest import paid_rows, result_file

pytestmark = pytest.mark.django_db
RUN_ON = dt.date(2025, 4, 1)


def upload(data, name="result.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_branch_staff_cannot_see_payment_batches(client, officer, supervisor):
    for user in (officer, supervisor):
        client.force_login(user)
        assert client.get(reverse("payments:batch_list")).status_code == 403
        assert client.post(reverse("payments:batch_run")).status_code == 403


def test_the_button_gathers_a_batch(
    client, head_office, payable_claims, django_capture_on_commit_callbacks
):
    client.force_login(head_office)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("payments:batch_run"))
        assert 'id="confirm-form"' in asked.text
        assert "Rp 14.400.000" in asked.text  # six payable instalments
        assert not PaymentBatch.objects.exists()
        response = client.post(reverse("payments:batch_run"), {"confirmed": "1"})
    response = client.get(response.url)
    assert response.status_code == 200
    batch = PaymentBatch.objects.get()
    assert batch.created_by == head_office
    assert batch.lines.count() == 6
    assert batch.reference in response.text


def test_export_downloads_the_csv(client, head_office, payable_claims):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    client.force_login(head_office)
    response = client.post(reverse("payments:batch_export", args=[batch.pk]), {"confirmed": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{batch.reference}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 7


def test_a_malformed_bank_file_shows_the_row_report_and_changes_nothing(
    client, head_office, payable_claims
):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    rows = paid_rows(batch)
    rows[0][1] = "lost"
    client.force_login(head_office)
    response = client.post(
        reverse("payments:batch_import", args=[batch.pk]), {"file": upload(result_file(rows))}
    )
    assert response.status_code == 422
    assert 'data-row="2"' in response.text
    assert not PaymentLine.objects.exclude(status=PaymentLine.Status.PENDING).exists()


def test_a_good_bank_file_reconciles_the_batch(client, head_office, payable_claims):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    client.force_login(head_office)
    url = reverse("payments:batch_import", args=[batch.pk])
    asked = client.post(url, {"file": upload(result_file(paid_rows(batch)))})
    assert asked.status_code == 200
    assert 'id="confirm-form"' in asked.text
    assert not PaymentLine.objects.exclude(status=PaymentLine.Status.PENDING).exists()
    held = asked.context["hidden"]
    response = client.post(url, {**dict(held), "confirmed": "1"}, follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.RECONCILED


def test_a_held_bank_file_is_applied_once_and_only_by_its_uploader(
    client, head_office, payable_claims
):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    first = batch.lines.order_by("pk").first()
    rows = paid_rows(batch, **{first.reference: "Account closed"})
    client.force_login(head_office)
    url = reverse("payments:batch_import", args=[batch.pk])
    asked = client.post(url, {"file": upload(result_file(rows))})
    assert "5 · Rp 12.000.000" in asked.text
    assert "1 · Rp 2.400.000" in asked.text
    held = dict(asked.context["hidden"])

    colleague = UserFactory(username="pusat-lain", branch=None, role=Role.KANTOR_PUSAT)
    client.force_login(colleague)
    client.post(url, {**held, "confirmed": "1"})
    assert not PaymentLine.objects.exclude(status=PaymentLine.Status.PENDING).exists()

    client.force_login(head_office)
    client.post(url, {**held, "confirmed": "1"})
    assert PaymentLine.objects.filter(status=PaymentLine.Status.REJECTED).count() == 1
    again = client.post(url, {**held, "confirmed": "1"})
    assert again.status_code == 422
    assert 'id="file-error"' in again.text


@pytest.mark.parametrize("claims", [2, 25])
def test_batch_pages_run_a_fixed_number_of_queries(
    client, head_office, branch, claims, django_assert_max_num_queries
):
    for _ in range(claims):
        claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
        set_status(claim, [1, 2], InstalmentStatus.PAYABLE)
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    client.force_login(head_office)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("payments:batch_list")).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("payments:batch_detail", args=[batch.pk]))
    assert response.text.count("data-reference=") == claims * 2


def test_the_officer_asks_and_a_second_person_confirms_the_corrected_account(
    client, officer, supervisor, branch
):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    set_status(claim, [1], InstalmentStatus.REJECTED)
    client.force_login(officer)
    url = reverse("payments:correct_account", args=[claim.pk])
    assert 'id="rejected-months"' in client.get(url).text
    account = {"bank_name": "Mandiri", "bank_account": "1230004567"}
    response = client.post(url, {**account, "account_holder": f"Bapak {claim.participant.name}"})
    assert response.status_code == 302
    assert instalment(claim, 1).status == InstalmentStatus.REJECTED
    [change] = claim.bank_changes.filter(state="pending")

    # The officer who asked is not offered the confirmation; the supervisor is.
    assert "bank_change_decide" not in client.get(claim.get_absolute_url()).text
    decide = reverse("claims:bank_change_decide", args=[change.pk])
    client.post(decide, {"confirm": "1", "confirmed": "1"})
    assert instalment(claim, 1).status == InstalmentStatus.REJECTED
    client.force_login(supervisor)
    assert f'id="bank-change-{change.pk}"' in client.get(claim.get_absolute_url()).text
    # The second person first sees what confirming does: the new account, the months paid again.
    asked = client.post(decide, {"confirm": "1"})
    assert 'id="confirm-form"' in asked.text
    assert "4567" in asked.text
    assert "1230004567" not in asked.text
    assert instalment(claim, 1).status == InstalmentStatus.REJECTED
    assert client.post(decide, {"confirm": "1", "confirmed": "1"}).status_code == 302
    assert instalment(claim, 1).status == InstalmentStatus.PAYABLE


def test_an_account_in_another_name_is_refused_in_indonesian(client, officer, branch):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    client.force_login(officer)
    client.cookies["django_language"] = "id"
    url = reverse("payments:correct_account", args=[claim.pk])
    response = client.post(
        url, {"bank_name": "Mandiri", "bank_account": "1230004567", "account_holder": "Budi Lain"}
    )
    assert response.status_code == 200
    assert "atas nama pekerja sendiri" in response.text
    assert not claim.bank_changes.exists()


def test_a_counsellor_cannot_ask_for_a_change_of_account(client, counsellor, branch):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    client.force_login(counsellor)
    url = reverse("payments:correct_account", args=[claim.pk])
    assert client.get(url).status_code == 403


def test_another_branch_cannot_open_the_account_form(client, outsider, branch):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    client.force_login(outsider)
    url = reverse("payments:correct_account", args=[claim.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"bank_name": "X", "bank_account": "1", "account_holder": "Y"}).status_code
        == 404
    )


def test_an_export_with_bad_lines_shows_the_row_report(client, head_office, payable_claims):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    batch.lines.filter(pk=batch.lines.order_by("pk").first().pk).update(account_holder="")
    client.force_login(head_office)
    response = client.post(reverse("payments:batch_export", args=[batch.pk]), {"confirmed": "1"})
    assert response.status_code == 422
    assert 'data-row="2"' in response.text
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.READY


def test_the_transfer_file_is_not_cached(client, head_office, payable_claims):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    client.force_login(head_office)
    response = client.post(reverse("payments:batch_export", args=[batch.pk]), {"confirmed": "1"})
    assert response["Cache-Control"] == "no-store"


def test_a_rejected_transfer_offers_its_correction_where_it_is_seen(
    client, head_office, officer, payable_claims
):
    batch = payments.run_payment_batch(acting_user=head_office, on=RUN_ON)
    payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
    first = batch.lines.order_by("pk").select_related("instalment__claim").first()
    claim = first.instalment.claim
    rows = paid_rows(batch, **{first.reference: "Account closed"})
    payments.reconcile_payment_batch(
        batch_id=batch.pk, acting_user=head_office, data=result_file(rows)
    )
    client.force_login(head_office)
    listing = client.get(reverse("payments:batch_list")).text
    detail_url = reverse("payments:batch_detail", args=[batch.pk])
    assert f'href="{detail_url}#rejected-transfers"' in listing
    detail = client.get(detail_url).text
    section = detail.split('id="rejected-transfers"')[1].split("</section>")[0]
    assert f'data-rejected="{first.reference}"' in section
    assert claim.get_absolute_url() in section
    assert "Account closed" in section
    # Head office reads the case; the branch corrects the account.
    assert reverse("payments:correct_account", args=[claim.pk]) not in section

    client.force_login(officer)
    case = client.get(claim.get_absolute_url()).text
    assert 'id="rejected-transfers"' in case
    assert f'href="{reverse("payments:correct_account", args=[claim.pk])}"' in case


def test_the_case_says_when_the_corrected_account_waits_for_its_second_person(
    client, officer, branch
):
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    set_status(claim, [1], InstalmentStatus.REJECTED)
    client.force_login(officer)
    client.post(
        reverse("payments:correct_account", args=[claim.pk]),
        {
            "bank_name": "Mandiri",
            "bank_account": "1230004567",
            "account_holder": claim.participant.name,
        },
    )
    case = client.get(claim.get_absolute_url()).text
    section = case.split('id="rejected-transfers"')[1].split("</section>")[0]
    assert 'id="correct-account"' not in section
    assert 'data-month="1"' in section


def test_the_gather_confirmation_counts_the_months_it_will_judge_first(client, head_office, branch):
    """A month due by today but not judged yet is judged by the run itself: the confirmation
    says how many and how much at most, not only what is payable already."""
    claim = benefit_claim(branch=branch, decision_date=dt.date(2025, 3, 10))
    set_status(claim, [1], InstalmentStatus.PAYABLE)
    due = claim.instalments.filter(status=InstalmentStatus.SCHEDULED, due_date__lte=dt.date.today())
    client.force_login(head_office)
    asked = client.post(reverse("payments:batch_run")).text
    facts = asked[asked.index('id="confirm-facts"') :]
    assert "Rp 2.400.000" in facts  # month 1, payable already
    assert f"{due.count()}, at most {format_rupiah(due.count() * 2_400_000)}" in facts
