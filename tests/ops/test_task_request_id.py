"""Across a real broker: a task published inside a request's context logs, in a real Celery
worker, JSON lines that carry that request's id, actor and branch.

Runs with REDIS_URL and a PostgreSQL DATABASE_URL (CI), like tests/celery: the worker is a
subprocess on a queue of its own, pointed at the test database.
"""

import json
import time
import uuid

import pytest

from jkp_site.core import requestid
from jkp_site.outbox.tasks import relay_outbox_task
from tests.celery.test_payment_worker import (  # the fixture real_broker too
    IS_POSTGRES,
    REDIS_URL,
    Worker,
    real_broker,  # noqa: F401
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real broker)"),
    pytest.mark.skipif(not IS_POSTGRES, reason="the worker needs a shared PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.usefixtures("real_broker")
def test_the_request_id_travels_with_the_task(tmp_path, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    queue = f"jkp-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = Worker(queue, log)
    rid = f"rid-{uuid.uuid4().hex}"
    try:
        tokens = requestid.bind(request_id=rid, actor="user:42", branch="9")
        try:
            result = relay_outbox_task.apply_async(queue=queue)
        finally:
            requestid.unbind(tokens)
        result.get(timeout=120)
        deadline = time.monotonic() + 30
        carried: list[dict] = []
        while time.monotonic() < deadline and len(carried) < 2:
            records = [
                json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")
            ]
            carried = [r for r in records if r.get("request_id") == rid]
            time.sleep(0.2)
    finally:
        worker.stop()
    assert [r["message"].split(":")[0] for r in carried] == ["task started", "task finished"]
    for record in carried:
        assert record["task"] == "jkp_site.outbox.tasks.relay_outbox_task"
        assert (record["actor"], record["branch"]) == ("user:42", "9")
