"""Task failures counted where every node sees them: one counter per task name in the cache
(Redis in production), so the web node that serves /metrics reports the failures of every
worker. Connected to Celery's ``task_failure`` signal when the core app loads."""

from __future__ import annotations

from typing import Any

from celery import signals
from django.core.cache import cache

PREFIX = "jkp:metrics:task_failures:"


@signals.task_failure.connect(dispatch_uid="jkp.taskmetrics.failure")
def count_failure(sender: Any = None, **_kwargs: Any) -> None:
    name = getattr(sender, "name", None) or "unknown"
    key = PREFIX + name
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=None)


def failure_counts(task_names: list[str]) -> dict[str, int]:
    found = cache.get_many([PREFIX + name for name in task_names])
    return {name: int(found.get(PREFIX + name) or 0) for name in task_names}
