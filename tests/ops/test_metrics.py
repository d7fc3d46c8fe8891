"""GET /metrics: refused (404) to anyone but the configured scraper; the scraper reads the
domain figures (claims by state, instalments paid, import rows, task failures, the outbox
backlog) from the database, whichever node it asks."""

import pytest
from celery import signals
from django.core.cache import cache
from django.utils import timezone

from claims.models import ClaimState, InstalmentStatus
from jkp_site.outbox.models import OutboxMessage
from participants.models import ImportJob
from tests.claims.conftest import bare_claim
from tests.factories import EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789"


@pytest.fixture
def scraper(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    cache.clear()
    yield
    cache.clear()


def scrape(client, **headers):
    return client.get("/metrics", **headers)


@pytest.mark.usefixtures("scraper")
def test_anonymous_and_wrong_tokens_get_nothing(client, officer):
    assert scrape(client).status_code == 404
    assert scrape(client, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert scrape(client, HTTP_AUTHORIZATION=TOKEN).status_code == 404
    client.force_login(officer)  # a signed-in staff member is no scraper either
    assert scrape(client).status_code == 404
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_no_token_and_no_network_configured_refuses_everyone(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert scrape(client).status_code == 404


def test_an_allowed_network_may_scrape(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert scrape(client, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert scrape(client, REMOTE_ADDR="10.21.3.4").status_code == 404


@pytest.mark.usefixtures("scraper")
def test_the_scraper_reads_the_domain_counters(client, branch):
    employer = EmployerFactory(branch=branch)
    active = bare_claim(ParticipantFactory(), employer, ClaimState.BENEFIT_ACTIVE)
    bare_claim(ParticipantFactory(), employer, ClaimState.DRAFT)
    bare_claim(ParticipantFactory(), employer, ClaimState.DRAFT)
    for month, status in ((1, InstalmentStatus.PAID), (2, InstalmentStatus.PAYABLE)):
        active.instalments.create(
            month=month,
            due_date=timezone.localdate(),
            percent=60,
            amount=2_400_000,
            rule_version="PP6-2025",
            status=status,
        )
    ImportJob.objects.create(
        file="imports/x.csv", processed_rows=120, error_rows=3, inserted_rows=110, skipped_rows=7
    )
    OutboxMessage.objects.create(task="t", available_at=timezone.now())
    OutboxMessage.objects.create(
        task="t", available_at=timezone.now(), state=OutboxMessage.State.SENT
    )

    class Failing:
        name = "benefits.tasks.run_payment_batch_task"

    for _ in range(2):
        signals.task_failure.send(sender=Failing(), task_id="x", exception=RuntimeError())

    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for line in (
        'jkp_claims{state="benefit_active"} 1.0',
        'jkp_claims{state="draft"} 2.0',
        'jkp_claims{state="rejected"} 0.0',
        "jkp_instalments_paid_total 1.0",
        "jkp_instalments_paid_rupiah_total 2.4e+06",
        'jkp_instalments{status="payable"} 1.0',
        'jkp_import_rows_total{outcome="checked"} 120.0',
        'jkp_import_rows_total{outcome="errors"} 3.0',
        'jkp_import_rows_total{outcome="inserted"} 110.0',
        'jkp_outbox_backlog{state="pending"} 1.0',
        'jkp_outbox_backlog{state="failed"} 0.0',
        'jkp_task_failures_total{task="benefits.tasks.run_payment_batch_task"} 2.0',
        'jkp_task_failures_total{task="imports.tasks.run_import_job_task"} 0.0',
    ):
        assert line in text, line
