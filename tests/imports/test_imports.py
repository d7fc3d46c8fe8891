"""Contribution imports: every bad row reported, nothing applied on errors unless chosen,
idempotent reruns, and the re-employment stop for running benefits."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.models import CaseEvent, CashInstalment, Claim, Termination
from imports.contributions import ImportFileError, import_contributions
from imports.tasks import run_import_job_task
from participants.models import ContributionMonth, ImportJob
from participants.partitions import partition_months, partition_name
from tests.factories import EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
HEADER = "nik,npp,period,wage,paid_date\n"


@pytest.fixture
def people(branch):
    employer = EmployerFactory(npp="11112222", branch=branch)
    new_employer = EmployerFactory(npp="33334444", branch=branch)
    return employer, new_employer, ParticipantFactory(), ParticipantFactory()


def write(tmp_path: Path, body: str, name="contrib.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def mixed_file(tmp_path, first, second) -> Path:
    return write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"  # line 2: good
        f"{first.nik},11112222,2026-09,4000000,2026-10-10\n"  # line 3: good
        f"{second.nik},11112222,2026-09,5000000,2026-10-10\n"  # line 4: good
        f"{first.nik},11112222,2026-09,4100000,2026-10-11\n"  # line 5: duplicate of 3
        "3174011704900999,11112222,2026-09,4000000,2026-10-10\n"  # line 6: unknown NIK
        f"{second.nik},99999999,2026-08,5000000,2026-09-10\n"  # line 7: unknown NPP
        "12345,1111,2026-13,-5,yesterday\n"  # line 8: five bad fields
        f"{second.nik},11112222,2026-10\n"  # line 9: columns missing
        f"{second.nik},11112222,2026-07,{'9' * 5000},2026-08-10\n",  # line 10: huge wage
    )


def test_bad_rows_are_reported_and_nothing_is_applied(tmp_path, people):
    _employer, _new, first, second = people
    outcome, errors = import_contributions(mixed_file(tmp_path, first, second), today=TODAY)
    assert not outcome.applied
    assert ContributionMonth.objects.count() == 0
    assert outcome.total_rows == 9
    assert outcome.error_rows == 6
    assert [(e.line, e.field) for e in errors] == [
        (5, "period"),
        (6, "nik"),
        (7, "npp"),
        (8, "nik"),
        (8, "npp"),
        (8, "period"),
        (8, "wage"),
        (8, "paid_date"),
        (9, "row"),
        (10, "wage"),
    ]
    assert errors[0].reason.endswith(" 3.")  # points at the first of the pair, line 3


def test_applying_the_valid_rows_then_rerunning_changes_nothing(tmp_path, people):
    employer, _new, first, second = people
    path = mixed_file(tmp_path, first, second)
    outcome, _errors = import_contributions(path, apply_valid_rows=True, today=TODAY)
    assert outcome.applied
    assert outcome.inserted_rows == 3
    stored = {
        (c.participant_id, c.period, c.wage)
        for c in ContributionMonth.objects.filter(employer=employer)
    }
    assert stored == {
        (first.pk, dt.date(2026, 8, 1), 4_000_000),
        (first.pk, dt.date(2026, 9, 1), 4_000_000),  # the first of the duplicate pair wins
        (second.pk, dt.date(2026, 9, 1), 5_000_000),
    }
    again, _errors = import_contributions(path, apply_valid_rows=True, today=TODAY)
    assert again.inserted_rows == 0
    assert again.skipped_rows == 3
    assert ContributionMonth.objects.count() == 3


def test_a_clean_file_is_applied_and_a_second_import_is_a_no_op(tmp_path, people):
    _employer, _new, first, second = people
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"
        f"{second.nik},11112222,2026-08,5000000,2026-09-10\n",
    )
    outcome, errors = import_contributions(path, today=TODAY)
    assert (outcome.applied, outcome.inserted_rows, errors) == (True, 2, [])
    before = list(ContributionMonth.objects.order_by("pk").values())
    again, _ = import_contributions(path, today=TODAY)
    assert (again.inserted_rows, again.skipped_rows) == (0, 2)
    assert list(ContributionMonth.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    "content",
    ["", "nik;npp;period;wage;paid_date\n", "a,b\n"],
)
def test_a_file_without_the_header_is_refused(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ImportFileError):
        import_contributions(path, today=TODAY)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "Jos\xe9,1\n".encode("latin-1"))
    with pytest.raises(ImportFileError):
        import_contributions(path, today=TODAY)


def test_new_employer_months_stop_a_running_benefit(tmp_path, people):
    employer, new_employer, first, _second = people
    termination = Termination.objects.create(
        participant=first,
        employer=employer,
        phk_date=dt.date(2026, 8, 14),
        reason="efficiency",
        contract_type="PKWTT",
    )
    claim = Claim.objects.create(
        number="JKP-2026-000001",
        participant=first,
        termination=termination,
        branch=employer.branch,
        state=Claim.State.BENEFIT_ACTIVE,
    )
    instalment = CashInstalment.objects.create(
        claim=claim,
        month=2,
        due_date=dt.date(2026, 10, 14),
        percent=60,
        amount=2_400_000,
        rule_version="V2",
    )
    path = write(tmp_path, f"{first.nik},{new_employer.npp},2026-10,4500000,2026-11-10\n")
    outcome, _ = import_contributions(path, today=TODAY)
    assert outcome.stopped_claims == 1
    claim.refresh_from_db()
    instalment.refresh_from_db()
    assert claim.state == Claim.State.STOPPED
    assert instalment.status == CashInstalment.Status.CANCELLED
    assert CaseEvent.objects.filter(claim=claim, reason_code="reemployed").exists()


def test_job_records_progress_and_a_downloadable_error_report(tmp_path, people, settings):
    _employer, _new, first, second = people
    path = mixed_file(tmp_path, first, second)
    job = ImportJob.objects.create(original_name="contrib.csv")
    job.file.save("contrib.csv", io.BytesIO(path.read_bytes()))
    run_import_job_task.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_DECISION
    assert (job.total_rows, job.processed_rows, job.error_rows) == (9, 9, 6)
    report = list(csv.reader(io.StringIO(job.errors_file.read().decode())))
    assert report[0] == ["line", "field", "reason"]
    assert len(report) == 11
    job.apply_valid_rows = True
    job.status = ImportJob.Status.PENDING
    job.save()
    run_import_job_task.delay(job.pk)
    job.refresh_from_db()
    assert (job.status, job.inserted_rows, job.progress_percent) == (ImportJob.Status.DONE, 3, 100)


def test_command_exits_non_zero_on_errors_and_writes_the_report(tmp_path, people):
    _employer, _new, first, second = people
    report = tmp_path / "errors.csv"
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_contributions",
            str(mixed_file(tmp_path, first, second)),
            "--errors",
            str(report),
        )
    assert exit_info.value.code == 1
    assert report.read_text().count("\n") == 11
    assert ContributionMonth.objects.count() == 0


def test_admin_upload_runs_the_import_and_shows_its_status(
    client, tmp_path, people, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True, branch=None)
    client.force_login(admin_user)
    _employer, _new, first, second = people
    upload = SimpleUploadedFile(
        "juli.csv", mixed_file(tmp_path, first, second).read_bytes(), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/participants/importjob/add/", {"file": upload, "apply_valid_rows": ""}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.NEEDS_DECISION
    page = client.get(f"/admin/participants/importjob/{job.pk}/change/")
    assert page.status_code == 200
    assert b"js/imports.js" in page.content
    progress = client.get(f"/admin/participants/importjob/{job.pk}/progress/").json()
    assert (progress["status"], progress["error_rows"]) == ("needs_decision", 6)
    report = client.get(f"/admin/participants/importjob/{job.pk}/errors/")
    assert b"line,field,reason" in b"".join(report.streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/participants/importjob/",
            {"action": "apply_valid_rows_action", "_selected_action": [job.pk]},
        )
    job.refresh_from_db()
    assert (job.status, job.inserted_rows) == (ImportJob.Status.DONE, 3)


def test_supervisors_cannot_reach_the_import_pages(client, supervisor, tmp_path, people):
    job = ImportJob.objects.create(original_name="x.csv")
    client.force_login(supervisor)
    assert client.get("/admin/participants/importjob/add/").status_code == 403
    assert client.get(f"/admin/participants/importjob/{job.pk}/progress/").status_code == 403


def _statements(path: Path) -> tuple[object, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        outcome, _ = import_contributions(path, today=TODAY)
    return outcome, [q["sql"] for q in queries.captured_queries]


@pytest.mark.postgres
def test_a_new_month_is_filled_apart_and_attached_as_its_partition(tmp_path, people):
    _employer, _new, first, second = people
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"
        f"{second.nik},11112222,2026-08,5000000,2026-09-10\n",
    )
    outcome, statements = _statements(path)

    month = dt.date(2026, 8, 1)
    assert outcome.inserted_rows == 2
    assert partition_months() == [month]
    inserts = [s for s in statements if s.startswith("INSERT INTO participants_contributionmonth")]
    assert len(inserts) == 1
    assert f"INSERT INTO {partition_name(month)} " in inserts[0]
    assert "ON CONFLICT" not in inserts[0]
    attach = [s for s in statements if " ATTACH PARTITION " in s]
    assert len(attach) == 1
    # The attach comes after the merge and the reassessment request (ATTACH locks DEFAULT and
    # the key tables until COMMIT); only the re-employment stop, which reads the attached
    # month, follows it: its one read, with no running benefit to stop.
    after = statements[statements.index(attach[0]) + 1 :]
    assert after[0].endswith("_range")
    assert [s.split(" ", 2)[:2] for s in after[1:-1]] == [["SELECT", '"claims_claim"."id",']]
    assert after[-1].startswith("RELEASE SAVEPOINT")
    assert any(s.startswith("CREATE TEMPORARY TABLE import_staging") for s in statements)
    assert len(statements) == 24


@pytest.mark.postgres
def test_a_second_import_of_the_month_merges_into_its_partition_and_adds_nothing(tmp_path, people):
    _employer, _new, first, second = people
    body = (
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"
        f"{second.nik},11112222,2026-08,5000000,2026-09-10\n"
    )
    import_contributions(write(tmp_path, body, "a.csv"), today=TODAY)
    outcome, statements = _statements(write(tmp_path, body, "b.csv"))

    assert (outcome.inserted_rows, outcome.skipped_rows) == (0, 2)
    assert partition_months() == [dt.date(2026, 8, 1)]
    inserts = [s for s in statements if s.startswith("INSERT INTO participants_contributionmonth")]
    assert len(inserts) == 1
    assert "INSERT INTO participants_contributionmonth " in inserts[0]
    assert "ON CONFLICT (participant_id, period) DO NOTHING" in inserts[0]
    assert not [s for s in statements if "ATTACH" in s or s.startswith("CREATE TABLE")]
    assert ContributionMonth.objects.count() == 2


@pytest.mark.postgres
def test_a_file_of_new_and_stored_months_takes_both_paths(tmp_path, people):
    _employer, _new, first, second = people
    import_contributions(
        write(tmp_path, f"{first.nik},11112222,2026-07,4000000,2026-08-10\n", "a.csv"),
        today=TODAY,
    )
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-07,4000000,2026-08-10\n"
        f"{second.nik},11112222,2026-07,5000000,2026-08-10\n"
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n",
        "b.csv",
    )
    outcome, _ = import_contributions(path, today=TODAY)
    assert (outcome.inserted_rows, outcome.skipped_rows) == (2, 1)
    assert partition_months() == [dt.date(2026, 7, 1), dt.date(2026, 8, 1)]
    assert ContributionMonth.objects.count() == 3


@pytest.mark.postgres
def test_a_bad_file_makes_no_partition(tmp_path, people):
    _employer, _new, first, second = people
    import_contributions(mixed_file(tmp_path, first, second), today=TODAY)
    assert partition_months() == []


@pytest.mark.postgres
def test_an_orphan_row_at_attach_fails_the_import_and_nothing_is_applied(
    tmp_path, people, monkeypatch
):
    """The database, not the resolve step, has the last word on the keys: a participant gone
    between the two (here an orphan row slipped into the month's table) fails the ATTACH."""
    from django.db import IntegrityError, connection

    from participants import partitions

    _employer, _new, first, second = people
    real_attach = partitions.attach_month

    def attach_with_an_orphan(cursor, month):
        cursor.execute(
            f"INSERT INTO {partition_name(month)}"  # noqa: S608 (model table name)
            " (participant_id, employer_id, period, wage, created_at)"
            " SELECT 1000000000, employer_id, period, 1, now() FROM "
            f"{partition_name(month)} LIMIT 1"
        )
        real_attach(cursor, month)

    monkeypatch.setattr(partitions, "attach_month", attach_with_an_orphan)
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"
        f"{second.nik},11112222,2026-08,5000000,2026-09-10\n",
    )
    with pytest.raises(IntegrityError, match="participant_id"):
        import_contributions(path, today=TODAY)
    assert ContributionMonth.objects.count() == 0
    assert partition_months() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [partition_name(dt.date(2026, 8, 1))])
        assert cursor.fetchone() == (None,)


def test_a_different_wage_for_a_stored_month_is_a_listed_correction_not_a_silent_skip(
    tmp_path, people
):
    _employer, _new, first, _second = people
    once = write(tmp_path, f"{first.nik},11112222,2026-08,4000000,2026-09-10\n", "a.csv")
    assert import_contributions(once, today=TODAY)[0].inserted_rows == 1
    same = write(tmp_path, f"{first.nik},11112222,2026-08,4000000,2026-09-10\n", "b.csv")
    outcome, errors = import_contributions(same, today=TODAY)
    assert (outcome.skipped_rows, errors) == (1, [])
    changed = write(tmp_path, f"{first.nik},11112222,2026-08,4500000,2026-09-10\n", "c.csv")
    outcome, errors = import_contributions(changed, today=TODAY)
    assert [(e.line, e.field) for e in errors] == [(2, "wage")]
    assert "4.000.000" in errors[0].reason
    assert not outcome.applied
    assert ContributionMonth.objects.get(participant=first, period=dt.date(2026, 8, 1)).wage == (
        4_000_000
    )


def test_digits_of_other_scripts_are_refused(tmp_path, people):
    _employer, _new, first, _second = people
    arabic_indic = "\u0661\u0661\u0661\u0661\u0662\u0662\u0662\u0662"  # "11112222"
    path = write(tmp_path, f"{first.nik},{arabic_indic},2026-08,4000000,2026-09-10\n")
    _outcome, errors = import_contributions(path, today=TODAY)
    assert [e.field for e in errors] == ["npp"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_a_new_month_at_once_store_it_once(tmp_path, people, monkeypatch):
    import threading
    import time

    from django.db import connection

    from participants import partitions

    _employer, _new, first, second = people
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"
        f"{second.nik},11112222,2026-08,5000000,2026-09-10\n",
    )
    real_attach = partitions.attach_month

    def slow_attach(cursor, month):
        # Holds the partitions' lock a while: the other import must wait for it, then merge.
        real_attach(cursor, month)
        time.sleep(0.5)

    monkeypatch.setattr(partitions, "attach_month", slow_attach)
    start = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            start.wait()
            outcomes.append(import_contributions(path, today=TODAY)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted((o.inserted_rows, o.skipped_rows) for o in outcomes) == [(0, 2), (2, 0)]
    assert partition_months() == [dt.date(2026, 8, 1)]
    assert ContributionMonth.objects.count() == 2


@pytest.mark.postgres
def test_a_new_month_whose_rows_are_all_refused_gets_no_partition(tmp_path, people):
    _employer, _new, first, _second = people
    path = write(
        tmp_path,
        f"{first.nik},11112222,2026-08,4000000,2026-09-10\n"
        "3174011704900999,11112222,2026-09,4000000,2026-10-10\n",  # unknown NIK
    )
    outcome, errors = import_contributions(path, today=TODAY, apply_valid_rows=True)
    assert outcome.applied
    assert [(e.line, e.field) for e in errors] == [(3, "nik")]
    assert partition_months() == [dt.date(2026, 8, 1)]
