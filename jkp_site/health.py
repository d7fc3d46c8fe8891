"""Health that tells the truth: ``/healthz`` is liveness (cheap: the process answers and the
database takes a query); ``/readyz`` is readiness: the database, Redis, a Celery worker and
beat's last run, each reported, 503 when any is down. Load balancers route on readiness.
In the embedded default (no REDIS_URL, tasks inline) Redis, workers and beat are not used."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

from jkp_site.core.resilience import BEAT_KEY

BEAT_STALE_SECONDS = 180


def _database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any failure is reported, not raised
        return False, type(exc).__name__


def _redis() -> tuple[bool, str]:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def _workers() -> tuple[bool, str]:
    from jkp_site.celery import app

    try:
        replies = app.control.ping(timeout=1.0)
    except Exception as exc:
        return False, type(exc).__name__
    return (True, f"{len(replies)} answering") if replies else (False, "no worker answered")


def _beat() -> tuple[bool, str]:
    last = cache.get(BEAT_KEY)
    if last is None:
        return False, "no run recorded"
    age = time.time() - float(last)
    return (age <= BEAT_STALE_SECONDS), f"last run {int(age)} s ago"


def readiness() -> dict[str, Any]:
    checks: dict[str, tuple[bool, str]] = {"database": _database()}
    if settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["redis"] = _redis()
        checks["workers"] = _workers() if checks["redis"][0] else (False, "redis down")
        checks["beat"] = _beat() if checks["redis"][0] else (False, "redis down")
    ready = all(ok for ok, _detail in checks.values())
    return {
        "status": "ok" if ready else "degraded",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }


def readyz(request: HttpRequest) -> JsonResponse:
    report = readiness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
