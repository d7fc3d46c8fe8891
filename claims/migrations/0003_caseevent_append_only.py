"""Case events are append-only in the database too, not only in the ORM.

The model refuses save() on an existing row and QuerySet update()/delete(); this trigger
closes raw SQL and any other client: UPDATE is refused on every backend, DELETE on PostgreSQL
(SQLite's flush in tests empties tables with DELETE; PostgreSQL's uses TRUNCATE).
"""

from django.db import migrations

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION claims_caseevent_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'claims_caseevent is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER claims_caseevent_append_only
    BEFORE UPDATE OR DELETE ON claims_caseevent
    FOR EACH ROW EXECUTE FUNCTION claims_caseevent_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS claims_caseevent_append_only ON claims_caseevent",
    "DROP FUNCTION IF EXISTS claims_caseevent_append_only()",
]
SQLITE_UP = [
    """CREATE TRIGGER claims_caseevent_append_only BEFORE UPDATE ON claims_caseevent
    BEGIN SELECT RAISE(ABORT, 'claims_caseevent is append-only: UPDATE refused'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS claims_caseevent_append_only"]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        for statement in sql_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
