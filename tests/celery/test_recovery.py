"""Nothing lost and nothing stuck when Redis, a worker or PostgreSQL fails: real processes only.

Each test has a Redis server of its own (a `redis-server` process on a free port, stopped and
started again by the test) as broker and cache, real Celery workers (subprocesses, killed as a
whole process group with SIGKILL), and pytest-django's PostgreSQL test database, whose
connections the test cuts as a database restart would.

* Redis stopped: every workflow action answers at once and normally; its e-mails are owed, and
  they go out, once each, when Redis is back.
* The whole worker killed during a payment batch, an import's merge and a report; a new worker
  started and beat's sweepers run (the test moves the clock past the heartbeat timeout instead
  of waiting): each job finishes by itself, exactly once, with no second click.
* The database connections of the worker cut mid-import: the import ends finished, never stuck
  "in progress".
"""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from benefits.payments import resume_stale_payment_batches
from claims.models import ClaimState, EventNotification, PaymentBatch, PaymentLine
from demo.seed import make_nik
from imports.sweeper import resume_stale_imports
from jkp_site.celery import app as celery_app
from jkp_site.outbox.models import OutboxMessage
from jkp_site.outbox.services import relay_due
from participants.models import ContributionMonth, Employer, ImportJob, Participant
from reports import jobs as report_jobs
from reports.models import ReportJob
from tests.benefits.builders import add_payable_month, build_claims
from tests.celery.workers import Worker, wait_for
from tests.claims.conftest import add_proof, open_draft

IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not IS_POSTGRES, reason="the worker needs a shared PostgreSQL database"),
    pytest.mark.skipif(not REDIS_SERVER, reason="needs redis-server"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="CI only (REDIS_URL set)"),
    pytest.mark.django_db(transaction=True),
]
S = ClaimState


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process of the test's own, that the test stops and starts."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url())
        wait_for(lambda: self._answers(client), timeout=20, what="redis-server to start")

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


def _forget_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def queues() -> str:
    """Every queue a task may be routed to: the default and those of CELERY_TASK_ROUTES."""
    names = {celery_app.conf.task_default_queue}
    routes = celery_app.conf.task_routes or {}
    if isinstance(routes, dict):
        names |= {route["queue"] for route in routes.values() if "queue" in route}
    return ",".join(sorted(names))


@pytest.fixture
def broker(tmp_path):
    """Our own Redis as Celery's broker (tasks published for real) and as the cache."""
    server = RedisServer(tmp_path)
    server.start()
    keys = ("task_always_eager", "broker_url", "broker_write_url")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        task_always_eager=False, broker_url=server.url(), broker_write_url=server.url()
    )
    _forget_connections()
    cache = {
        "BACKEND": "jkp_site.core.resilience.ResilientRedisCache",
        "LOCATION": server.url(1),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    with override_settings(CACHES={"default": cache}):
        yield server
    celery_app.conf.update(**saved)
    _forget_connections()
    server.stop()


@pytest.fixture
def workers(tmp_path, broker, settings):
    """Start workers on `broker`; every one is stopped at the end, whatever happened."""
    started: list[Worker] = []
    mail = tmp_path / "mail"

    def start() -> Worker:
        worker = Worker(
            queues(),
            tmp_path / f"worker{len(started)}.log",
            broker=broker.url(),
            env={
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(mail),
                # The files the test stores (imports, reports) are where the worker looks.
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                # Small chunks, so a batch is still being gathered when its worker is killed.
                "PAYMENT_GATHER_CHUNK": "20",
            },
        )
        started.append(worker)
        return worker

    start.mail = mail  # type: ignore[attr-defined]
    yield start
    for worker in started:
        worker.stop()


def time_passes(model, **filters) -> None:
    """An hour goes by without a heartbeat (the sweepers' timeout is JOB_STALE_MINUTES)."""
    model.objects.filter(**filters).update(updated_at=timezone.now() - dt.timedelta(hours=1))


def beat_runs_the_sweepers() -> None:
    resume_stale_payment_batches()
    resume_stale_imports()
    report_jobs.resume_stale_report_jobs()
    relay_due()


# --- Redis stopped ------------------------------------------------------------------------------


def test_with_redis_stopped_every_action_answers_and_its_mail_follows(
    client,
    broker,
    workers,
    employer,
    participant,
    worker_user,
    officer,
):
    claim = open_draft(participant, employer, officer)
    add_proof(claim, officer)
    staff = client_for(officer)
    worker = client_for(worker_user)
    broker.stop()

    answers = []
    for who, url, data in (
        (staff, f"/claims/{claim.pk}/submit/", {"confirmed": "1"}),
        (staff, f"/claims/{claim.pk}/verify/", {}),
        (staff, f"/claims/{claim.pk}/return/", {"return-reason_code": "documents_missing"}),
        (
            worker,
            f"/portal/claims/{claim.pk}/withdraw/",
            {"reason_code": "claimant_request", "confirmed": "1"},
        ),
    ):
        started = time.monotonic()
        response = who.post(url, data)
        answers.append((response.status_code, time.monotonic() - started))
    claim.refresh_from_db()
    assert claim.state == S.WITHDRAWN
    assert [status for status, _seconds in answers] == [302, 302, 302, 302]
    assert max(seconds for _status, seconds in answers) < 5
    owed = EventNotification.objects.filter(event__claim=claim)
    assert owed.count() == 3  # submitted, sent back, withdrawn: the worker hears of each
    assert set(owed.values_list("status", flat=True)) == {"pending"}

    broker.start()
    workers()
    # Beat's relay, a minute later: each message's next attempt has come.
    OutboxMessage.objects.filter(state="pending").update(available_at=timezone.now())
    assert relay_due() == 3
    wait_for(
        lambda: not owed.exclude(status="sent").exists(), timeout=90, what="the mail to go out"
    )
    relay_due()
    time.sleep(2)
    assert mails_in(workers.mail) == 3  # type: ignore[attr-defined]


def mails_in(folder) -> int:
    """The e-mails Django's file backend wrote: each ends with a line of 79 dashes, and two
    sent in the same second by connections at the same address share one file."""
    return sum(path.read_bytes().count(b"\n" + b"-" * 79 + b"\n") for path in folder.iterdir())


def client_for(user):
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser


# --- a whole worker killed ----------------------------------------------------------------------

CLAIMS = 1500


def test_a_payment_batch_whose_worker_died_finishes_by_itself(branch, workers):
    from benefits.tasks import run_payment_batch_task

    claims = build_claims(branch, CLAIMS)
    add_payable_month(claims, 1)
    first = workers()
    run_payment_batch_task.delay()
    wait_for(lambda: PaymentLine.objects.exists(), what="the batch to start")
    first.kill_everything()
    assert PaymentLine.objects.count() < CLAIMS, "the batch finished before the kill"
    batch = PaymentBatch.objects.get(state=PaymentBatch.State.OPEN)

    workers()
    time_passes(PaymentBatch, pk=batch.pk)
    beat_runs_the_sweepers()
    wait_for(
        lambda: PaymentBatch.objects.filter(pk=batch.pk, state="ready").exists(),
        timeout=180,
        what="the batch to be finished by the new worker",
    )
    assert PaymentLine.objects.count() == CLAIMS
    assert PaymentLine.objects.values("instalment").distinct().count() == CLAIMS
    beat_runs_the_sweepers()
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.count() == CLAIMS


ROWS_PER_WORKER = 12


def contribution_file(workers_count: int) -> bytes:
    """`workers_count` new participants x 12 months, one employer."""
    from tests.factories import EmployerFactory, ParticipantFactory

    company = EmployerFactory(npp="77770000")
    people = []
    for n in range(workers_count):
        # Distinct NIKs past the factory's 9,999 serials: one birth date per 5,000 workers.
        birth = dt.date(1985, 1, 1) + dt.timedelta(days=n // 5000)
        nik = make_nik("327301", birth, False, n % 5000 + 1)
        person = ParticipantFactory.build(nik=nik, birth_date=birth, kpj_number=f"{n:011d}")
        person.nik_index = Participant.index_for(nik)
        people.append(person)
    people = Participant.objects.bulk_create(people, batch_size=2000)
    lines = ["nik,npp,period,wage,paid_date"]
    for person in people:
        for month in range(1, ROWS_PER_WORKER + 1):
            lines.append(f"{person.nik},{company.npp},2025-{month:02d},5000000,2026-01-15")
    return ("\n".join(lines) + "\n").encode()


def import_job(content: bytes) -> ImportJob:
    job = ImportJob.objects.create(original_name="besar.csv")
    job.file.save("besar.csv", ContentFile(content))
    return job


def test_an_import_whose_worker_died_in_the_merge_finishes_by_itself(workers):
    from imports.tasks import run_import_job_task

    rows = 12_000 * ROWS_PER_WORKER
    job = import_job(contribution_file(12_000))
    first = workers()
    run_import_job_task.delay(job.pk)
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status="applying").exists(),
        interval=0.005,
        what="the merge to start",
    )
    first.kill_everything()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING, "the import finished before the kill"
    assert ContributionMonth.objects.count() == 0  # its transaction died with it

    workers()
    time_passes(ImportJob, pk=job.pk)
    beat_runs_the_sweepers()
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status="done").exists(),
        timeout=240,
        what="the import to be finished by the new worker",
    )
    job.refresh_from_db()
    assert (job.inserted_rows, job.resumes) == (rows, 1)
    assert ContributionMonth.objects.count() == rows
    beat_runs_the_sweepers()
    assert ContributionMonth.objects.count() == rows


def test_a_report_whose_worker_died_is_made_by_itself(workers, settings, head_office):
    made = Path(settings.MEDIA_ROOT) / "reports"
    shutil.rmtree(made, ignore_errors=True)
    month = dt.date(2026, 10, 1)
    for _attempt in range(5):
        ReportJob.objects.all().delete()
        first = workers()
        report_jobs.request_report_files(month=month, language="id", user=head_office)
        wait_for(
            lambda: ReportJob.objects.filter(status="running").exists(),
            interval=0.002,
            what="a report file to be made",
        )
        first.kill_everything()
        if ReportJob.objects.filter(status="running").exists():
            break
    else:
        pytest.fail("every report file was made before its worker could be killed")
    stuck = ReportJob.objects.get(status="running")

    workers()
    time_passes(ReportJob, pk=stuck.pk)
    beat_runs_the_sweepers()
    wait_for(
        lambda: not ReportJob.objects.filter(status__in=ReportJob.LIVE).exists(),
        timeout=120,
        what="the report files to be made by the new worker",
    )
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (ReportJob.Status.DONE, 2)
    assert sorted(os.listdir(made)) == [
        "kemnaker-2026-10.pdf",
        "kemnaker-2026-10.xlsx",
    ]


# --- PostgreSQL goes away under an import --------------------------------------------------------


def cut_the_workers_database_connections() -> int:
    """What a PostgreSQL restart does to a client: every connection to the test database but
    the test's own is terminated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("during", ["validating", "applying"])
def test_an_import_whose_database_restarted_ends_finished(during, workers):
    from imports.tasks import run_import_job_task

    rows = 8_000 * ROWS_PER_WORKER
    job = import_job(contribution_file(8_000))
    workers()
    run_import_job_task.delay(job.pk)
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=during).exists(),
        interval=0.005,
        what=f"the import to be {during}",
    )
    assert cut_the_workers_database_connections() >= 1
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(),
        timeout=240,
        what="the import to end",
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert ContributionMonth.objects.count() == rows
    assert Employer.objects.filter(npp="77770000").exists()


# --- readiness ------------------------------------------------------------------------------------


def test_readiness_fails_when_the_workers_or_redis_are_down(client, broker, workers, settings):
    from jkp_site.core.resilience import record_beat_run

    settings.REDIS_URL = broker.url()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    record_beat_run()
    worker = workers()

    def ready():
        response = client.get("/readyz")
        return response.status_code, response.json()["checks"]

    status, checks = wait_for(lambda: (r := ready())[0] == 200 and r, what="the worker to answer")
    assert checks["workers"] == {"ok": True, "detail": "1 answering"}

    worker.kill_everything()
    status, checks = ready()
    assert status == 503
    assert checks["workers"] == {"ok": False, "detail": "no worker answered"}
    assert checks["database"]["ok"]
    assert checks["redis"]["ok"]

    broker.stop()
    status, checks = ready()
    assert status == 503
    assert not checks["redis"]["ok"]
    assert client.get("/healthz").status_code == 200  # liveness stays cheap and up
