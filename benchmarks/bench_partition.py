"""The eligibility read as the contribution table grows (partitioned by month, participants.0009).

`partition_read`: one worker's 24 months (``participants.selectors.contribution_months``,
``participant_id = X AND period BETWEEN …``, the read behind the officer's and the API's
eligibility) at the large size ÷ at a size 10x smaller. The table holds 36 months of every
worker (36 monthly partitions; a 24-month read touches 24), inserted month by month as the
monthly files arrive; each figure is the mean read of 200 workers, the best of several runs.
The note gives the partitions the read touches and how (from EXPLAIN).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from benchmarks.harness import Figure, report, say, timed
from benchmarks.seeding import clone_rows

QUICK_ROWS = 1_200_000
NATIONAL_ROWS = 12_000_000
MONTHS = 36
WINDOW = 24
SAMPLE = 200
BENCH_BRANCH = "BENCH"


def run(*, rows: int) -> list[Figure]:
    today = timezone.localdate()
    last = today.replace(day=1) - relativedelta(months=1)
    say(f"partition benchmark: {MONTHS} months per worker, {rows // 10:,} then {rows:,} rows")
    template, employer = _reset()
    _grow(template, employer, workers=rows // 10 // MONTHS, last=last)
    small, _ = _measure(template, last)
    _grow(template, employer, workers=rows // MONTHS - rows // 10 // MONTHS, last=last)
    large, plan = _measure(template, last)
    say(f"  read at {rows // 10:,} rows: {small * 1000:.3f} ms; at {rows:,}: {large * 1000:.3f} ms")
    return [
        report(
            "partition_read",
            size=rows,
            value=large,
            floor=small,
            ratio=large / small,
            goal="<= 1.5",
            note=plan,
        )
    ]


def _reset():
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
    employer = Employer.objects.create(
        npp="90000000", name="PT Bench", size_class="large", branch=branch
    )
    template = Participant(
        nik="3174010101700001",
        kpj_number="10000000000",
        name="Pekerja",
        birth_date=dt.date(1970, 1, 1),
        gender="M",
        registered_on=dt.date(2015, 1, 1),
    )
    template.save()
    return template, employer


def _grow(template, employer, *, workers: int, last: dt.date) -> None:
    """`workers` more workers, each with the MONTHS months ending with `last`."""
    from participants.models import ContributionMonth, Participant
    from participants.partitions import ensure_contribution_partitions

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {Participant._meta.db_table}")  # noqa: S608 (model table name)
        start = cursor.fetchone()[0]
        clone_rows(
            cursor,
            Participant,
            template.pk,
            "SELECT g FROM generate_series(%s::int, %s::int) AS g",
            [start + 1, start + workers],
            {
                "nik_index": "md5(src.g::text)",
                "kpj_number": "lpad((10000000000 + src.g)::text, 11, '0')",
                "name": "'Pekerja ' || src.g",
            },
        )
        # Month by month, as the monthly files arrive.
        cursor.execute(
            f"INSERT INTO {ContributionMonth._meta.db_table} (participant_id, employer_id,"  # noqa: S608 (model table names)
            " period, wage, paid_on, created_at)"
            " SELECT p.id, %s, m.period::date, 5000000, (m.period + interval '9 days')::date, now()"
            " FROM generate_series(%s::date, %s::date, interval '1 month') AS m(period)"
            f" CROSS JOIN {Participant._meta.db_table} AS p WHERE p.id > %s AND p.id <> %s"
            " ORDER BY m.period, p.id",
            [
                employer.pk,
                last - relativedelta(months=MONTHS - 1),
                last,
                start,
                template.pk,
            ],
        )
        # Months without a partition of their own went to DEFAULT: moved to their own.
        ensure_contribution_partitions()
        cursor.execute(f"VACUUM ANALYZE {ContributionMonth._meta.db_table}")


def _measure(template, last: dt.date) -> tuple[float, str]:
    """(mean seconds of one worker's WINDOW-month read, how EXPLAIN reads it)."""
    from participants.models import Participant
    from participants.selectors import contribution_months

    rng = random.Random(14)  # noqa: S311 (reproducible sample, not security)
    ids = list(Participant.objects.exclude(pk=template.pk).values_list("pk", flat=True))
    sample = rng.sample(ids, SAMPLE)
    start = last - relativedelta(months=WINDOW - 1)

    def reads() -> None:
        for participant_id in sample:
            months = list(contribution_months(participant_id, start=start, end=last))
            if len(months) != WINDOW:
                raise SystemExit(f"worker {participant_id}: {len(months)} months, not {WINDOW}")

    reads()
    seconds = timed(reads, repeat=5) / SAMPLE
    plan = json.loads(contribution_months(sample[0], start=start, end=last).explain(format="json"))
    return seconds, _describe(plan[0]["Plan"])


def _describe(plan: dict) -> str:
    nodes, stack = [], [plan]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    scans = sorted(
        f"{n['Relation Name'].rsplit('_', 1)[-1]}: {n['Node Type']}"
        for n in nodes
        if "Relation Name" in n
    )
    return f"{len(scans)} partitions read ({', '.join(scans)})"


BENCHES: dict[str, Callable[..., list[Figure]]] = {
    "partition_read": lambda national: run(rows=NATIONAL_ROWS if national else QUICK_ROWS)
}
