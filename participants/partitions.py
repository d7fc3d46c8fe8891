"""The monthly partitions of the contribution table (PostgreSQL; participants.0007, 0009).

``participants_contributionmonth`` is partitioned by RANGE (period): one partition per month,
``participants_contributionmonth_m<YYYYMM>``, and a DEFAULT partition for a month that has
none. A month's partition is made in one of two ways, both in a transaction that holds the
table's SHARE UPDATE EXCLUSIVE lock (self-conflicting, so they serialize; reads and writes of
the table go on):

* the contribution import of a month that has no partition yet (and no rows in DEFAULT)
  fills a standalone table and attaches it (``imports.contributions``, ``new_month_table``
  and ``attach_month``): its indexes are built in bulk and its foreign keys validated by one
  query each, instead of a check per row at COMMIT;
* ``ensure_contribution_partitions`` (daily from beat, and ``manage.py
  create_contribution_partitions``) gives every month found in the DEFAULT partition its own
  partition, moving those rows out of DEFAULT in the same transaction.

No month is made ahead, empty: an import finding its month's partition already there takes
the slower path (an INSERT into the indexed partition, the foreign keys checked row by row).
SQLite keeps one table: nothing to do there.
"""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction

from participants.models import ContributionMonth

logger = logging.getLogger(__name__)

# A month's partition is named <table>_m<YYYYMM>.
_MONTH_PREFIX = "_m"


def _table() -> str:
    return ContributionMonth._meta.db_table


def partition_name(month: dt.date) -> str:
    return f"{_table()}{_MONTH_PREFIX}{month:%Y%m}"


def default_partition_name() -> str:
    return f"{_table()}_default"


def partition_months() -> list[dt.date]:
    """The months that have their own partition, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [_table()],
        )
        names = [name for (name,) in cursor.fetchall()]
    prefix = f"{_table()}{_MONTH_PREFIX}"
    return sorted(
        dt.date(int(name[-6:-2]), int(name[-2:]), 1)
        for name in names
        if name.startswith(prefix) and len(name) == len(prefix) + 6
    )


def lock_partitions(cursor) -> None:
    """The lock every change of the partitions takes first, held to COMMIT: self-conflicting
    (two makers of one month serialize, and the second finds it made) but it leaves reads and
    writes of the table alone."""
    cursor.execute(f"LOCK TABLE {_table()} IN SHARE UPDATE EXCLUSIVE MODE")


def months_in_default(cursor, months: list[dt.date] | None = None) -> set[dt.date]:
    """The months (of `months`, or all) that have rows in the DEFAULT partition."""
    sql = f"SELECT DISTINCT period FROM {default_partition_name()}"  # noqa: S608 (model table name)
    if months is None:
        cursor.execute(sql)
    else:
        cursor.execute(f"{sql} WHERE period = ANY(%s::date[])", [months])
    return {period for (period,) in cursor.fetchall()}


def _bounds(month: dt.date) -> tuple[str, str]:
    # DDL takes no parameters: the bounds are dates made here, never text from input.
    return month.isoformat(), (month + relativedelta(months=1)).isoformat()


def new_month_table(cursor, month: dt.date) -> str:
    """A standalone table shaped as the contribution table, for `month`'s rows; returns its
    name. It is attached by ``attach_month`` after it is filled."""
    name = partition_name(month)
    cursor.execute(
        f"CREATE TABLE {name} (LIKE {_table()} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    return name


def attach_month(cursor, month: dt.date) -> None:
    """Attach the filled table of `month` as its partition.

    The table's indexes are built first, in bulk, equal to the partitioned ones, which ATTACH
    then adopts instead of building its own; a CHECK of the month's range
    lets ATTACH skip the scan that proves every row belongs to it (dropped afterwards, it says
    nothing the partition bound does not). ATTACH validates the foreign keys it clones onto the
    partition with one set-based query each: an orphan row fails it, and the transaction.

    ATTACH holds until COMMIT an ACCESS EXCLUSIVE lock on the DEFAULT partition (it proves
    DEFAULT has no row of the month) and SHARE ROW EXCLUSIVE on the participant and employer
    tables (the foreign keys): callers attach as late as they can, just before they commit.
    """
    name = partition_name(month)
    start, end = _bounds(month)
    # The partitioned table's keys and index (participants.0007): same columns, so adopted.
    cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (id, period)")
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_participant_period"
        " UNIQUE (participant_id, period)"
    )
    cursor.execute(f"CREATE INDEX {name}_employer_period ON {name} (employer_id, period)")
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_range"
        f" CHECK (period >= '{start}' AND period < '{end}')"
    )
    cursor.execute(
        f"ALTER TABLE {_table()} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')"
    )
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")


def ensure_contribution_partitions() -> list[dt.date]:
    """Give every month found in the DEFAULT partition its own partition; returns the months
    created. Idempotent, and safe to run twice at once, or beside an import making a month
    (the second waits for the first, then finds nothing to do)."""
    if connection.vendor != "postgresql":
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        lock_partitions(cursor)
        for month in sorted(months_in_default(cursor) - set(partition_months())):
            _move_out_of_default(cursor, month)
            created.append(month)
    for month in created:
        logger.info("contribution partition created for %s", f"{month:%Y-%m}")
    return created


def _move_out_of_default(cursor, month: dt.date) -> None:
    """`month`'s rows moved from DEFAULT into a new table, then attached as its partition."""
    name = new_month_table(cursor, month)
    start, end = _bounds(month)
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default_partition_name()}"  # noqa: S608 (model table names)
        f" WHERE period >= %s AND period < %s RETURNING *) INSERT INTO {name} SELECT * FROM moved",
        [start, end],
    )
    attach_month(cursor, month)
