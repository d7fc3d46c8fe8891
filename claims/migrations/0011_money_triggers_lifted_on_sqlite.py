"""SQLite only: the money triggers of 0005 name the instalment table, so SQLite cannot rebuild
that table (0012 adds its columns) while they exist. They are dropped here and created again,
for the new columns, by 0013."""

from django.db import migrations

SQLITE = [
    "DROP TRIGGER IF EXISTS claims_paymentline_amount_insert",
    "DROP TRIGGER IF EXISTS claims_paymentline_amount_update",
    "DROP TRIGGER IF EXISTS claims_instalment_paid_by_line",
]


# 0005's triggers, for the way back.
SQLITE_BACK = [
    """CREATE TRIGGER claims_paymentline_amount_insert BEFORE INSERT ON claims_paymentline
    WHEN NEW.amount <> (SELECT amount FROM claims_cashinstalment WHERE id = NEW.instalment_id)
    BEGIN SELECT RAISE(ABORT, 'payment line amount differs from its instalment''s'); END""",
    """CREATE TRIGGER claims_paymentline_amount_update BEFORE UPDATE ON claims_paymentline
    WHEN NEW.amount <> (SELECT amount FROM claims_cashinstalment WHERE id = NEW.instalment_id)
    BEGIN SELECT RAISE(ABORT, 'payment line amount differs from its instalment''s'); END""",
    """CREATE TRIGGER claims_instalment_paid_by_line BEFORE UPDATE ON claims_cashinstalment
    WHEN NEW.status = 'paid' AND OLD.status <> 'paid' AND NOT EXISTS (
        SELECT 1 FROM claims_paymentline WHERE instalment_id = NEW.id AND status = 'paid')
    BEGIN SELECT RAISE(ABORT, 'instalment marked paid without a paid payment line'); END""",
]


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0010_letter")]

    operations = [migrations.RunPython(_on_sqlite(SQLITE), _on_sqlite(SQLITE_BACK))]
