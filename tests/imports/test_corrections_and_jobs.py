"""A different wage for a stored month is a correction: listed by an ordinary import, applied
only in correction mode with the old wage kept; and head office can resume or cancel an import
that is stuck or unwanted, with the upload limit stated and enforced."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports import jobs
from imports.contributions import import_contributions, run_import_job
from participants.models import ContributionCorrection, ContributionMonth, ImportJob
from tests.imports.test_imports import TODAY, people, write  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
AUGUST = dt.date(2026, 8, 1)


@pytest.fixture
def stored(tmp_path, people):  # noqa: F811 (the imported fixture)
    employer, new_employer, first, second = people
    import_contributions(
        write(tmp_path, f"{first.nik},11112222,2026-08,4000000,2026-09-10\n", "first.csv"),
        today=TODAY,
    )
    return employer, new_employer, first, second


def correction_file(tmp_path, first, second):
    return write(
        tmp_path,
        f"{first.nik},33334444,2026-08,4500000,2026-09-12\n"  # a correction of a stored month
        f"{first.nik},11112222,2026-09,4000000,2026-10-10\n"  # a new month
        f"{second.nik},11112222,2026-09,5000000,2026-10-10\n",  # a new month
        "correction.csv",
    )


def test_an_ordinary_import_lists_the_correction_and_applies_nothing(tmp_path, stored):
    _employer, _new, first, second = stored
    outcome, errors = import_contributions(correction_file(tmp_path, first, second), today=TODAY)
    assert not outcome.applied
    assert [(e.line, e.field) for e in errors] == [(2, "wage")]
    assert "Rp 4.000.000" in errors[0].reason
    assert "mode koreksi" in errors[0].reason
    assert ContributionMonth.objects.get(participant=first, period=AUGUST).wage == 4_000_000
    assert ContributionMonth.objects.count() == 1
    assert not ContributionCorrection.objects.exists()


def test_correction_mode_applies_it_and_keeps_the_old_wage(tmp_path, stored):
    employer, new_employer, first, second = stored
    path = correction_file(tmp_path, first, second)
    outcome, errors = import_contributions(path, apply_corrections=True, today=TODAY)
    assert errors == []
    assert outcome.applied
    assert (outcome.inserted_rows, outcome.corrected_rows, outcome.skipped_rows) == (2, 1, 0)
    month = ContributionMonth.objects.get(participant=first, period=AUGUST)
    assert (month.wage, month.employer, month.paid_on) == (
        4_500_000,
        new_employer,
        dt.date(2026, 9, 12),
    )
    kept = ContributionCorrection.objects.get()
    assert (kept.participant, kept.period, kept.old_wage, kept.new_wage) == (
        first,
        AUGUST,
        4_000_000,
        4_500_000,
    )
    assert (kept.old_employer, kept.new_employer) == (employer, new_employer)

    # The same file again: nothing more to correct or add.
    again, errors = import_contributions(path, apply_corrections=True, today=TODAY)
    assert errors == []
    assert (again.inserted_rows, again.corrected_rows, again.skipped_rows) == (0, 0, 3)
    assert ContributionCorrection.objects.count() == 1


def test_a_correction_waits_for_the_rest_of_its_file(tmp_path, stored):
    _employer, _new, first, _second = stored
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4500000,2026-09-12\n"
        "3174011704900999,11112222,2026-09,4000000,2026-10-10\n",  # unknown NIK
        "bad.csv",
    )
    outcome, errors = import_contributions(path, apply_corrections=True, today=TODAY)
    assert not outcome.applied
    assert [(e.line, e.field) for e in errors] == [(3, "nik")]
    assert ContributionMonth.objects.get(participant=first, period=AUGUST).wage == 4_000_000
    assert not ContributionCorrection.objects.exists()


def test_a_month_named_twice_is_not_corrected(tmp_path, stored):
    _employer, _new, first, _second = stored
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4500000,2026-09-12\n"
        f"{first.nik},11112222,2026-08,4600000,2026-09-12\n",
        "twice.csv",
    )
    outcome, errors = import_contributions(path, apply_corrections=True, today=TODAY)
    assert not outcome.applied
    assert {(e.line, e.field) for e in errors} >= {(3, "period")}
    assert ContributionMonth.objects.get(participant=first, period=AUGUST).wage == 4_000_000


def job_for(path, **fields):
    job = ImportJob.objects.create(original_name=path.name, **fields)
    job.file.save(path.name, ContentFile(path.read_bytes()))
    return job


def test_a_correction_job_counts_and_links_its_corrections(tmp_path, stored):
    _employer, _new, first, second = stored
    job = job_for(correction_file(tmp_path, first, second), apply_corrections=True)
    job = run_import_job(job.pk)
    assert (job.status, job.corrected_rows, job.inserted_rows) == (ImportJob.Status.DONE, 1, 2)
    assert ContributionCorrection.objects.get().import_job == job


@pytest.fixture
def head_office_admin(client, head_office):
    client.force_login(head_office)
    return client


def stall(job, status=ImportJob.Status.VALIDATING):
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    job.refresh_from_db()
    return job


def test_a_stalled_import_shows_it_and_head_office_resumes_it(
    tmp_path, stored, head_office_admin, head_office, django_capture_on_commit_callbacks
):
    _employer, _new, first, second = stored
    job = stall(job_for(correction_file(tmp_path, first, second), apply_corrections=True))
    page = head_office_admin.get(reverse("admin:participants_importjob_change", args=[job.pk]))
    assert 'id="import-stalled" class="errornote">' in page.content.decode()
    progress = head_office_admin.get(
        reverse("admin:participants_importjob_progress", args=[job.pk])
    ).json()
    assert progress["stalled"] is True
    with django_capture_on_commit_callbacks(execute=True):
        head_office_admin.post(
            reverse("admin:participants_importjob_changelist"),
            {"action": "resume_action", "_selected_action": [job.pk]},
        )
    job.refresh_from_db()
    assert (job.status, job.corrected_rows) == (ImportJob.Status.DONE, 1)
    resumed = job.history.filter(history_user=head_office, status=ImportJob.Status.PENDING)
    assert resumed.exists()


def test_a_running_import_is_neither_resumed_nor_cancelled(tmp_path, stored, head_office):
    _employer, _new, first, second = stored
    job = job_for(correction_file(tmp_path, first, second))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    job.refresh_from_db()
    assert not jobs.resume(job, actor=head_office)
    assert not jobs.cancel(job, actor=head_office)
    assert not jobs.cancel(stall(job, ImportJob.Status.APPLYING), actor=head_office)


def test_a_cancelled_import_applies_nothing_even_if_its_worker_comes_back(
    tmp_path, stored, head_office_admin
):
    _employer, _new, first, second = stored
    job = stall(job_for(correction_file(tmp_path, first, second), apply_corrections=True))
    head_office_admin.post(
        reverse("admin:participants_importjob_changelist"),
        {"action": "cancel_action", "_selected_action": [job.pk]},
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert run_import_job(job.pk).status == ImportJob.Status.CANCELLED
    assert ContributionMonth.objects.count() == 1
    assert not ContributionCorrection.objects.exists()


def test_the_upload_states_and_enforces_its_size_limit(head_office_admin, settings):
    settings.IMPORT_MAX_BYTES = 100
    add = reverse("admin:participants_importjob_add")
    assert "100\xa0bita" in head_office_admin.get(add).content.decode()
    upload = SimpleUploadedFile("besar.csv", b"nik,npp,period,wage,paid_date\n" + b"x" * 200)
    response = head_office_admin.post(add, {"file": upload})
    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_head_office_may_resume(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:participants_importjob_changelist"), {"action": "resume_action"}
    )
    assert response.status_code == 403
