"""The contribution import against a raw COPY of the same file (the floor).

Generates `rows` contribution rows (ten months for each of rows/10 participants, spread over
a thousand employers), creates the participants and employers with bulk inserts, then times

* the floor: `COPY` of the CSV file into a plain, unindexed table (what PostgreSQL alone
  can ingest), and
* the import path: `imports.contributions.import_contributions` on the same file (checking
  every row, the blind index of each NIK, staging COPY, resolve, one merge statement).
"""

import csv
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.harness import Figure, report, say

QUICK_ROWS = 100_000
FULL_ROWS = 1_000_000
MONTHS_PER_PARTICIPANT = 10
EMPLOYERS = 1_000
BENCH_BRANCH = "BENCH"


def run(*, rows: int) -> list[Figure]:
    from imports.contributions import import_contributions

    participants = max(rows // MONTHS_PER_PARTICIPANT, 1)
    say(f"import benchmark: {rows:,} rows ({participants:,} participants x months)")
    started = time.perf_counter()
    niks, npps = _reset_and_seed(participants)
    say(
        f"  seeded {len(niks):,} participants and {len(npps):,} employers "
        f"in {time.perf_counter() - started:.1f}s"
    )
    with tempfile.TemporaryDirectory(prefix="jkp-bench-") as workdir:
        path = Path(workdir) / "contributions.csv"
        written = _write_file(path, niks, npps, rows)

        copy_seconds = _time_raw_copy(path)
        started = time.perf_counter()
        outcome, errors = import_contributions(path)
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
    return [
        report(
            "import", size=written, value=import_rate, floor=copy_rate, goal=">= 0.5", unit="rows/s"
        )
    ]


def _reset_and_seed(count: int) -> tuple[list[str], list[str]]:
    """Fresh generated data: the benchmark database holds nothing else."""
    from jkp_site.core.models import KantorCabang, Kanwil
    from participants.models import ContributionMonth, Employer, Participant

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {ContributionMonth._meta.db_table}, {Participant._meta.db_table},"
            f" {Employer._meta.db_table} RESTART IDENTITY CASCADE"
        )
    kanwil, _ = Kanwil.objects.get_or_create(code=BENCH_BRANCH, defaults={"name": "Bench"})
    branch, _ = KantorCabang.objects.get_or_create(
        code=BENCH_BRANCH, defaults={"name": "Bench", "kanwil": kanwil}
    )
    npps = [f"{90000000 + n:08d}" for n in range(EMPLOYERS)]
    Employer.objects.bulk_create(
        Employer(npp=npp, name=f"PT Bench {npp}", size_class="large", branch=branch) for npp in npps
    )
    niks = _niks(count)
    today = timezone.localdate()
    batch = []
    with transaction.atomic():
        for n, nik in enumerate(niks):
            # bulk_create bypasses save(), which sets the blind index; set it here.
            participant = Participant(
                nik=nik,
                nik_index=Participant.index_for(nik),
                kpj_number=f"{10000000000 + n:011d}",
                name=f"Pekerja {n}",
                birth_date=dt.date(1990, 1, 1),
                gender="M",
                registered_on=today,
            )
            batch.append(participant)
            if len(batch) == 5_000:
                Participant.objects.bulk_create(batch)
                batch = []
        Participant.objects.bulk_create(batch)
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


def _write_file(path: Path, niks: list[str], npps: list[str], rows: int) -> int:
    rng = random.Random(6)  # noqa: S311 (reproducible synthetic data, not security)
    last = timezone.localdate().replace(day=1) - relativedelta(months=1)
    periods = [last - relativedelta(months=k) for k in range(MONTHS_PER_PARTICIPANT)]
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nik", "npp", "period", "wage", "paid_date"])
        for n, nik in enumerate(niks):
            npp = npps[n % len(npps)]
            wage = rng.randrange(2_000_000, 12_000_000, 1000)
            for period in periods:
                if written == rows:
                    return written
                paid = period + relativedelta(months=1, days=9)
                writer.writerow([nik, npp, f"{period:%Y-%m}", wage, paid.isoformat()])
                written += 1
    return written


def _time_raw_copy(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_raw_copy (nik text, npp text, period text,"
            " wage bigint, paid_date date)"
        )
        started = time.perf_counter()
        with (
            cursor.cursor.copy(
                "COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
            open(path, "rb") as handle,
        ):
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_copy")
    return seconds


BENCHES = {"import": lambda national: run(rows=FULL_ROWS if national else QUICK_ROWS)}
