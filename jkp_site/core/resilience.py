"""A failing Redis slows the site down; it never turns saved work into a 500.

- ``ResilientRedisCache`` is Django's Redis cache that answers a miss (and keeps nothing) when
  Redis cannot be reached, instead of raising into the request. Throttles then count in no
  shared place for a while; the login lockout lives in the database and still holds.
- ``note_degraded`` records, in this process, that a part (the cache, the broker) failed; the
  staff screens show a banner for ``DEGRADED_SECONDS`` after the last failure, and the
  readiness check reports the parts themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
DEGRADED_SECONDS = 120
_failures: dict[str, float] = {}
T = TypeVar("T")


BEAT_KEY = "health:beat-last-run"


def record_beat_run() -> None:
    """Beat runs the outbox relay every minute; readiness reads when it last did."""
    from django.core.cache import cache

    cache.set(BEAT_KEY, time.time(), timeout=24 * 3600)


def note_degraded(part: str) -> None:
    if part not in _failures or time.monotonic() - _failures[part] > DEGRADED_SECONDS:
        logger.warning("degraded: %s is not answering", part)
    _failures[part] = time.monotonic()


def note_recovered(part: str) -> None:
    _failures.pop(part, None)


def degraded_parts() -> list[str]:
    now = time.monotonic()
    return sorted(part for part, at in _failures.items() if now - at <= DEGRADED_SECONDS)


def _safely(default: T, call: Callable[[], T]) -> T:
    try:
        return call()
    except (RedisError, OSError):
        note_degraded("cache")
        return default


class ResilientRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _safely(default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return _safely({}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        _safely(None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return _safely(
            False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version)
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _safely(False, lambda: super(ResilientRedisCache, self).delete(key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return _safely(0, lambda: super(ResilientRedisCache, self).incr(key, delta, version))

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return _safely(False, lambda: super(ResilientRedisCache, self).touch(key, timeout, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _safely(False, lambda: super(ResilientRedisCache, self).has_key(key, version))


def heartbeat_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """A job (import, payment batch, report file) whose heartbeat is older than this has lost
    its worker: ``JOB_STALE_MINUTES`` before ``now``. The one reading of "stale" for every
    sweeper and every screen that shows a job as stalled."""
    from django.conf import settings
    from django.utils import timezone

    return (now or timezone.now()) - dt.timedelta(minutes=settings.JOB_STALE_MINUTES)
