import pytest
from django.core import mail
from django.urls import reverse

from claims import services as claim_services
from claims.models import CashInstalment, Claim
from claims.notifications import worker_email
from tests.benefits.builders import set_status
from tests.language import InEnglish
from tests.portal.conftest import pdf, submitted_claim, verify_and_recommend

pytestmark = pytest.mark.django_db

STATE_CODES = ["eligibility_checked", "awaiting_approval", "benefit_active", "verifying"]


def page(client, claim):
    return InEnglish(client).get(reverse("portal:claim", kwargs={"pk": claim.pk}))


def titles(response):
    return [entry.message.title for entry in response.context["timeline"]]


def months(response):
    return [line.message.title for line in response.context["schedule"]]


def test_an_approved_claim_shows_the_decision_and_the_instalments(
    worker_client, worker, officer, second_officer, supervisor
):
    claim = submitted_claim(worker)
    claim_services.reassign_claim(claim_id=claim.pk, acting_user=supervisor, officer=second_officer)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)

    response = page(worker_client, claim)

    assert response.status_code == 200
    shown = titles(response)
    assert "Your claim was approved. Your JKP benefit will start." in shown
    assert "Your case is complete and waits for the branch supervisor's decision." in shown
    first = CashInstalment.objects.get(claim=claim, month=1)
    assert not any(t.startswith("Month") for t in shown)  # the schedule is told once, below
    assert [m.split(":")[0] for m in months(response)] == [f"Month {n}" for n in range(1, 7)]
    assert months(response)[0].startswith("Month 1: Rp 3.000.000 due on")
    assert response.text.count("Month 1: Rp 3.000.000") == 1
    assert reverse("portal:instalment", kwargs={"pk": first.pk}) in response.text
    assert response.context["status_words"] == "Approved"
    assert "Reassigned" not in response.text  # staff business stays out of the timeline
    for code in STATE_CODES:
        assert code not in response.text


def test_paid_and_unpaid_months_say_so_with_the_reason(worker_client, worker, officer, supervisor):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    set_status(claim, [1], "paid")
    CashInstalment.objects.filter(claim=claim, month=2).update(
        status="not_paid", status_reason="fewer than 5 applications and no interview"
    )

    shown = months(page(worker_client, claim))

    assert shown[:2] == [
        "Month 1: Rp 3.000.000 was paid into your account.",
        "Month 2: not paid, because fewer than 5 applications and no interview.",
    ]


def test_a_rejection_shows_the_reason_and_the_articles(worker_client, worker, officer, supervisor):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer, recommendation="reject", reason_code="proof_invalid")
    claim_services.reject_claim(
        claim_id=claim.pk, acting_user=supervisor, reason_code="proof_invalid", note="Stempel palsu"
    )

    response = page(worker_client, claim)

    rejection = response.context["rejection"]
    assert rejection.reason == "the proof of your PHK is not valid"
    assert rejection.note == "Stempel palsu"
    assert "Your claim was rejected: the proof of your PHK is not valid." in titles(response)
    assert response.context["appeal_form"] is not None


def test_a_rejection_on_the_rules_lists_the_failed_checks(
    worker_client, worker, officer, supervisor
):
    claim = submitted_claim(worker)
    # Eleven paid months in the 24 before the PHK: one short of PP 6/2025's twelve.
    keep = worker.contributions.order_by("-period").values_list("pk", flat=True)[:11]
    worker.contributions.exclude(pk__in=list(keep)).delete()
    verify_and_recommend(claim, officer, recommendation="reject", reason_code="not_eligible")
    claim_services.reject_claim(
        claim_id=claim.pk, acting_user=supervisor, reason_code="not_eligible"
    )

    failed = page(worker_client, claim).context["rejection"].failed_checks

    assert [check.code for check in failed] == ["contribution_months"]
    assert "Pasal 19" in failed[0].article


def test_the_worker_appeals_a_rejection_once(worker_client, worker, officer, supervisor):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer, recommendation="reject", reason_code="proof_invalid")
    claim_services.reject_claim(claim_id=claim.pk, acting_user=supervisor, reason_code="other")
    url = reverse("portal:claim_appeal", kwargs={"pk": claim.pk})

    worker_client.post(url, {"note": "Bukti saya sah, ada cap Disnaker."})

    claim.refresh_from_db()
    assert claim.state == Claim.State.APPEALED
    assert page(worker_client, claim).context["appeal_form"] is None


def test_a_returned_document_is_asked_again_and_can_be_uploaded(worker_client, worker, officer):
    claim = submitted_claim(worker)
    claim_services.start_verification(claim_id=claim.pk, acting_user=officer)
    document = claim.documents.first()
    claim_services.check_document(
        document_id=document.pk, acting_user=officer, accepted=False, note="Tidak terbaca"
    )

    response = page(worker_client, claim)
    assert "Please upload this document again: Proof the worker accepted the PHK." in titles(
        response
    )
    assert "Tidak terbaca" in response.text
    assert response.context["upload_form"] is not None

    response = worker_client.post(
        reverse("portal:claim", kwargs={"pk": claim.pk}),
        {"doc_type": "phk_acceptance", "uploaded_file": pdf("baru.pdf")},
    )

    assert response.status_code == 302
    assert claim.documents.filter(original_name="baru.pdf").exists()


def test_a_claim_returned_to_the_worker_says_what_to_do(worker_client, worker, officer):
    claim = submitted_claim(worker)
    claim_services.start_verification(claim_id=claim.pk, acting_user=officer)
    claim_services.return_claim(
        claim_id=claim.pk, acting_user=officer, reason_code="bank_account", note="Rekening ibu"
    )

    response = page(worker_client, claim)

    assert response.context["returned"]
    assert "Waiting for you" in response.context["waiting_for"]
    assert "Your claim was sent back to you: the bank account must be in your own name." in titles(
        response
    )


def test_waiting_for_says_on_whom_the_case_waits(worker_client, worker, officer):
    claim = submitted_claim(worker)
    assert "branch officer" in page(worker_client, claim).context["waiting_for"]
    verify_and_recommend(claim, officer)
    assert "supervisor's decision" in page(worker_client, claim).context["waiting_for"]


def test_the_worker_withdraws_a_submitted_claim(worker_client, worker):
    claim = submitted_claim(worker)
    url = reverse("portal:claim_withdraw", kwargs={"pk": claim.pk})
    asked = worker_client.post(url)
    assert asked.status_code == 200
    assert claim.number in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    claim.refresh_from_db()
    assert claim.state == Claim.State.SUBMITTED  # nothing done before the confirmation
    worker_client.post(url, {"confirmed": "1"})
    claim.refresh_from_db()
    assert claim.state == Claim.State.WITHDRAWN


def test_notifications_list_the_steps_that_concern_the_worker(
    worker_client, worker, officer, supervisor
):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)

    response = InEnglish(worker_client).get(reverse("portal:notifications"))

    shown = [item.message.title for item in response.context["notifications"]]
    assert shown[0] == "Your claim was approved. Your JKP benefit will start."
    assert "An officer started checking your documents and PHK proof." not in shown
    assert len(shown) == 3  # sent, waiting for the decision, approved


def test_the_worker_is_emailed_about_the_decision(
    worker, officer, supervisor, django_capture_on_commit_callbacks
):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)

    assert [m.to for m in mail.outbox] == [[worker.email]]
    assert claim.number in mail.outbox[0].subject


def test_the_case_page_runs_a_fixed_number_of_queries(
    worker_client, worker, officer, supervisor, django_assert_max_num_queries
):
    claim = submitted_claim(worker)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)

    with django_assert_max_num_queries(20):
        page(worker_client, claim)


def test_worker_email_uses_the_portal_words_and_skips_internal_steps(
    worker, officer, second_officer, supervisor, settings
):
    settings.LANGUAGE_CODE = "en"  # the e-mail is written in the interface language
    claim = submitted_claim(worker)
    claim_services.reassign_claim(claim_id=claim.pk, acting_user=supervisor, officer=second_officer)
    verify_and_recommend(claim, officer)
    claim_services.approve_claim(claim_id=claim.pk, acting_user=supervisor)

    emails = {event.action: worker_email(event) for event in claim.events.all()}

    assert emails["reassign"] is None
    assert emails["start_verification"] is None
    subject, body = emails["approve"]
    assert claim.number in subject
    assert "Your claim was approved. Your JKP benefit will start." in body
    assert f"/portal/claims/{claim.pk}/" in body


def test_worker_email_links_to_the_site_address(worker, officer, supervisor, settings):
    """Read in a mail client, a link is only useful with the site's public address in it."""
    settings.SITE_URL = "https://jkp.example.invalid/"
    claim = submitted_claim(worker)

    _subject, body = worker_email(claim.events.get(action="submit"))

    assert f"https://jkp.example.invalid/portal/claims/{claim.pk}/" in body
