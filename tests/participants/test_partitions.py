"""The contribution table partitioned by month on PostgreSQL (participants.0007, 0009), one
table on SQLite; the eligibility read stays an index range scan on the partitions of its
window; a month's table attached with an orphan row is refused."""

import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from participants.models import ContributionMonth, Participant
from participants.partitions import (
    attach_month,
    default_partition_name,
    ensure_contribution_partitions,
    lock_partitions,
    new_month_table,
    partition_months,
    partition_name,
)
from participants.selectors import contribution_months
from tests.factories import EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _fill(participants: int, first: dt.date, last: dt.date) -> list[int]:
    """`participants` workers (cloned in SQL from one) with every month from first to last."""
    template = ParticipantFactory()
    employer = EmployerFactory()
    table = Participant._meta.db_table
    columns = [f.column for f in Participant._meta.concrete_fields if f.column != "id"]
    values = [
        {"nik_index": "md5(g::text)", "kpj_number": "lpad(g::text, 11, '0')"}.get(c, f"t.{c}")
        for c in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"  # noqa: S608 (model table name)
            f" FROM {table} t CROSS JOIN generate_series(1, %s) g WHERE t.id = %s",
            [participants - 1, template.pk],
        )
        cursor.execute(
            f"INSERT INTO {ContributionMonth._meta.db_table}"  # noqa: S608 (model table names)
            " (participant_id, employer_id, period, wage, paid_on, created_at)"
            f" SELECT p.id, %s, m::date, 5000000, m::date + 14, now() FROM {table} p"
            " CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') m",
            [employer.pk, first, last],
        )
    return list(Participant.objects.order_by("pk").values_list("pk", flat=True))


def _nodes(plan: dict) -> list[dict]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


def _partitions_holding(period: dt.date) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT tableoid::regclass::text FROM {ContributionMonth._meta.db_table}"  # noqa: S608 (model table name)
            " WHERE period = %s",
            [period],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.postgres
def test_the_eligibility_read_is_an_index_range_scan_of_its_months_only():
    ids = _fill(400, dt.date(2022, 1, 1), dt.date(2026, 12, 1))
    ensure_contribution_partitions()  # the sixty months left DEFAULT
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ContributionMonth._meta.db_table}")
    start, end = dt.date(2024, 3, 1), dt.date(2025, 2, 1)
    reading = contribution_months(ids[200], start=start, end=end)

    assert len(reading) == 12
    nodes = _nodes(json.loads(reading.explain(format="json"))[0]["Plan"])
    tables = sorted(n["Relation Name"] for n in nodes if "Relation Name" in n)
    assert tables == [partition_name(start + relativedelta(months=k)) for k in range(12)]
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan"]
    # An index scan or a bitmap of the index, per partition: both read the range of the key.
    ranges = [n for n in nodes if "Index Name" in n]
    assert len(ranges) == 12
    for scan in ranges:
        assert scan["Index Name"].endswith("_participant_period")
        assert "participant_id = " in scan["Index Cond"]


@pytest.mark.postgres
def test_months_in_default_get_their_partition_and_leave_default():
    participant, employer = ParticipantFactory(), EmployerFactory()
    old = ContributionMonth.objects.create(
        participant=participant, employer=employer, period=dt.date(2019, 5, 1), wage=4_000_000
    )
    assert _partitions_holding(old.period) == [default_partition_name()]

    assert ensure_contribution_partitions() == [old.period]

    assert partition_months() == [old.period]
    assert _partitions_holding(old.period) == [partition_name(old.period)]
    assert ContributionMonth.objects.get(pk=old.pk).wage == 4_000_000
    assert ensure_contribution_partitions() == []
    # The moved month keeps its keys: a second month for it is still refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionMonth.objects.create(
            participant=participant, employer=employer, period=old.period, wage=1
        )


@pytest.mark.postgres
def test_the_command_makes_no_month_ahead(capsys):
    # An empty partition made ahead would send the month's import down the row-by-row path.
    call_command("create_contribution_partitions")
    assert partition_months() == []
    assert "no partition missing" in capsys.readouterr().out
    ContributionMonth.objects.create(
        participant=ParticipantFactory(),
        employer=EmployerFactory(),
        period=dt.date(2026, 3, 1),
        wage=1,
    )
    call_command("create_contribution_partitions")
    assert "created the partition for 2026-03" in capsys.readouterr().out


@pytest.mark.postgres
def test_attaching_a_month_with_an_orphan_row_is_refused():
    employer = EmployerFactory()
    month = dt.date(2026, 5, 1)
    table = ContributionMonth._meta.db_table

    def orphan_month() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            lock_partitions(cursor)
            name = new_month_table(cursor, month)
            cursor.execute(
                f"INSERT INTO {name} (participant_id, employer_id, period, wage, created_at)"  # noqa: S608 (model table name)
                " VALUES (%s, %s, %s, 1, now())",
                [10**9, employer.pk, month],
            )
            attach_month(cursor, month)

    with pytest.raises(IntegrityError, match="participant_id"):
        orphan_month()
    assert partition_months() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [partition_name(month)])
        assert cursor.fetchone() == (None,)
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (model table name)
        assert cursor.fetchone() == (0,)


@pytest.mark.postgres
def test_an_orphan_month_is_still_refused_by_the_partitioned_table():
    employer = EmployerFactory()

    def orphan() -> None:
        with transaction.atomic():
            ContributionMonth.objects.create(
                participant_id=10**9, employer=employer, period=dt.date(2026, 5, 1), wage=1
            )
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(IntegrityError):
        orphan()


def test_sqlite_keeps_one_table():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    assert ensure_contribution_partitions() == []
    participant, employer = ParticipantFactory(), EmployerFactory()
    ContributionMonth.objects.create(
        participant=participant, employer=employer, period=dt.date(2019, 5, 1), wage=1
    )
    assert ContributionMonth.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_years_into_months_and_back():
    from django.db.migrations.executor import MigrationExecutor

    participant, employer = ParticipantFactory(), EmployerFactory()
    months = [dt.date(2019, 5, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    for period in months:
        ContributionMonth.objects.create(
            participant=participant, employer=employer, period=period, wage=7
        )
    table = ContributionMonth._meta.db_table

    def holding() -> list[tuple[str, dt.date]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT tableoid::regclass::text, period FROM {table} ORDER BY period"  # noqa: S608 (model table name)
            )
            return cursor.fetchall()

    def migrate(name: str) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate([("participants", name)])

    migrate("0008_merge_partitions_and_labels")
    years = holding()
    migrate("0009_contribution_partitions_by_month")

    assert [name for name, _ in years] == [f"{table}_y2019", f"{table}_y2026", f"{table}_y2026"]
    assert holding() == [(partition_name(m), m) for m in months]
    assert partition_months() == months
    assert ContributionMonth.objects.filter(wage=7).count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionMonth.objects.create(
            participant=participant, employer=employer, period=months[1], wage=1
        )
