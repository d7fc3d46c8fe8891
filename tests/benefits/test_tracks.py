"""The case detail page shows the three benefit tracks side by side, in fixed queries."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.tasks import evaluate_due_instalments_task, run_payment_batch_task
from claims.models import InstalmentStatus
from jkp_site.celery import app as celery_app
from tests.benefits.builders import benefit_claim, set_status
from training.models import (
    JobSeekingActivity,
    TrainingAttendance,
    TrainingProgram,
    TrainingProvider,
    TrainingReferral,
)

pytestmark = pytest.mark.django_db
DECIDED = dt.date(2025, 3, 10)


def fill(claim, n):
    JobSeekingActivity.objects.bulk_create(
        JobSeekingActivity(
            claim=claim,
            kind=kind,
            status="done" if i % 3 else "scheduled",
            occurred_on=dt.date(2025, 3, 12),
        )
        for i in range(n)
        for kind in ("job_application", "counselling")
    )
    provider = TrainingProvider.objects.create(name="LPK", kind="LPK", ownership="company")
    for i in range(max(1, n // 10)):
        program = TrainingProgram.objects.create(
            provider=provider, title=f"P{i}", competency="C", duration_hours=8, cost=900_000
        )
        referral = TrainingReferral.objects.create(claim=claim, program=program, state="completed")
        TrainingAttendance.objects.create(referral=referral, period=dt.date(2025, 4, 1), percent=90)


def detail_queries(client, claim):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 200
    return response, len(queries)


def test_the_detail_page_shows_the_three_tracks_in_fixed_queries(client, officer, branch):
    small = benefit_claim(branch=branch, decision_date=DECIDED)
    big = benefit_claim(branch=branch, decision_date=DECIDED)
    fill(small, 5)
    fill(big, 50)
    set_status(big, [1], InstalmentStatus.PAID)
    client.force_login(officer)
    detail_queries(client, small)  # warm per-session caches
    _response, small_count = detail_queries(client, small)
    big_response, big_count = detail_queries(client, big)
    assert small_count == big_count
    for track in ('id="track-cash"', 'id="track-lmi"', 'id="track-training"'):
        assert track in big_response.text
    assert big_response.text.count("data-month=") == 6
    assert 'data-status="paid"' in big_response.text
    assert reverse("benefits:benefit", args=[big.pk]) in big_response.text


def test_the_menu_offers_benefits_and_payments_by_permission(client, counsellor, head_office):
    client.force_login(counsellor)
    home = client.get(reverse("home")).text
    assert reverse("benefits:caseload") in home
    assert reverse("payments:batch_list") not in home
    client.force_login(head_office)
    home = client.get(reverse("home")).text
    assert reverse("payments:batch_list") in home
    assert reverse("benefits:caseload") not in home


def test_beat_runs_registered_tasks():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "benefits.tasks.evaluate_due_instalments_task",
        "benefits.tasks.run_payment_batch_task",
    } <= names
    # What a worker does when it starts: import every app's tasks module.
    celery_app.loader.import_default_modules()
    assert names <= set(celery_app.tasks)


def test_the_tasks_judge_and_gather(branch, head_office):
    claim = benefit_claim(branch=branch, decision_date=DECIDED)
    JobSeekingActivity.objects.create(
        claim=claim, kind="self_assessment", occurred_on=dt.date(2025, 3, 11)
    )
    assert evaluate_due_instalments_task.delay().get() == 6  # month 1 payable, 2-6 not paid
    batch_id = run_payment_batch_task.delay(acting_user_id=head_office.pk).get()
    assert claim.instalments.get(month=1).payment_lines.get().batch_id == batch_id
    assert run_payment_batch_task.delay().get() is None
