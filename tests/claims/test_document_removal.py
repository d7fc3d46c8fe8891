"""A document uploaded by mistake can be taken back before the verification accepts it: by the
branch staff who take in or verify claims, or by the worker who uploaded it. The file leaves
storage; the case timeline keeps what it was."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from claims import services
from claims.models import CaseEvent, ClaimState, Document
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from tests.claims.conftest import open_draft, pdf
from tests.samples import PNG

pytestmark = pytest.mark.django_db
S = ClaimState


def _upload(claim, user, doc_type="phk_acceptance", upload=None):
    return services.add_document(
        claim_id=claim.pk,
        doc_type=doc_type,
        uploaded_file=upload or pdf(f"{doc_type}.pdf"),
        acting_user=user,
    )


def test_the_officer_removes_a_wrong_upload_and_its_file(
    make_claim, officer, django_capture_on_commit_callbacks
):
    claim = make_claim(S.DRAFT)
    document = _upload(claim, officer)
    name = document.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(document_id=document.pk, acting_user=officer)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(name)
    event = CaseEvent.objects.get(claim=claim, action="document_removed")
    assert event.actor == officer
    assert event.data["doc_type"] == "phk_acceptance"
    assert event.data["sha256"] == document.sha256


def test_a_refused_removal_keeps_the_file(make_claim, officer, django_capture_on_commit_callbacks):
    claim = make_claim(S.VERIFYING)
    document = claim.documents.first()
    services.check_document(document_id=document.pk, acting_user=officer, accepted=True)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ApplicationError, match="accepted in the verification"),
    ):
        services.remove_document(document_id=document.pk, acting_user=officer)
    assert default_storage.exists(document.file.name)


def test_one_asked_again_can_be_replaced_by_the_same_type(make_claim, officer):
    claim = make_claim(S.VERIFYING)
    document = claim.documents.get(doc_type="phk_acceptance")
    services.check_document(
        document_id=document.pk, acting_user=officer, accepted=False, note="Unreadable"
    )
    new = services.replace_document(
        document_id=document.pk, uploaded_file=pdf("again.pdf"), acting_user=officer
    )
    assert new.doc_type == "phk_acceptance"
    assert new.status == Document.Status.PENDING
    assert list(claim.documents.values_list("doc_type", flat=True)).count("phk_acceptance") == 1
    assert CaseEvent.objects.filter(claim=claim, action="document_replaced").exists()


def test_a_bad_replacement_changes_nothing(make_claim, officer):
    claim = make_claim(S.DRAFT)
    document = _upload(claim, officer)
    with pytest.raises(ApplicationError):
        services.replace_document(
            document_id=document.pk,
            uploaded_file=pdf("fake.pdf", content=b"not a pdf"),
            acting_user=officer,
        )
    assert Document.objects.filter(pk=document.pk).exists()


def test_nothing_changes_once_the_claim_left_verification(make_claim, officer):
    claim = make_claim(S.ELIGIBILITY_CHECKED)
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        services.remove_document(document_id=claim.documents.first().pk, acting_user=officer)


def test_the_worker_removes_only_what_they_uploaded(employer, participant, worker_user, officer):
    claim = open_draft(participant, employer, worker_user, channel="portal")
    own = _upload(claim, worker_user)
    branch_upload = _upload(claim, officer, doc_type="identity", upload=pdf("ktp.pdf"))
    with pytest.raises(PermissionDeniedError):
        services.remove_document(document_id=branch_upload.pk, acting_user=worker_user)
    services.remove_document(document_id=own.pk, acting_user=worker_user)
    assert list(claim.documents.all()) == [branch_upload]


def test_an_officer_of_another_branch_cannot(make_claim, officer, outsider):
    claim = make_claim(S.DRAFT)
    document = _upload(claim, officer)
    with pytest.raises(PermissionDeniedError):
        services.remove_document(document_id=document.pk, acting_user=outsider)


def test_the_case_page_asks_then_removes(client, make_claim, officer):
    claim = make_claim(S.DRAFT)
    document = _upload(claim, officer)
    client.force_login(officer)
    page = client.get(claim.get_absolute_url()).text
    url = reverse("claims:document_remove", args=[document.pk])
    assert f'action="{url}"' in page
    asked = client.post(url)
    assert 'id="confirm-form"' in asked.text
    assert document.original_name in asked.text
    assert Document.objects.filter(pk=document.pk).exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_the_case_page_replaces(client, make_claim, officer):
    claim = make_claim(S.DRAFT)
    document = _upload(claim, officer, doc_type="identity", upload=pdf("wrong.pdf"))
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ktp.png", PNG, content_type="image/png")
    client.post(reverse("claims:document_replace", args=[document.pk]), {"uploaded_file": upload})
    [replacement] = claim.documents.filter(doc_type="identity")
    assert replacement.content_type == "image/png"


def test_no_change_is_offered_for_an_accepted_document(client, make_claim, officer):
    claim = make_claim(S.VERIFYING)
    document = claim.documents.first()
    services.check_document(document_id=document.pk, acting_user=officer, accepted=True)
    client.force_login(officer)
    page = client.get(claim.get_absolute_url()).text
    assert reverse("claims:document_remove", args=[document.pk]) not in page
    other = claim.documents.exclude(pk=document.pk).first()
    assert reverse("claims:document_remove", args=[other.pk]) in page


def test_the_worker_removes_in_the_portal(employer, participant, worker_user):
    claim = open_draft(participant, employer, worker_user, channel="portal")
    document = _upload(claim, worker_user)
    client = Client()
    client.force_login(worker_user)
    step = reverse("portal:claim_step", kwargs={"pk": claim.pk, "step": "documents"})
    url = reverse("portal:document_remove", kwargs={"pk": document.pk})
    assert f'action="{url}"' in client.get(step).text
    asked = client.post(url)
    assert 'id="confirm-form"' in asked.text
    response = client.post(url, {"confirmed": "1"})
    assert response["Location"] == step
    assert not claim.documents.exists()
