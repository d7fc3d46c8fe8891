"""The contribution table partitioned by year on PostgreSQL (participants.0007), one table on
SQLite; the eligibility read stays an index range scan on the partitions of its window."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from participants.models import ContributionMonth, Participant
from participants.partitions import (
    default_partition_name,
    ensure_contribution_partitions,
    partition_name,
    partition_years,
)
from participants.selectors import contribution_months
from tests.factories import EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


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
def test_the_eligibility_read_is_an_index_range_scan_of_its_years_only():
    ensure_contribution_partitions(today=TODAY)
    ids = _fill(400, dt.date(2022, 1, 1), dt.date(2026, 12, 1))
    ensure_contribution_partitions(today=TODAY)  # the years 2022 to 2025 left DEFAULT
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ContributionMonth._meta.db_table}")
    reading = contribution_months(ids[200], start=dt.date(2024, 3, 1), end=dt.date(2025, 2, 1))

    assert len(reading) == 12
    nodes = _nodes(json.loads(reading.explain(format="json"))[0]["Plan"])
    tables = sorted(n["Relation Name"] for n in nodes if "Relation Name" in n)
    assert tables == [partition_name(2024), partition_name(2025)]
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan"]
    # An index scan or a bitmap of the index, per partition: both read the range of the key.
    ranges = [n for n in nodes if "Index Name" in n]
    assert sorted(n["Index Name"].split("_y")[1][:4] for n in ranges) == ["2024", "2025"]
    for scan in ranges:
        assert scan["Index Name"].endswith("participant_id_period_key")
        assert "participant_id = " in scan["Index Cond"]
        assert "period >= " in scan["Index Cond"]
        assert "period <= " in scan["Index Cond"]


@pytest.mark.postgres
def test_missing_years_get_their_partition_and_their_months_leave_default():
    participant, employer = ParticipantFactory(), EmployerFactory()
    old = ContributionMonth.objects.create(
        participant=participant, employer=employer, period=dt.date(2019, 5, 1), wage=4_000_000
    )
    assert _partitions_holding(old.period) == [default_partition_name()]

    created = ensure_contribution_partitions(today=TODAY)

    assert 2019 in created
    assert {2019, 2026, 2027} <= set(partition_years())
    assert _partitions_holding(old.period) == [partition_name(2019)]
    assert ContributionMonth.objects.get(pk=old.pk).wage == 4_000_000
    assert ensure_contribution_partitions(today=TODAY) == []
    # The moved month keeps its keys: a second month for it is still refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionMonth.objects.create(
            participant=participant, employer=employer, period=old.period, wage=1
        )


@pytest.mark.postgres
def test_next_year_is_created_ahead_by_the_command(capsys):
    call_command("create_contribution_partitions")
    this_year = timezone.localdate().year
    assert {this_year, this_year + 1} <= set(partition_years())
    capsys.readouterr()
    call_command("create_contribution_partitions")
    assert "no partition missing" in capsys.readouterr().out


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
    assert ensure_contribution_partitions(today=TODAY) == []
    participant, employer = ParticipantFactory(), EmployerFactory()
    ContributionMonth.objects.create(
        participant=participant, employer=employer, period=dt.date(2019, 5, 1), wage=1
    )
    assert ContributionMonth.objects.count() == 1
