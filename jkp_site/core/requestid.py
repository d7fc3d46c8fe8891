"""The request id, the actor and the branch on every log line, in the web process and in the
Celery tasks a request causes.

``RequestIdMiddleware`` (first in MIDDLEWARE) takes a well-formed ``X-Request-ID`` from the load
balancer or makes one, keeps it for the request and echoes it in the response. ``ActorMiddleware``
(after authentication) adds who is acting: ``user:<id>`` and the branch's id, never a name.
Publishing a task copies the three into the message headers (``before_task_publish``); the
worker puts them back around the task (``task_prerun``/``task_postrun``), so a payment batch
logged by a worker carries the id of the request that asked for it. ``LogContextFilter`` writes
them on each record ("-" when there is none).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from celery import current_task, signals
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# A client's id is kept only when it looks like an id: letters, digits, '-', '_', '.', at most
# 64 characters (a UUID, an AWS/nginx trace id). Anything else is replaced, never echoed.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FIELDS = ("request_id", "actor", "branch")
request_log = logging.getLogger("jkp.request")
task_log = logging.getLogger("jkp.task")

_context: dict[str, contextvars.ContextVar[str]] = {
    name: contextvars.ContextVar(name, default="-") for name in FIELDS
}


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The client's id if well-formed, else a new one."""
    if value and _WELL_FORMED.match(value):
        return value
    return new_request_id()


def current() -> dict[str, str]:
    return {name: var.get() for name, var in _context.items()}


def bind(**values: str) -> list[tuple[contextvars.ContextVar[str], contextvars.Token[str]]]:
    return [(_context[name], _context[name].set(value)) for name, value in values.items()]


def unbind(tokens: list[tuple[contextvars.ContextVar[str], contextvars.Token[str]]]) -> None:
    for var, token in reversed(tokens):
        var.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        tokens = bind(request_id=request_id, actor="-", branch="-")
        started = time.monotonic()
        try:
            response = self.get_response(request)
            # One line a request: the path only (a query string may hold what a form sent).
            request_log.info(
                "%s %s %s %dms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
                extra=getattr(request, "log_actor", {}),
            )
        finally:
            unbind(tokens)
        response[HEADER] = request_id
        return response


class ActorMiddleware:
    """Who is acting, once authentication has run: ids only (no name, no e-mail)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            branch_id = getattr(user, "branch_id", None)
            actor = {"actor": f"user:{user.pk}", "branch": str(branch_id) if branch_id else "-"}
            request.log_actor = actor  # type: ignore[attr-defined]
            tokens = bind(**actor)
        else:
            tokens = []
        try:
            return self.get_response(request)
        finally:
            unbind(tokens)


class LogContextFilter(logging.Filter):
    """Adds the request id, actor and branch, and inside a Celery task its name and id."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _context.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        if current_task and current_task.request.id and not hasattr(record, "task"):
            record.task = current_task.name
            record.task_id = current_task.request.id
        return True


# --- Celery: the context travels in the message headers ------------------------------------

_HEADER_PREFIX = "jkp_"
_task_tokens: dict[str, list[tuple[contextvars.ContextVar[str], contextvars.Token[str]]]] = {}
_task_started: dict[str, float] = {}


@signals.before_task_publish.connect(dispatch_uid="jkp.requestid.publish")
def _add_headers(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    if headers is None:
        return
    for name, value in current().items():
        if value != "-":
            headers.setdefault(_HEADER_PREFIX + name, value)


def _from_task(task: Any) -> dict[str, str]:
    request = getattr(task, "request", None)
    found: dict[str, str] = {}
    for name in FIELDS:
        value = getattr(request, _HEADER_PREFIX + name, None) if request is not None else None
        if value is None and request is not None:
            value = (getattr(request, "headers", None) or {}).get(_HEADER_PREFIX + name)
        if isinstance(value, str) and value:
            found[name] = value
    return found


@signals.task_prerun.connect(dispatch_uid="jkp.requestid.prerun")
def _enter_task(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    # A task run inline (no broker) already runs inside the caller's context; one from beat
    # has none and gets a request id of its own.
    values = _from_task(task)
    if values or current()["request_id"] == "-":
        values.setdefault("request_id", new_request_id())
        _task_tokens[task_id or ""] = bind(**values)
    _task_started[task_id or ""] = time.monotonic()
    task_log.info("task started")


@signals.task_postrun.connect(dispatch_uid="jkp.requestid.postrun")
def _leave_task(task_id: str | None = None, state: str | None = None, **_kwargs: Any) -> None:
    started = _task_started.pop(task_id or "", None)
    elapsed = (time.monotonic() - started) * 1000 if started is not None else 0.0
    task_log.info("task finished: %s in %dms", state or "-", elapsed)
    tokens = _task_tokens.pop(task_id or "", None)
    if tokens:
        unbind(tokens)
