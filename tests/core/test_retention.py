"""Retention (UU PDP): imported files and the documents of long-closed cases are removed by
the daily tasks, and what was removed stays on record."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from claims.models import Claim, ClaimState, Document
from claims.tasks import remove_expired_documents_task
from imports.tasks import remove_expired_import_files_task
from participants.models import ImportJob
from tests.claims.conftest import add_proof, eligible_worker, open_draft
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def test_an_applied_import_file_is_removed_after_the_retention_period(settings, head_office):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    old, recent = [
        ImportJob.objects.create(
            original_name=f"{name}.csv",
            status=ImportJob.Status.DONE,
            finished_at=timezone.now() - dt.timedelta(days=days),
            file=ContentFile(b"nik,npp,period,wage,paid_date\n", name=f"{name}.csv"),
        )
        for name, days in (("juli", 45), ("oktober", 3))
    ]
    stored = old.file.name
    assert old.file.storage.exists(stored)

    assert remove_expired_import_files_task() == 1
    assert remove_expired_import_files_task() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file
    assert not old.file.storage.exists(stored)
    assert old.file_removed_at is not None
    assert old.original_name == "juli.csv"
    assert recent.file
    assert recent.file_removed_at is None


def test_documents_of_a_long_closed_case_are_removed_and_recorded(
    settings, client, branch, officer
):
    settings.DOCUMENT_RETENTION_DAYS = 365
    employer = EmployerFactory(branch=branch)
    claim = open_draft(eligible_worker(employer), employer, officer)
    add_proof(claim, officer)
    document = Document.objects.filter(claim=claim).first()
    path = document.file.name
    Claim.objects.filter(pk=claim.pk).update(
        state=ClaimState.WITHDRAWN, state_changed_at=timezone.now() - dt.timedelta(days=400)
    )

    assert remove_expired_documents_task() == Document.objects.filter(claim=claim).count()
    document.refresh_from_db()
    assert document.file_removed_at is not None
    assert document.sha256
    assert not document.file.storage.exists(path)
    assert claim.events.filter(action="documents_removed").exists()
    client.force_login(officer)
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 404
    assert remove_expired_documents_task() == 0
