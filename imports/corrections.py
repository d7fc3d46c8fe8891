"""The correction mode of the contribution import: a month already stored with another wage.

An ordinary import never changes a stored month: a different wage for it is listed as a
correction conflict and nothing else happens. When the operator uploads a file in correction
mode (``ImportJob.apply_corrections``), each such month takes the file's wage, employer and
payment date, and the values it replaced are kept as a ``ContributionCorrection`` in the same
transaction. A month named twice in the file is not corrected (the import reports the
duplicate); rows whose NIK or NPP do not resolve are left to the import's own errors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from participants.models import ContributionCorrection, ContributionMonth, Employer, Participant

CHUNK = 5_000

# A staged row: (line, nik_index, npp, period, wage, paid_on).
Row = tuple[int, str, str, dt.date, int, dt.date | None]


@dataclass
class Corrected:
    months: int = 0
    participant_ids: list[int] = field(default_factory=list)


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def apply_corrections(
    rows: Iterable[Row], *, twice: set[tuple[str, dt.date]], job_id: int | None
) -> Corrected:
    """Correct every stored month whose wage the file changes; keep the old values.

    ``twice``: the (nik_index, period) keys named more than once in the file (left alone).
    The caller holds the import's transaction: everything here commits or rolls back with it.
    """
    done = Corrected()
    touched: set[int] = set()
    for chunk in _chunks(rows):
        chunk = [row for row in chunk if (row[1], row[3]) not in twice]
        ids = dict(
            Participant.objects.filter(nik_index__in={r[1] for r in chunk}).values_list(
                "nik_index", "id"
            )
        )
        employers = dict(
            Employer.objects.filter(npp__in={r[2] for r in chunk}).values_list("npp", "id")
        )
        stored = {
            (month.participant_id, month.period): month
            for month in ContributionMonth.objects.select_for_update().filter(
                participant_id__in=set(ids.values()), period__in={r[3] for r in chunk}
            )
        }
        changed: list[ContributionMonth] = []
        history: list[ContributionCorrection] = []
        for _line, nik_index, npp, period, wage, paid_on in chunk:
            participant_id, employer_id = ids.get(nik_index), employers.get(npp)
            month = stored.get((participant_id, period)) if participant_id else None
            if month is None or employer_id is None or month.wage == wage:
                continue
            history.append(
                ContributionCorrection(
                    participant_id=month.participant_id,
                    period=period,
                    old_wage=month.wage,
                    new_wage=wage,
                    old_employer_id=month.employer_id,
                    new_employer_id=employer_id,
                    import_job_id=job_id,
                )
            )
            month.wage, month.employer_id, month.paid_on = wage, employer_id, paid_on
            changed.append(month)
            touched.add(month.participant_id)
        ContributionCorrection.objects.bulk_create(history)
        ContributionMonth.objects.bulk_update(changed, ["wage", "employer", "paid_on"], 1000)
        done.months += len(changed)
    done.participant_ids = sorted(touched)
    return done


def keys_named_twice(rows: Iterable[Row]) -> set[tuple[str, dt.date]]:
    counts = Counter((row[1], row[3]) for row in rows)
    return {key for key, n in counts.items() if n > 1}
