"""On PostgreSQL the contribution table's yearly partitions (participants.0007) become monthly
ones, and the months in the DEFAULT partition get theirs.

A monthly partition lets the contribution import of a new month fill a standalone table, build
its indexes in bulk and ATTACH it, the foreign keys validated by one query each instead of a
check per row at COMMIT (``participants.partitions``, ``imports.contributions``). Each yearly
partition is detached, each of its months copied into a table of its own that is then attached,
and the year dropped. No month is made ahead, empty.

SQLite keeps one table: this migration does nothing there.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

TABLE = "participants_contributionmonth"
DEFAULT = f"{TABLE}_default"


def _children(cursor, prefix, digits):
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = %s::regclass ORDER BY c.relname",
        [TABLE],
    )
    return [
        name
        for (name,) in cursor.fetchall()
        if name.startswith(prefix) and len(name) == len(prefix) + digits
    ]


def _attach(cursor, name, start, end):
    """Attach a filled table as the partition [start, end): indexes built first (equal to the
    partitioned ones, so adopted), a CHECK of the range so ATTACH need not scan it."""
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
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')"
    )
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")


def _next_month(month):
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _new_table(cursor, name, sources, where, params):
    """`name` made like the contribution table and filled with the rows of `sources` matching
    `where`; rows taken from DEFAULT are deleted there."""
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    for source in sources:
        if source == DEFAULT:
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE {where} RETURNING *)"
                f" INSERT INTO {name} SELECT * FROM moved",
                params,
            )
        else:
            cursor.execute(f"INSERT INTO {name} SELECT * FROM {source} WHERE {where}", params)


def to_months(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE UPDATE EXCLUSIVE MODE")
        years = _children(cursor, f"{TABLE}_y", 4)
        for year in years:
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {year}")
        for source in [*years, DEFAULT]:
            cursor.execute(f"SELECT DISTINCT period FROM {source} ORDER BY period")
            for (month,) in cursor.fetchall():
                name = f"{TABLE}_m{month:%Y%m}"
                _new_table(cursor, name, [source], "period = %s", [month])
                _attach(cursor, name, month.isoformat(), _next_month(month).isoformat())
        for year in years:
            cursor.execute(f"DROP TABLE {year}")
        cursor.execute(f"ANALYZE {TABLE}")


def to_years(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE UPDATE EXCLUSIVE MODE")
        months = _children(cursor, f"{TABLE}_m", 6)
        for month in months:
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {month}")
        cursor.execute(f"SELECT DISTINCT extract(year FROM period)::int FROM {DEFAULT}")
        this_year = timezone.localdate().year
        wanted = {int(name[-6:-2]) for name in months} | {y for (y,) in cursor.fetchall()}
        for year in sorted(wanted | {this_year, this_year + 1}):
            start, end = f"{year}-01-01", f"{year + 1}-01-01"
            sources = [m for m in months if int(m[-6:-2]) == year] + [DEFAULT]
            name = f"{TABLE}_y{year}"
            _new_table(cursor, name, sources, "period >= %s AND period < %s", [start, end])
            _attach(cursor, name, start, end)
        for month in months:
            cursor.execute(f"DROP TABLE {month}")
        cursor.execute(f"ANALYZE {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0008_merge_partitions_and_labels"),
    ]

    operations = [migrations.RunPython(to_months, to_years)]
