"""Upload faults (too large, wrong type, empty) and authorised downloads."""

import pytest
from django.urls import reverse

from claims import services
from claims.documents import UploadError
from claims.models import Document
from tests.claims.conftest import open_draft, pdf
from tests.samples import JPEG, PDF, PNG

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


POLYGLOTS = [
    ("pdf-then-html.pdf", b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>"),
    ("html-after-eof.pdf", PDF + b"<html><script>alert(1)</script></html>"),
    ("png-then-script.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"),
    ("png-magic-only.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    ("jpeg-magic-then-html.jpg", b"\xff\xd8\xff<html></html>"),
    (
        "js.pdf",
        PDF.replace(
            b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
        ),
    ),
]


@pytest.mark.parametrize(("name", "content"), POLYGLOTS, ids=[name for name, _c in POLYGLOTS])
def test_a_file_that_only_starts_like_a_pdf_or_image_is_refused(draft, officer, name, content):
    with pytest.raises(UploadError):
        upload(draft, officer, pdf(name, content, "application/pdf"))
    assert not Document.objects.exists()


def test_an_image_is_stored_re_encoded_without_what_followed_it(draft, officer):
    document = upload(draft, officer, pdf("foto.jpg", JPEG + b"<script>x</script>", "image/jpeg"))
    stored = document.file.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"<script>" not in stored
    assert document.original_name == "foto.jpg"


def test_the_original_name_takes_the_extension_of_what_the_file_is(draft, officer):
    document = upload(draft, officer, pdf("surat phk.html", PDF, "text/html"))
    assert document.original_name == "surat phk.pdf"


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
