"""Documents and import files through Django's storage API, on an S3-compatible server (moto)
as on several nodes: the upload lands in the bucket, not on the node's disk; the download is
streamed through the authorised view; an import reads its file from the bucket."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims import services
from claims.models import Document
from imports.tasks import run_import_job_task
from jkp_site.core.storage import local_copy
from participants.models import ContributionMonth, ImportJob
from tests.claims.conftest import eligible_worker, open_draft
from tests.factories import EmployerFactory, ParticipantFactory
from tests.samples import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(branch):
    return EmployerFactory(branch=branch)


@pytest.fixture
def participant(employer):
    return eligible_worker(employer)


def stored_keys(client, bucket) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_a_document_round_trips_through_the_bucket(
    s3_storage, settings, tmp_path, client, officer, outsider, participant, employer
):
    s3, bucket = s3_storage
    settings.MEDIA_ROOT = tmp_path  # the node's own disk, empty
    claim = open_draft(participant, employer, officer)
    document = services.add_document(
        claim_id=claim.pk,
        doc_type="phk_acceptance",
        uploaded_file=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        acting_user=officer,
    )
    assert stored_keys(s3, bucket) == [document.file.name]
    assert s3.get_object(Bucket=bucket, Key=document.file.name)["Body"].read() == PDF
    assert not any(tmp_path.rglob("*")), "nothing on the node's own disk"

    client.force_login(officer)
    response = client.get(f"/claims/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    # The bucket is never shown: the body comes through the view, not a link to the store.
    assert bucket not in response.headers.get("Location", "")
    client.force_login(outsider)
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 302


def test_retention_removes_the_object(s3_storage, officer, participant, employer):
    s3, bucket = s3_storage
    claim = open_draft(participant, employer, officer)
    document = services.add_document(
        claim_id=claim.pk,
        doc_type="phk_acceptance",
        uploaded_file=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        acting_user=officer,
    )
    Document.objects.get(pk=document.pk).file.delete(save=False)
    assert stored_keys(s3, bucket) == []


def test_an_import_reads_its_file_from_the_bucket(s3_storage, branch):
    s3, bucket = s3_storage
    EmployerFactory(npp="11112222", branch=branch)
    worker = ParticipantFactory()
    job = ImportJob.objects.create(original_name="contrib.csv")
    body = f"nik,npp,period,wage,paid_date\n{worker.nik},11112222,2025-08,4000000,2025-09-10\n"
    job.file.save("contrib.csv", io.BytesIO(body.encode()))
    assert job.file.name in stored_keys(s3, bucket)
    run_import_job_task.delay(job.pk)
    job.refresh_from_db()
    assert (job.status, job.inserted_rows) == (ImportJob.Status.DONE, 1)
    assert ContributionMonth.objects.filter(participant=worker).count() == 1


def test_a_local_copy_is_removed_after_use(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob.objects.create(original_name="x.csv")
    job.file.save("x.csv", io.BytesIO(b"a,b\n"))
    with local_copy(job.file, suffix=".csv") as path:
        assert path.read_bytes() == b"a,b\n"
        assert path.parent != tmp_path
    assert not path.exists()


def test_the_setting_builds_the_s3_store_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    from tests.core.test_settings import ROOT, key

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": key(48),
        "FIELD_ENCRYPTION_KEY": key(),
        "BLIND_INDEX_KEY": key(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "JKP_VAR_DIR": str(tmp_path),
        "AWS_STORAGE_BUCKET_NAME": "jkp-documents",
        "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    }
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl,"
        " s.querystring_auth)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "S3Storage",
        "jkp-documents",
        "http://minio:9000",
        "None",
        "True",
    ]
