"""Structured logs: one JSON object a line with the request id (taken from a well-formed
X-Request-ID, made otherwise, echoed in the response), the actor and the branch, carried into
the Celery tasks a request publishes; the NIK redaction stays on every handler."""

import io
import json
import logging
import logging.config
import uuid

import pytest
from celery import signals
from django.conf import settings

from jkp_site.core import requestid
from jkp_site.core.jsonlog import JsonFormatter
from jkp_site.core.logs import RedactNIK

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The site's own handler set-up (filters and JSON formatter) on a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RedactNIK())
    handler.addFilter(requestid.LogContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_every_handler_redacts_and_adds_the_context():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_nik" in handler["filters"], name
        assert "log_context" in handler["filters"], name
    assert settings.MIDDLEWARE[0] == "jkp_site.core.requestid.RequestIdMiddleware"
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[auth + 1] == "jkp_site.core.requestid.ActorMiddleware"


def test_a_well_formed_request_id_is_kept_and_echoed(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    assert response["X-Request-ID"] == "lb-0123456789abcdef"
    lines = [line for line in json_lines() if line["logger"] == "jkp.request"]
    assert lines[-1]["request_id"] == "lb-0123456789abcdef"
    assert lines[-1]["message"].startswith("GET /healthz 200 ")


@pytest.mark.parametrize(
    "sent", ["", "short", "has spaces in it", "x" * 65, "<script>alert</script>"]
)
def test_a_malformed_request_id_is_replaced(client, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    echoed = response["X-Request-ID"]
    assert echoed != sent
    assert len(echoed) == 32
    assert int(echoed, 16) >= 0


def test_the_actor_and_branch_are_on_the_request_line_not_the_name(client, officer, json_lines):
    client.force_login(officer)
    client.get("/claims/")
    line = [line for line in json_lines() if line["logger"] == "jkp.request"][-1]
    assert line["actor"] == f"user:{officer.pk}"
    assert line["branch"] == str(officer.branch_id)
    assert officer.last_name not in json.dumps(line)
    assert line["request_id"]


def test_the_query_string_is_not_logged(client, officer, json_lines):
    client.force_login(officer)
    client.get("/claims/", {"q": "Budi Santoso"})
    assert "Budi" not in json.dumps(json_lines())


def test_the_json_formatter_redacts_tracebacks(json_lines):
    try:
        raise ValueError("no participant 3174011704900001")
    except ValueError:
        logging.getLogger("jkp.test").exception("lookup failed for 3174011704900001")
    line = json_lines()[-1]
    assert line["level"] == "ERROR"
    assert "3174011704900001" not in json.dumps(line)
    assert "[NIK]" in line["message"]
    assert "[NIK]" in line["exception"]


class FakeRequest:
    def __init__(self, **headers):
        self.id = uuid.uuid4().hex
        self.__dict__.update(headers)


class FakeTask:
    name = "tests.fake_task"

    def __init__(self, request):
        self.request = request


def test_publishing_copies_the_context_into_the_headers_and_the_worker_restores_it(json_lines):
    headers: dict = {}
    tokens = requestid.bind(request_id="req-aaaaaaaaaaaa", actor="user:7", branch="3")
    try:
        signals.before_task_publish.send(sender="tests.fake_task", headers=headers, body=())
    finally:
        requestid.unbind(tokens)
    assert headers == {
        "jkp_request_id": "req-aaaaaaaaaaaa",
        "jkp_actor": "user:7",
        "jkp_branch": "3",
    }
    # In the worker: no context until the task's own headers bring it.
    task = FakeTask(FakeRequest(**headers))
    signals.task_prerun.send(sender=task, task_id=task.request.id, task=task)
    logging.getLogger("jkp.test").info("inside the task")
    signals.task_postrun.send(sender=task, task_id=task.request.id, task=task, state="SUCCESS")
    logging.getLogger("jkp.test").info("after the task")
    lines = json_lines()
    inside = next(line for line in lines if line["message"] == "inside the task")
    assert (inside["request_id"], inside["actor"], inside["branch"]) == (
        "req-aaaaaaaaaaaa",
        "user:7",
        "3",
    )
    after = next(line for line in lines if line["message"] == "after the task")
    assert "request_id" not in after
    finished = next(line for line in lines if line["message"].startswith("task finished"))
    assert finished["request_id"] == "req-aaaaaaaaaaaa"


def test_a_task_from_beat_gets_a_request_id_of_its_own(json_lines):
    task = FakeTask(FakeRequest())
    signals.task_prerun.send(sender=task, task_id=task.request.id, task=task)
    logging.getLogger("jkp.test").info("scheduled work")
    signals.task_postrun.send(sender=task, task_id=task.request.id, task=task, state="SUCCESS")
    line = next(line for line in json_lines() if line["message"] == "scheduled work")
    assert len(line["request_id"]) == 32


def test_an_api_request_names_its_client_and_the_next_request_does_not(client, json_lines):
    from rest_framework.test import APIClient

    from api.models import Grant
    from api.services import create_integration_client

    integration, token = create_integration_client(name="Logs", grants=[Grant.CLAIMS_READ])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    api.get("/api/v1/claims/JKP-2026-000001/")
    client.get("/healthz")
    api_line, next_line = [line for line in json_lines() if line["logger"] == "jkp.request"][-2:]
    assert api_line["actor"] == f"api:{integration.pk}"
    assert api_line["message"].startswith("GET /api/v1/claims/JKP-2026-000001/ 404")
    assert "actor" not in next_line
