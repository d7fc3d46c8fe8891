"""Claims per (branch, state) kept by the database, and the name search served by an index.

Triggers on claims_claim keep claims_claimstatecount in the transaction of the change: +1 on
insert, -1/+1 on a change of state or branch, -1 on delete. On PostgreSQL the two rows of a
change are touched in (branch, state) order, so two concurrent moves in opposite directions
cannot deadlock. A decrement only updates (it never inserts a -1 row), so a table emptied
before the claims (a test flush) is left empty. The current counts are filled in from the
claims here.

On PostgreSQL the queue's name search (``UPPER(name) LIKE '%…%'``) is served by a pg_trgm GIN
index on the participant's name; SQLite falls back to a plain LIKE.
"""

from django.db import migrations

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION claims_state_count_add(branch bigint, st varchar, delta integer)
    RETURNS void AS $$
    BEGIN
        IF delta > 0 THEN
            INSERT INTO claims_claimstatecount (branch_id, state, total) VALUES (branch, st, delta)
            ON CONFLICT (branch_id, state)
            DO UPDATE SET total = claims_claimstatecount.total + delta;
        ELSE
            UPDATE claims_claimstatecount SET total = total + delta
            WHERE branch_id = branch AND state = st;
        END IF;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION claims_claim_state_count() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM claims_state_count_add(NEW.branch_id, NEW.state, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM claims_state_count_add(OLD.branch_id, OLD.state, -1);
        ELSIF (OLD.branch_id, OLD.state) < (NEW.branch_id, NEW.state) THEN
            PERFORM claims_state_count_add(OLD.branch_id, OLD.state, -1);
            PERFORM claims_state_count_add(NEW.branch_id, NEW.state, 1);
        ELSE
            PERFORM claims_state_count_add(NEW.branch_id, NEW.state, 1);
            PERFORM claims_state_count_add(OLD.branch_id, OLD.state, -1);
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER claims_claim_state_count_insert_delete
    AFTER INSERT OR DELETE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_state_count()""",
    """CREATE TRIGGER claims_claim_state_count_update
    AFTER UPDATE OF state, branch_id ON claims_claim
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state
                       OR OLD.branch_id IS DISTINCT FROM NEW.branch_id)
    EXECUTE FUNCTION claims_claim_state_count()""",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS participant_name_trgm ON participants_participant
    USING gin (UPPER(name::text) gin_trgm_ops)""",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS participant_name_trgm",
    "DROP TRIGGER IF EXISTS claims_claim_state_count_update ON claims_claim",
    "DROP TRIGGER IF EXISTS claims_claim_state_count_insert_delete ON claims_claim",
    "DROP FUNCTION IF EXISTS claims_claim_state_count()",
    "DROP FUNCTION IF EXISTS claims_state_count_add(bigint, varchar, integer)",
]
_SQLITE_ADD = """INSERT INTO claims_claimstatecount (branch_id, state, total)
        VALUES (NEW.branch_id, NEW.state, 1)
        ON CONFLICT (branch_id, state) DO UPDATE SET total = total + 1;"""
_SQLITE_SUBTRACT = """UPDATE claims_claimstatecount SET total = total - 1
        WHERE branch_id = OLD.branch_id AND state = OLD.state;"""
SQLITE_UP = [
    f"""CREATE TRIGGER claims_claim_state_count_insert AFTER INSERT ON claims_claim
    BEGIN {_SQLITE_ADD} END""",
    f"""CREATE TRIGGER claims_claim_state_count_delete AFTER DELETE ON claims_claim
    BEGIN {_SQLITE_SUBTRACT} END""",
    f"""CREATE TRIGGER claims_claim_state_count_update AFTER UPDATE OF state, branch_id
    ON claims_claim
    WHEN OLD.state IS NOT NEW.state OR OLD.branch_id IS NOT NEW.branch_id
    BEGIN {_SQLITE_SUBTRACT} {_SQLITE_ADD} END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS claims_claim_state_count_update",
    "DROP TRIGGER IF EXISTS claims_claim_state_count_delete",
    "DROP TRIGGER IF EXISTS claims_claim_state_count_insert",
]
BACKFILL = """INSERT INTO claims_claimstatecount (branch_id, state, total)
    SELECT branch_id, state, COUNT(*) FROM claims_claim GROUP BY branch_id, state"""


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        for statement in sql_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_queue_indexes_and_state_counts"),
        ("participants", "0004_import_resumes"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
        migrations.RunSQL(BACKFILL, "DELETE FROM claims_claimstatecount"),
    ]
