import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Claim
from tests.portal.conftest import pdf, phk_date
from tests.samples import PNG

pytestmark = pytest.mark.django_db


def step(claim, name):
    return reverse("portal:claim_step", kwargs={"pk": claim.pk, "step": name})


def start(client, **overrides):
    data = {
        "phk_date": phk_date().isoformat(),
        "reason": "efficiency",
        "contract_type": "PKWTT",
        "proof_number": "PHK/2025/07",
        "proof_date": phk_date().isoformat(),
    }
    data.update(overrides)
    return client.post(reverse("portal:file_claim"), data)


def upload(client, claim, doc_type, file):
    return client.post(step(claim, "documents"), {"doc_type": doc_type, "uploaded_file": file})


def test_a_worker_files_a_claim_step_by_step(worker_client, worker, branch):
    response = start(worker_client)
    claim = Claim.objects.get(participant=worker)
    assert response["Location"] == step(claim, "bank")
    assert claim.state == Claim.State.DRAFT
    assert claim.channel == Claim.Channel.PORTAL
    assert claim.branch == branch  # the last employer's branch

    response = worker_client.post(
        step(claim, "bank"),
        {"bank_name": "BRI", "bank_account": "0012 3456 7890", "bank_account_holder": worker.name},
    )
    assert response["Location"] == step(claim, "documents")

    assert upload(worker_client, claim, "phk_acceptance", pdf()).status_code == 302
    png = SimpleUploadedFile("tanda-terima.png", PNG, content_type="image/png")
    assert upload(worker_client, claim, "phk_report_receipt", png).status_code == 302
    response = worker_client.post(step(claim, "documents"), {"next": "1"})
    assert response["Location"] == step(claim, "review")

    response = worker_client.post(step(claim, "review"), {"kapk_signed": "on"})

    assert response["Location"] == reverse("portal:claim", kwargs={"pk": claim.pk})
    claim.refresh_from_db()
    assert claim.state == Claim.State.SUBMITTED
    assert claim.kapk_signed_at is not None
    assert claim.bank_account == "001234567890"
    assert claim.termination.proof_number == "PHK/2025/07"
    assert sorted(claim.documents.values_list("doc_type", flat=True)) == [
        "phk_acceptance",
        "phk_report_receipt",
    ]
    assert claim.events.filter(action="submit", actor=worker.user).exists()


def test_the_draft_is_kept_and_resumed(worker_client, worker):
    start(worker_client)
    claim = Claim.objects.get(participant=worker)

    home = worker_client.get(reverse("portal:home"))
    assert step(claim, "phk") in home.text
    # Starting again goes back to the same draft rather than opening a second claim.
    assert worker_client.get(reverse("portal:file_claim"))["Location"] == step(claim, "phk")
    response = worker_client.post(step(claim, "phk"), {
        "phk_date": phk_date().isoformat(), "reason": "merger", "contract_type": "PKWTT",
    })  # fmt: skip
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).termination.reason == "merger"
    assert Claim.objects.filter(participant=worker).count() == 1


def test_each_step_validates_before_moving_on(worker_client, worker):
    response = start(worker_client, contract_type="PKWT")
    assert response.context["form"].has_error("contract_end_date")
    assert not Claim.objects.filter(participant=worker).exists()

    start(worker_client)
    claim = Claim.objects.get(participant=worker)
    response = worker_client.post(
        step(claim, "bank"),
        {"bank_name": "BRI", "bank_account": "0012345678", "bank_account_holder": "Orang Lain"},
    )
    assert response.context["form"].has_error("bank_account_holder")
    assert Claim.objects.get(pk=claim.pk).bank_account == ""

    response = worker_client.post(step(claim, "documents"), {"next": "1"})
    assert response.status_code == 400  # no accepted proof of PHK yet

    upload(worker_client, claim, "phk_acceptance", pdf())
    response = worker_client.post(step(claim, "documents"), {"next": "1"})
    assert response.status_code == 400  # acceptance alone is not a combination


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "kosong.pdf"), (b"MZ\x90\x00 not a pdf", "virus.pdf")],
    ids=["empty", "wrong-type"],
)
def test_bad_uploads_are_refused_on_the_form(worker_client, worker, content, name):
    start(worker_client)
    claim = Claim.objects.get(participant=worker)

    response = upload(worker_client, claim, "phk_acceptance", SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert response.context["form"].has_error("uploaded_file")
    assert not claim.documents.exists()


def test_too_large_upload_is_refused(worker_client, worker, settings):
    settings.DOCUMENT_MAX_BYTES = 20
    start(worker_client)
    claim = Claim.objects.get(participant=worker)

    response = upload(worker_client, claim, "phk_acceptance", pdf())

    assert response.context["form"].has_error("uploaded_file")
    assert not claim.documents.exists()


def test_sending_without_the_kapk_commitment_is_refused(worker_client, worker):
    start(worker_client)
    claim = Claim.objects.get(participant=worker)
    response = worker_client.post(step(claim, "review"), {})
    assert response.context["form"].has_error("kapk_signed")
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.DRAFT


def test_the_workflow_refuses_an_incomplete_claim_with_its_reasons(worker_client, worker):
    start(worker_client)
    claim = Claim.objects.get(participant=worker)

    response = worker_client.post(step(claim, "review"), {"kapk_signed": "on"})

    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.DRAFT
    errors = response.context["form"].non_field_errors()
    assert errors


def test_a_refused_submission_leaves_the_kapk_unsigned(worker_client, worker):
    """Signing and sending are one act: when the branch cannot take the claim yet (no PHK
    proof), the worker has not signed anything either."""
    start(worker_client)
    claim = Claim.objects.get(participant=worker)

    worker_client.post(step(claim, "review"), {"kapk_signed": "on"})

    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.state, claim.kapk_signed_at) == (Claim.State.DRAFT, None)
    assert not claim.events.filter(action="update_draft").exists()


def test_a_worker_without_an_employer_is_told_so(client, db):
    from jkp_site.core.roles import Role
    from tests.factories import ParticipantFactory, UserFactory

    user = UserFactory(username="tanpa", branch=None, role=Role.PESERTA)
    ParticipantFactory(user=user)
    client.force_login(user)

    response = start(client)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_sent_claim_is_no_longer_edited_in_the_steps(worker_client, worker):
    from tests.portal.conftest import submitted_claim

    claim = submitted_claim(worker)
    response = worker_client.get(step(claim, "bank"))
    assert response["Location"] == reverse("portal:claim", kwargs={"pk": claim.pk})


def test_unknown_step_is_404(worker_client, worker):
    start(worker_client)
    claim = Claim.objects.get(participant=worker)
    assert worker_client.get(step(claim, "payment")).status_code == 404
