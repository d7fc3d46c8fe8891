"""The database refuses the writes no service makes, whoever sends them.

- Case events cannot be truncated by the application's role (0003 refuses UPDATE and DELETE;
  TRUNCATE fires no row trigger, so it gets a statement trigger of its own). A database
  superuser, who could drop the trigger anyway, may still truncate: that is how a test run
  empties its tables. PostgreSQL only; SQLite has no TRUNCATE.
- A payment line carries exactly its instalment's amount.
- An instalment is marked paid only when one of its payment lines is paid.
- Existing bank accounts get their blind index, so a shared account is found.
"""

from django.db import migrations

from jkp_site.core.crypto import blind_index

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION claims_refuse_truncate() RETURNS trigger AS $$
    BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER claims_caseevent_no_truncate BEFORE TRUNCATE ON claims_caseevent
    FOR EACH STATEMENT EXECUTE FUNCTION claims_refuse_truncate()""",
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
    """CREATE TRIGGER claims_paymentline_amount BEFORE INSERT OR UPDATE ON claims_paymentline
    FOR EACH ROW EXECUTE FUNCTION claims_paymentline_amount()""",
    """CREATE OR REPLACE FUNCTION claims_instalment_paid_by_line() RETURNS trigger AS $$
    BEGIN
        IF NEW.status = 'paid' AND OLD.status IS DISTINCT FROM 'paid' AND NOT EXISTS (
            SELECT 1 FROM claims_paymentline
            WHERE instalment_id = NEW.id AND status = 'paid'
        ) THEN
            RAISE EXCEPTION 'instalment % marked paid without a paid payment line', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER claims_instalment_paid_by_line BEFORE UPDATE ON claims_cashinstalment
    FOR EACH ROW EXECUTE FUNCTION claims_instalment_paid_by_line()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS claims_instalment_paid_by_line ON claims_cashinstalment",
    "DROP FUNCTION IF EXISTS claims_instalment_paid_by_line()",
    "DROP TRIGGER IF EXISTS claims_paymentline_amount ON claims_paymentline",
    "DROP FUNCTION IF EXISTS claims_paymentline_amount()",
    "DROP TRIGGER IF EXISTS claims_caseevent_no_truncate ON claims_caseevent",
    "DROP FUNCTION IF EXISTS claims_refuse_truncate()",
]
SQLITE_UP = [
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
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS claims_instalment_paid_by_line",
    "DROP TRIGGER IF EXISTS claims_paymentline_amount_update",
    "DROP TRIGGER IF EXISTS claims_paymentline_amount_insert",
]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        for statement in sql_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


def index_bank_accounts(apps, schema_editor):
    """The same index as participants.models.bank_account_index (one context for all)."""
    for model_name, app in (("Participant", "participants"), ("Claim", "claims")):
        model = apps.get_model(app, model_name)
        for row in model.objects.exclude(bank_account="").only("pk", "bank_account").iterator():
            digits = "".join(str(row.bank_account).split())
            model.objects.filter(pk=row.pk).update(
                bank_account_index=blind_index(digits, context="bank.account")
            )


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_payment_integrity")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
        migrations.RunPython(index_bank_accounts, migrations.RunPython.noop),
    ]
