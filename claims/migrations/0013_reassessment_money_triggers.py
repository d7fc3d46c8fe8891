"""The payment-line amount trigger of 0005, for the lines reassessments add.

- An instalment's line carries the instalment's amount less what is set off against a debt.
- An underpayment's line carries the underpayment's amount.
- An underpayment is marked paid only when one of its payment lines is paid.

On SQLite, 0011 dropped the triggers so that 0012 could rebuild the tables: they are created
again here.
"""

from django.db import migrations

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION claims_paymentline_amount() RETURNS trigger AS $$
    BEGIN
        IF NEW.instalment_id IS NOT NULL AND NEW.amount <> (
            SELECT amount - offset_amount FROM claims_cashinstalment WHERE id = NEW.instalment_id
        ) THEN
            RAISE EXCEPTION 'payment line amount % differs from its instalment''s', NEW.amount
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.underpayment_id IS NOT NULL AND NEW.amount <> (
            SELECT amount FROM claims_underpayment WHERE id = NEW.underpayment_id
        ) THEN
            RAISE EXCEPTION 'payment line amount % differs from its underpayment''s', NEW.amount
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION claims_underpayment_paid_by_line() RETURNS trigger AS $$
    BEGIN
        IF NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid' AND NOT EXISTS (
            SELECT 1 FROM claims_paymentline
            WHERE underpayment_id = NEW.id AND status = 'paid'
        ) THEN
            RAISE EXCEPTION 'underpayment % marked paid without a paid payment line', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER claims_underpayment_paid_by_line BEFORE UPDATE ON claims_underpayment
    FOR EACH ROW EXECUTE FUNCTION claims_underpayment_paid_by_line()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS claims_underpayment_paid_by_line ON claims_underpayment",
    "DROP FUNCTION IF EXISTS claims_underpayment_paid_by_line()",
    """CREATE OR REPLACE FUNCTION claims_paymentline_amount() RETURNS trigger AS $$
    BEGIN
        IF NEW.amount <> (SELECT amount FROM claims_cashinstalment WHERE id = NEW.instalment_id)
        THEN
            RAISE EXCEPTION 'payment line amount % differs from its instalment''s', NEW.amount
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
]
_SQLITE_LINE_CHECK = """WHEN (NEW.instalment_id IS NOT NULL AND NEW.amount <> (
        SELECT amount - offset_amount FROM claims_cashinstalment WHERE id = NEW.instalment_id))
    OR (NEW.underpayment_id IS NOT NULL AND NEW.amount <> (
        SELECT amount FROM claims_underpayment WHERE id = NEW.underpayment_id))
    BEGIN SELECT RAISE(ABORT, 'payment line amount differs from what it pays'); END"""
SQLITE_UP = [
    "CREATE TRIGGER claims_paymentline_amount_insert BEFORE INSERT ON claims_paymentline "
    + _SQLITE_LINE_CHECK,
    "CREATE TRIGGER claims_paymentline_amount_update BEFORE UPDATE ON claims_paymentline "
    + _SQLITE_LINE_CHECK,
    """CREATE TRIGGER claims_instalment_paid_by_line BEFORE UPDATE ON claims_cashinstalment
    WHEN NEW.status = 'paid' AND OLD.status <> 'paid' AND NOT EXISTS (
        SELECT 1 FROM claims_paymentline WHERE instalment_id = NEW.id AND status = 'paid')
    BEGIN SELECT RAISE(ABORT, 'instalment marked paid without a paid payment line'); END""",
    """CREATE TRIGGER claims_underpayment_paid_by_line BEFORE UPDATE ON claims_underpayment
    WHEN NEW.status = 'paid' AND OLD.status <> 'paid' AND NOT EXISTS (
        SELECT 1 FROM claims_paymentline WHERE underpayment_id = NEW.id AND status = 'paid')
    BEGIN SELECT RAISE(ABORT, 'underpayment marked paid without a paid payment line'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS claims_underpayment_paid_by_line",
    "DROP TRIGGER IF EXISTS claims_instalment_paid_by_line",
    "DROP TRIGGER IF EXISTS claims_paymentline_amount_update",
    "DROP TRIGGER IF EXISTS claims_paymentline_amount_insert",
]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        for statement in sql_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0012_reassessment")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
