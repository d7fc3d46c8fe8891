"""A real Celery worker on Redis and PostgreSQL gathers a payment batch, dies halfway, and
nothing is paid twice.

Runs only with REDIS_URL set and a PostgreSQL DATABASE_URL (CI). The worker is a subprocess
(`celery -A jkp_site worker`) pointed at pytest-django's test database ("test_<name>"), on a
queue of its own so no other worker can take the task.

1. The pool process running the batch is killed (SIGKILL) mid-batch: with acks_late and
   reject_on_worker_lost the message goes back to the queue and the batch is finished by a new
   pool process, each instalment exactly once.
2. The whole worker (its process group) is killed mid-batch; a new worker is started and the
   task is sent again (as the next beat or the head-office button would): the open batch is
   resumed, not duplicated.
3. Reruns on a finished batch add nothing.
4. Two runs at once on two pool processes fill one batch, each instalment once.
5. The database refuses a second live payment line for an instalment (the partial unique
   constraint): removing the constraint fails this test.
"""

import os
import uuid

import pytest
from django.db import IntegrityError, transaction

from benefits.tasks import run_payment_batch_task
from claims.models import (
    CashInstalment,
    InstalmentStatus,
    PaymentBatch,
    PaymentLine,
)
from jkp_site.celery import app as celery_app
from tests.benefits.builders import add_payable_month, build_claims
from tests.celery.workers import Worker, wait_for

REDIS_URL = os.environ.get("REDIS_URL", "")
IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.skipif(not IS_POSTGRES, reason="the worker needs a shared PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]

CLAIMS = 1200
# Small chunks, so the batch is still being gathered when the test kills its worker.
SMALL_CHUNKS = {"PAYMENT_GATHER_CHUNK": "20"}


def lines_now() -> int:
    return PaymentLine.objects.count()


def assert_each_instalment_once(expected: int) -> None:
    assert PaymentLine.objects.count() == expected
    assert PaymentLine.objects.values("instalment").distinct().count() == expected
    assert not CashInstalment.objects.filter(status=InstalmentStatus.PAYABLE).exists()
    assert CashInstalment.objects.filter(status=InstalmentStatus.IN_BATCH).count() == expected


@pytest.fixture
def real_broker():
    """settings_test runs tasks inline; this test sends them to the broker instead."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


@pytest.mark.usefixtures("real_broker")
def test_a_killed_worker_never_pays_twice(branch, tmp_path):
    queue = f"jkp-test-{uuid.uuid4().hex[:8]}"
    claims = build_claims(branch, CLAIMS)
    add_payable_month(claims, 1)
    workers = [Worker(queue, tmp_path / "worker.log", env=SMALL_CHUNKS)]
    try:
        # 1. The pool process dies mid-batch; the message is redelivered and finished.
        run_payment_batch_task.apply_async(queue=queue)
        wait_for(lambda: lines_now() > 0, what="the batch to start")
        workers[0].kill_pool_child()
        at_kill = lines_now()
        assert at_kill < CLAIMS, "the batch finished before the worker could be killed"
        first = wait_for(
            lambda: PaymentBatch.objects.filter(state=PaymentBatch.State.READY).first(),
            what="the retried batch to finish",
        )
        assert_each_instalment_once(CLAIMS)
        assert first.lines.count() == CLAIMS
        assert PaymentBatch.objects.count() == 1

        # 2. The whole worker dies mid-batch; a new worker and a rerun resume the open batch.
        add_payable_month(claims, 2)
        run_payment_batch_task.apply_async(queue=queue)
        wait_for(lambda: lines_now() > CLAIMS, what="the second batch to start")
        workers[0].kill_everything()
        stuck = PaymentBatch.objects.get(state=PaymentBatch.State.OPEN)
        assert CLAIMS < lines_now() < 2 * CLAIMS
        workers.append(Worker(queue, tmp_path / "worker2.log", env=SMALL_CHUNKS))
        result = run_payment_batch_task.apply_async(queue=queue)
        assert result.get(timeout=180) == stuck.pk
        stuck.refresh_from_db()
        assert stuck.state == PaymentBatch.State.READY
        assert stuck.lines.count() == CLAIMS
        assert_each_instalment_once(2 * CLAIMS)

        # 3. Reruns on finished batches find nothing to pay.
        again = [run_payment_batch_task.apply_async(queue=queue) for _ in range(2)]
        assert [r.get(timeout=60) for r in again] == [None, None]
        assert PaymentBatch.objects.count() == 2
        assert_each_instalment_once(2 * CLAIMS)

        # 4. Two runs at the same moment on two pool processes share one batch.
        workers[-1].stop()
        workers.append(Worker(queue, tmp_path / "worker3.log", concurrency=2, env=SMALL_CHUNKS))
        add_payable_month(claims, 3)
        both = [run_payment_batch_task.apply_async(queue=queue) for _ in range(2)]
        ids = {r.get(timeout=180) for r in both} - {None}
        assert len(ids) == 1
        assert PaymentBatch.objects.get(pk=ids.pop()).lines.count() == CLAIMS
        assert PaymentBatch.objects.count() == 3
        assert_each_instalment_once(3 * CLAIMS)
    finally:
        for worker in workers:
            worker.stop()
        import redis

        redis.Redis.from_url(REDIS_URL).delete(queue)

    # Behind the conditional UPDATE the database itself refuses a second live line.
    line = PaymentLine.objects.select_related("instalment", "batch").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            batch=line.batch,
            instalment=line.instalment,
            amount=line.amount,
            bank_name="BRI",
            bank_account="001200000000",
            account_holder="Duplikat",
            reference=f"{line.reference}-DUP",
        )
