"""The monthly contribution import against a bare COPY of the same file (the floor).

A monthly-shaped file: one row per worker, last month, into a contribution table that already
holds the twelve months before it. Generated set-based: the participants are cloned by
INSERT ... SELECT from one template row (they share its NIK ciphertext, which the import never
reads; each gets the blind index of its own NIK, computed in Python and COPYed), the twelve
months of history by one INSERT ... SELECT each, into its own monthly partition (filled, then
attached, as the daily task and the imports leave them), and the file's month has no partition
yet: the import takes its path for a new month (``participants.partitions``). Then it times

* the floor: `COPY` of the CSV file into a table of the file's columns with a unique key on
  (NIK, period), what PostgreSQL alone takes to load and key the file, and
* the import path: `imports.contributions.import_contributions` on the same file (every row
  checked, the blind index of each NIK, staging COPY, the resolve checks, the rows written to
  the month's own table, its indexes built and the table attached, its foreign keys validated
  in one query each).

The note says where the import's time went (the rows checked in Python, then the database)
beside what writing the same rows, already resolved, into the contribution table costs by
itself (an INSERT through the partitioned table, then the foreign keys checked row by row at
COMMIT: the path a month with a partition takes), measured in the same run.
"""

import csv
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from benchmarks.harness import Figure, report, say
from benchmarks.seeding import clone_rows

QUICK_ROWS = 100_000
FULL_ROWS = 1_000_000
HISTORY_MONTHS = 12
EMPLOYERS = 1_000
BENCH_BRANCH = "BENCH"


def file_period(today: dt.date) -> dt.date:
    """The month a file delivered today pays for: last month."""
    return today.replace(day=1) - relativedelta(months=1)


def paid_date(period: dt.date, today: dt.date) -> dt.date:
    """When the month was paid: the 10th of the next month, or today if that is still to come
    (on days 1 to 9 a file's last month cannot have been paid on the 10th yet)."""
    return min(period + relativedelta(months=1, days=9), today)


def run(*, rows: int) -> list[Figure]:
    from imports.contributions import import_contributions

    say(f"import benchmark: a monthly file of {rows:,} workers, {HISTORY_MONTHS} months stored")
    today = timezone.localdate()
    started = time.perf_counter()
    niks, npps = _reset_and_seed(rows, today)
    say(f"  seeded in {time.perf_counter() - started:.1f}s")
    with tempfile.TemporaryDirectory(prefix="jkp-bench-") as workdir:
        path = Path(workdir) / "contributions.csv"
        written = _write_file(path, niks, npps, today)
        copy_seconds = _time_raw_copy(path)
        write_seconds, commit_seconds = _time_table_write(today)
        checked: list[float] = []
        started = time.perf_counter()
        outcome, errors = import_contributions(
            path, today=today, on_checked=lambda: checked.append(time.perf_counter())
        )
        import_seconds = time.perf_counter() - started

    if errors or outcome.inserted_rows != written:
        raise SystemExit(
            f"import did not load every row: {outcome.inserted_rows} of {written}, "
            f"{len(errors)} errors (first: {errors[:1]})"
        )
    copy_rate = written / copy_seconds
    import_rate = written / import_seconds
    say(f"  raw COPY (floor):   {copy_rate:>12,.0f} rows/s  ({copy_seconds:.2f}s)")
    say(f"  import path:        {import_rate:>12,.0f} rows/s  ({import_seconds:.2f}s)")
    check_seconds = checked[0] - started
    note = (
        f"import {import_seconds:.2f}s: rows checked in Python {check_seconds:.2f}s, database"
        f" {import_seconds - check_seconds:.2f}s; writing the same rows already resolved into the"
        f" contribution table alone: INSERT {write_seconds:.2f}s + foreign keys at COMMIT"
        f" {commit_seconds:.2f}s"
    )
    say(f"  {note}")
    return [
        report(
            "import",
            size=written,
            value=import_rate,
            floor=copy_rate,
            goal=">= 0.5",
            unit="rows/s",
            note=note,
        )
    ]


def _reset_and_seed(count: int, today: dt.date) -> tuple[list[str], list[str]]:
    """Fresh generated data: the benchmark database holds nothing else."""
    from jkp_site.core.models import KantorCabang, Kanwil
    from participants.models import ContributionMonth, Employer, Participant
    from participants.partitions import (
        attach_month,
        new_month_table,
        partition_months,
        partition_name,
    )

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {ContributionMonth._meta.db_table}, {Participant._meta.db_table},"
            f" {Employer._meta.db_table} RESTART IDENTITY CASCADE"
        )
        # The months of an earlier run: an empty partition of the file's month would send the
        # import down the path for a month already partitioned.
        for month in partition_months():
            cursor.execute(f"DROP TABLE {partition_name(month)}")
    kanwil, _ = Kanwil.objects.get_or_create(code=BENCH_BRANCH, defaults={"name": "Bench"})
    branch, _ = KantorCabang.objects.get_or_create(
        code=BENCH_BRANCH, defaults={"name": "Bench", "kanwil": kanwil}
    )
    npps = [f"{90000000 + n:08d}" for n in range(EMPLOYERS)]
    Employer.objects.bulk_create(
        Employer(npp=npp, name=f"PT Bench {npp}", size_class="large", branch=branch) for npp in npps
    )
    niks = _niks(count)
    template = Participant(
        nik=niks[0],
        kpj_number="10000000000",
        name="Pekerja",
        birth_date=dt.date(1990, 1, 1),
        gender="M",
        registered_on=today,
    )
    template.save()
    Participant.objects.filter(pk=template.pk).update(nik_index="template")
    period = file_period(today)
    first = period - relativedelta(months=HISTORY_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_nik (g integer, nik_index varchar(64))")
        with cursor.copy("COPY bench_nik FROM STDIN") as copy:
            for g, nik in enumerate(niks):
                copy.write_row((g, Participant.index_for(nik)))
        clone_rows(
            cursor,
            Participant,
            template.pk,
            "SELECT g, nik_index FROM bench_nik",
            [],
            {
                "nik_index": "src.nik_index",
                "kpj_number": "lpad((10000000001 + src.g)::text, 11, '0')",
                "name": "'Pekerja ' || src.g",
            },
        )
        Participant.objects.filter(pk=template.pk).delete()
        cursor.execute("DROP TABLE bench_nik")
        # The twelve months before the file's, the employer of each worker as in the file, each
        # in its own partition as the daily task leaves them; the file's month has none yet.
        for month in (first + relativedelta(months=k) for k in range(HISTORY_MONTHS)):
            table = new_month_table(cursor, month)
            cursor.execute(
                f"INSERT INTO {table} (participant_id, employer_id, "  # noqa: S608 (model table names)
                "period, wage, paid_on, created_at) "
                "SELECT p.id, e.id, %s, 5000000, %s, "
                f"now() FROM {Participant._meta.db_table} AS p "
                f"JOIN {Employer._meta.db_table} AS e ON e.npp = lpad((90000000 + "
                "(p.id - %s) %% %s)::text, 8, '0')",
                [month, month + relativedelta(months=1, days=9), template.pk + 1, EMPLOYERS],
            )
            attach_month(cursor, month)
        cursor.execute("ANALYZE")
    return niks, npps


def _niks(count: int) -> list[str]:
    """Distinct, structurally valid NIKs: region x birth date x serial."""
    niks: list[str] = []
    birth = dt.date(1970, 1, 1)
    region = 317401
    serial = 1
    while len(niks) < count:
        niks.append(f"{region}{birth:%d%m%y}{serial:04d}")
        serial += 1
        if serial > 9999:
            serial = 1
            birth += dt.timedelta(days=1)
    return niks


def _write_file(path: Path, niks: list[str], npps: list[str], today: dt.date) -> int:
    rng = random.Random(6)  # noqa: S311 (reproducible synthetic data, not security)
    period = file_period(today)
    paid = paid_date(period, today).isoformat()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nik", "npp", "period", "wage", "paid_date"])
        for n, nik in enumerate(niks):
            wage = rng.randrange(2_000_000, 12_000_000, 1000)
            writer.writerow([nik, npps[n % len(npps)], f"{period:%Y-%m}", wage, paid])
    return len(niks)


def _time_table_write(today: dt.date) -> tuple[float, float]:
    """(INSERT, COMMIT) seconds of the file's month written straight into the contribution
    table from last month's rows, keys already resolved: what the table itself costs (its three
    indexes, and its two foreign keys checked row by row at COMMIT). Rolled back, then vacuumed
    so the import finds the table as it was."""
    from django.db import transaction

    from participants.models import ContributionMonth

    period = file_period(today)
    table = ContributionMonth._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            f"INSERT INTO {table} (participant_id, employer_id, period, wage, paid_on,"  # noqa: S608 (model table name)
            f" created_at) SELECT participant_id, employer_id, %s, wage, paid_on, now()"
            f" FROM {table} WHERE period = %s",
            [period, period - relativedelta(months=1)],
        )
        inserted = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        checked = time.perf_counter()
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    return inserted - started, checked - inserted


def _time_raw_copy(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(
            "CREATE TABLE bench_raw_copy (nik text, npp text, period text,"
            " wage bigint, paid_date date, UNIQUE (nik, period))"
        )
        started = time.perf_counter()
        with (
            cursor.copy("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            open(path, "rb") as handle,
        ):
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_copy")
    return seconds


BENCHES = {"import": lambda national: run(rows=FULL_ROWS if national else QUICK_ROWS)}
