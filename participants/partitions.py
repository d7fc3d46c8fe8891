"""The yearly partitions of the contribution table (PostgreSQL; participants.0007).

``participants_contributionmonth`` is partitioned by RANGE (period): one partition per year,
``participants_contributionmonth_y<year>``, and a DEFAULT partition for months of a year that
has none yet. ``ensure_contribution_partitions`` (daily from beat, and ``manage.py
create_contribution_partitions``) gives this year and next year their partitions, and every
year found in the DEFAULT partition its own, moving those months out of DEFAULT in the same
transaction. SQLite keeps one table: nothing to do there.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from participants.models import ContributionMonth

logger = logging.getLogger(__name__)


def _table() -> str:
    return ContributionMonth._meta.db_table


def partition_name(year: int) -> str:
    return f"{_table()}_y{year}"


def default_partition_name() -> str:
    return f"{_table()}_default"


def partition_years() -> list[int]:
    """The years that have their own partition, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [_table()],
        )
        names = [name for (name,) in cursor.fetchall()]
    prefix = f"{_table()}_y"
    return sorted(int(name[len(prefix) :]) for name in names if name.startswith(prefix))


def ensure_contribution_partitions(*, today: dt.date | None = None) -> list[int]:
    """Create the partitions missing for this year, next year and every year with months in
    the DEFAULT partition; returns the years created. Idempotent, and safe to run twice at
    once (the second waits for the first, then finds nothing to do)."""
    if connection.vendor != "postgresql":
        return []
    today = today or timezone.localdate()
    table, default = _table(), default_partition_name()
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        # Self-conflicting but leaves reads and writes of the table alone.
        cursor.execute(f"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE")
        cursor.execute(
            f"SELECT DISTINCT extract(year FROM period)::int FROM {default}"  # noqa: S608 (model table name)
        )
        wanted = {today.year, today.year + 1} | {year for (year,) in cursor.fetchall()}
        for year in sorted(wanted - set(partition_years())):
            _create(cursor, year)
            created.append(year)
    for year in created:
        logger.info("contribution partition created for %s", year)
    return created


def _create(cursor, year: int) -> None:
    """A new partition for `year`, with the months of that year the DEFAULT partition holds:
    made as a plain table, filled, then attached (which builds its indexes and keys)."""
    table, default, name = _table(), default_partition_name(), partition_name(year)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE period >= %s AND period < %s"  # noqa: S608 (model table names)
        f" RETURNING *) INSERT INTO {name} SELECT * FROM moved",
        [start, end],
    )
    # A DDL statement takes no parameters: the bounds are dates made here, not input.
    cursor.execute(
        f"ALTER TABLE {table} ATTACH PARTITION {name}"
        f" FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )
