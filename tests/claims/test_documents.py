"""Upload faults (too large, wrong type, empty) and authorised downloads."""

import pytest
from django.urls import reverse

from claims import services
from claims.documents import UploadError
from claims.models import Document
from tests.claims.conftest import PDF, PNG, open_draft, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(participant, employer, officer):
    return open_draft(participant, employer, officer)


def upload(claim, user, uploaded):
    return services.add_document(
        claim_id=claim.pk, doc_type="phk_acceptance", uploaded_file=uploaded, acting_user=user
    )


def test_too_large_is_refused(draft, officer, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(UploadError) as exc:
        upload(draft, officer, pdf(content=PDF + b"0" * 1024))
    assert exc.value.code == "file_too_large"
    assert not Document.objects.exists()


def test_empty_is_refused(draft, officer):
    with pytest.raises(UploadError) as exc:
        upload(draft, officer, pdf(content=b""))
    assert exc.value.code == "empty_file"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is an exe", "application/pdf"),
        ("page.png", b"<html><script>alert(1)</script>", "image/png"),
        ("doc.docx", b"PK\x03\x04 zip", "application/vnd.openxmlformats"),
    ],
)
def test_wrong_real_type_is_refused_whatever_the_name_says(
    draft, officer, name, content, content_type
):
    with pytest.raises(UploadError) as exc:
        upload(draft, officer, pdf(name, content, content_type))
    assert exc.value.code == "wrong_file_type"


def test_accepted_file_is_stored_with_a_random_name_outside_static(draft, officer, settings):
    document = upload(draft, officer, pdf("../../etc/passwd.png", PNG, "application/pdf"))
    assert document.content_type == "image/png"
    assert document.original_name == "passwd.png"
    assert "passwd" not in document.file.name
    assert document.file.path.startswith(str(settings.MEDIA_ROOT))
    assert len(document.sha256) == 64


def test_upload_view_reports_the_fault(client, draft, officer, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    client.force_login(officer)
    response = client.post(
        reverse("claims:document_upload", args=[draft.pk]),
        {"doc_type": "phk_acceptance", "uploaded_file": pdf(content=PDF * 10)},
        follow=True,
    )
    assert "100" in response.content.decode()
    assert not Document.objects.exists()
    response = client.post(
        reverse("claims:document_upload", args=[draft.pk]),
        {"doc_type": "phk_acceptance", "uploaded_file": pdf(content=b"")},
        follow=True,
    )
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_download_is_authorised_and_an_attachment(client, draft, officer, outsider, head_office):
    document = upload(draft, officer, pdf("bukti.pdf"))
    url = reverse("claims:document_download", args=[document.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(head_office)
    assert client.get(url).status_code == 200
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_media_is_not_served_by_url(client, draft, officer):
    document = upload(draft, officer, pdf())
    client.force_login(officer)
    assert client.get("/media-not-served/" + document.file.name).status_code == 404


def test_a_failed_upload_leaves_no_file_behind(draft, officer, settings, monkeypatch):
    from pathlib import Path

    from claims import workflow

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    def stored():
        return set(Path(settings.MEDIA_ROOT).rglob("*"))

    before = stored()
    monkeypatch.setattr(workflow, "record_event", broken)
    with pytest.raises(RuntimeError):
        upload(draft, officer, pdf())
    assert {p for p in stored() - before if p.is_file()} == set()
    assert not Document.objects.exists()
