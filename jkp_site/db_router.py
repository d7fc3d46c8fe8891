"""Reads on the replica, only where asked for, and never a write.

``reading_replica()`` (a context manager and a view decorator) sends the reads made inside it
to the "replica" database when READ_REPLICA_ALIAS names one; everything else, and every write,
goes to the primary. Only read-only screens use it: the dashboard, the monthly report and the
API feeds, which tolerate the replica's lag of a few seconds. A view that shows what its own
request just wrote must not use it. Inside a transaction on the primary the reads stay there
too (they may need to see that transaction's writes).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_on_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("on_replica", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def replica_alias() -> str:
    alias = getattr(settings, "READ_REPLICA_ALIAS", "")
    return alias if alias and alias in settings.DATABASES else ""


@contextlib.contextmanager
def reading_replica() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def replica_reads(view: F) -> F:
    """The view's reads go to the replica (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reading_replica():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        alias = replica_alias()
        if not alias or not _on_replica.get():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows: an object read there may point at one on the primary.
        return True
