"""On PostgreSQL the contribution table becomes partitioned by period: one partition per year
and a DEFAULT partition (a national year adds about 130 million rows).

The table is renamed, a partitioned table of the same columns, check constraints and names is
created, the rows are copied and the old table dropped. The partition key must be in every
unique constraint, so the database's primary key becomes (id, period); ``id`` still comes from
one sequence (kept at its position) and stays unique in practice, and Django's state keeps
``id`` as the primary key (nothing references a contribution by id). The unique
(participant, period) constraint and the (employer, period) index become partitioned indexes,
the foreign keys are added back (validated once, set-based). Partitions: every year that holds
a month, through next year; ``participants.partitions`` (beat, and
``manage.py create_contribution_partitions``) adds the years after that.

SQLite keeps one table: this migration does nothing there.
"""

from django.db import migrations
from django.utils import timezone

TABLE = "participants_contributionmonth"
OLD = "participants_contributionmonth_unpartitioned"
SEQUENCE = "participants_contributionmonth_id_seq"


def _foreign_keys(cursor, table):
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    return cursor.fetchall()


def _sequence_position(cursor):
    cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")
    return cursor.fetchone()


def _add_keys(cursor, table, primary_key, foreign_keys):
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({primary_key})")
    cursor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT contribution_unique_participant_period"
        " UNIQUE (participant_id, period)"
    )
    cursor.execute(f"CREATE INDEX contribution_employer_period ON {table} (employer_id, period)")
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def _set_aside(cursor, name):
    """Rename the table and its indexes (index names are per schema) out of the way."""
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {name}")
    cursor.execute(f"ALTER INDEX contribution_employer_period RENAME TO {name}_employer_period")
    cursor.execute(
        f"ALTER TABLE {name} RENAME CONSTRAINT contribution_unique_participant_period"
        f" TO {name}_participant_period"
    )
    cursor.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {TABLE}_pkey TO {name}_pkey")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        foreign_keys = _foreign_keys(cursor, TABLE)
        last_value, is_called = _sequence_position(cursor)
        _set_aside(cursor, OLD)
        # Identity columns are not allowed on a partitioned table (PostgreSQL < 17): a sequence.
        cursor.execute(f"ALTER TABLE {OLD} ALTER COLUMN id DROP IDENTITY")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            " PARTITION BY RANGE (period)"
        )
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
        cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, last_value, is_called])
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"SELECT extract(year FROM min(period))::int FROM {OLD}")
        this_year = timezone.localdate().year
        first = min(cursor.fetchone()[0] or this_year, this_year)
        cursor.execute(f"SELECT extract(year FROM max(period))::int FROM {OLD}")
        last = max(cursor.fetchone()[0] or this_year, this_year + 1)
        for year in range(first, last + 1):
            cursor.execute(
                f"CREATE TABLE {TABLE}_y{year} PARTITION OF {TABLE}"
                f" FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')"
            )
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608 (constant names)
        cursor.execute(f"DROP TABLE {OLD}")
        _add_keys(cursor, TABLE, "id, period", foreign_keys)
        cursor.execute(f"ANALYZE {TABLE}")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        foreign_keys = _foreign_keys(cursor, TABLE)
        last_value, is_called = _sequence_position(cursor)
        cursor.execute(f"CREATE TABLE {OLD} (LIKE {TABLE} INCLUDING CONSTRAINTS)")
        cursor.execute(f"INSERT INTO {OLD} SELECT * FROM {TABLE}")  # noqa: S608 (constant names)
        cursor.execute(f"DROP TABLE {TABLE}")  # its partitions and its sequence with it
        cursor.execute(f"ALTER TABLE {OLD} RENAME TO {TABLE}")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, last_value, is_called])
        _add_keys(cursor, TABLE, "id", foreign_keys)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_contribution_single_column_indexes_dropped"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(partition, unpartition)],
            state_operations=[],
        )
    ]
