"""Bulk import of monthly contribution files: CSV with NIK, NPP, period, wage, paid date.

Three steps, so that a million rows take seconds and a bad file changes nothing:

1. **Check** every row in Python while streaming the file (formats, ranges, the NIK's own
   structure), computing the NIK's blind index (``Participant.index_for``) as it goes; good
   rows are written to a staging file, bad ones to the error report (line, field, reason).
2. **Resolve** the staged rows against the database: unknown NIK, unknown NPP, and a second
   row for the same participant and month within the file are reported the same way.
3. **Merge**, only when the file is clean or the operator chose to apply the valid rows:
   on PostgreSQL the staging file is ``COPY``-ed into a temporary table, each row's participant,
   employer and stored month are resolved once into a second one (read by the error report
   and the merge). A month of the file that has no partition yet (and no row in the DEFAULT
   partition) is written into a standalone table of its own, which gets its indexes built in
   bulk and is attached as the month's partition (``participants.partitions.attach_month``):
   the database validates its foreign keys with one query each, instead of a check per row at
   COMMIT. Every other month goes in by one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``.
   Elsewhere (SQLite) ``bulk_create(ignore_conflicts=True)``. Months already stored are left
   alone, so importing the same file twice changes nothing. Participants who gained months
   have their decided claims reassessed, then are handed to
   ``benefits.conditions.stop_on_reemployment``.

Steps 2 and 3 run in one transaction: either everything valid is applied or nothing is. The
ATTACH comes as late in it as it can, just before the re-employment check (which reads the
attached month): it holds an ACCESS EXCLUSIVE lock on the DEFAULT partition and SHARE ROW
EXCLUSIVE on the participant and employer tables until COMMIT. Two imports of the same new
month serialize on the partitions' lock; the second finds the partition and merges into it.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import heapq
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.conditions import stop_on_reemployment
from claims.models import ReassessmentTrigger
from claims.reassessment import affected_claims
from claims.reassessment_jobs import request_reassessment_job
from imports.corrections import Corrected, keys_named_twice
from imports.corrections import apply_corrections as apply_wage_corrections
from jkp_site.core.crypto import blind_indexer
from jkp_site.core.money import format_rupiah
from jkp_site.core.storage import local_copy
from participants import partitions as participants_partitions
from participants.models import (
    NIK_INDEX_CONTEXT,
    ContributionMonth,
    Employer,
    ImportJob,
    Participant,
)
from participants.nik import PROVINCE_CODES, parse_nik

COLUMNS = ("nik", "npp", "period", "wage", "paid_date")
ERROR_COLUMNS = ("line", "field", "reason")
# A monthly wage above Rp 1 trillion is a typing mistake, and it keeps within a bigint.
MAX_WAGE = 10**12
EARLIEST_PERIOD = dt.date(2000, 1, 1)
PROGRESS_EVERY = 20_000
RESOLVE_CHUNK = 5_000
# stop_on_reemployment filters with IN (...) on SQLite: keep each call well under the parameter
# limit there (PostgreSQL takes the whole file's ids as one array).
STOP_CHUNK = 10_000

# ASCII digits only (re.ASCII): Python's \d also takes Arabic-Indic and other scripts' digits.
_NPP = re.compile(r"^\d{8}$", re.ASCII)
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


class ImportCancelledError(Exception):
    """The job was cancelled while its rows were being checked: nothing is applied."""


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV, not UTF-8, wrong header)."""


@dataclass(frozen=True, order=True)
class RowError:
    line: int
    field: str
    reason: str


@dataclass
class Outcome:
    total_rows: int = 0
    error_rows: int = 0
    inserted_rows: int = 0
    skipped_rows: int = 0
    corrected_rows: int = 0
    stopped_claims: int = 0
    applied: bool = False
    touched_participant_ids: list[int] = field(default_factory=list)


# --- step 1: check each row -------------------------------------------------------------------


def _check_row(
    row: list[str], line: int, today: dt.date, index: Callable[[str], str] | None = None
) -> tuple[str | None, list[RowError]]:
    """The row as a staged line (tab-separated: line, nik_index, npp, period, wage, paid_on),
    or None and its errors. Runs once per row of million-row files: kept lean (the messages are
    only made for a row with an error; `index`, the blind indexer, looked up once per file)."""
    if len(row) != len(COLUMNS):
        return None, [
            RowError(
                line,
                "row",
                _("Expected %(expected)d columns, found %(found)d.")
                % {"expected": len(COLUMNS), "found": len(row)},
            )
        ]
    nik, npp, period_text, wage_text, paid_text = row
    nik_index, nik_problem = _nik_index(nik.strip(), today, index)
    npp = npp.strip()
    npp_ok = _NPP.match(npp) is not None
    period = _period(period_text.strip(), today)
    wage_text = wage_text.strip()
    paid_on = _paid_date(paid_text.strip(), today)
    # The length bound comes first: int() of thousands of digits is slow, then refused.
    wage_digits = len(wage_text) <= 13 and wage_text.isascii() and wage_text.isdigit()
    wage_ok = wage_digits and 0 < int(wage_text) <= MAX_WAGE
    if nik_problem or not npp_ok or period is None or not wage_ok or paid_on is None:
        errors = []
        if nik_problem:
            errors.append(RowError(line, "nik", nik_problem))
        if not npp_ok:
            errors.append(RowError(line, "npp", _("NPP must be 8 digits.")))
        if period is None:
            errors.append(
                RowError(line, "period", _("Period must be a past or current month as YYYY-MM."))
            )
        if not wage_ok:
            errors.append(
                RowError(line, "wage", _("Wage must be a whole number of Rupiah above 0."))
            )
        if paid_on is None:
            errors.append(
                RowError(line, "paid_date", _("Paid date must be a past date as YYYY-MM-DD."))
            )
        return None, errors
    return f"{line}\t{nik_index}\t{npp}\t{period}\t{int(wage_text)}\t{paid_on}\n", []


def _nik_index(
    nik: str, today: dt.date, index: Callable[[str], str] | None = None
) -> tuple[str, str]:
    """(blind index, "") for a valid NIK, ("", what is wrong, in the current language) otherwise.

    A monthly file names each worker once, so nothing per NIK is worth remembering; what is
    shared is the birth date (six digits, a few tens of thousands of values), checked once.
    A plain 16-digit NIK is judged here by the same tests as ``parse_nik``; anything else
    (spaces inside, a fault) goes to ``parse_nik`` itself, which names the fault."""
    if not (
        len(nik) == 16
        and nik.isascii()
        and nik.isdigit()
        and nik[:2] in PROVINCE_CODES
        and nik[2:4] != "00"
        and nik[4:6] != "00"
        and nik[12:] != "0000"
        and _birth_digits_valid(nik[6:12], today)
    ):
        try:
            parse_nik(nik, today=today)
        except ValidationError as exc:
            return "", exc.messages[0]
    return (index or _nik_indexer(settings.BLIND_INDEX_KEY))(nik), ""


@functools.lru_cache(maxsize=1 << 17)
def _birth_digits_valid(ddmmyy: str, today: dt.date) -> bool:
    """``parse_nik``'s verdict on a NIK's birth-date digits (DDMMYY, day + 40 for women): the
    same digits in a NIK that is valid in every other part."""
    try:
        parse_nik(f"110101{ddmmyy}0001", today=today)
    except ValidationError:
        return False
    return True


@functools.lru_cache(maxsize=4)
def _nik_indexer(key: str) -> Callable[[str], str]:
    """``Participant.index_for`` with the key decoded once per key, not once per row."""
    return blind_indexer(NIK_INDEX_CONTEXT)


# A file holds a few distinct months and payment dates: parse each text once, kept as the
# ISO text the staged line carries.
@functools.lru_cache(maxsize=4096)
def _period(text: str, today: dt.date) -> str | None:
    match = _PERIOD.match(text)
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    period = dt.date(int(match[1]), int(match[2]), 1)
    return period.isoformat() if EARLIEST_PERIOD <= period <= today else None


@functools.lru_cache(maxsize=4096)
def _paid_date(text: str, today: dt.date) -> str | None:
    match = _DATE.match(text)
    if not match:
        return None
    try:
        paid_on = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return paid_on.isoformat() if EARLIEST_PERIOD <= paid_on <= today else None


def _open_text(path: Path) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheets on Windows write a byte-order mark.
    return open(path, encoding="utf-8-sig", newline="")


def count_rows(path: Path) -> int:
    """Data rows (lines after the header), counted fast for the progress bar."""
    with open(path, "rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        handle.seek(0, 2)
        size = handle.tell()
        if size:
            handle.seek(-1, 2)
            if handle.read(1) != b"\n":
                lines += 1
    return max(lines - 1, 0)


def check_rows(
    path: Path,
    *,
    staged: io.TextIOBase,
    errors: list[RowError],
    today: dt.date,
    on_progress: Callable[[int], None] = lambda n: None,
) -> int:
    """Check every row; write good ones tab-separated to `staged`, append bad ones to
    `errors`. Returns the number of data rows. Raises ImportFileError for an unreadable file."""
    rows = 0
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle)
            header = [cell.strip().lower() for cell in next(reader, [])]
            if tuple(header) != COLUMNS:
                raise ImportFileError(
                    _("The first line must be the header: %(columns)s.")
                    % {"columns": ",".join(COLUMNS)}
                )
            write = staged.write
            index = _nik_indexer(settings.BLIND_INDEX_KEY)
            for row in reader:
                if not row:
                    continue
                rows += 1
                good, bad = _check_row(row, reader.line_num, today, index)
                if good is None:
                    errors.extend(bad)
                else:
                    write(good)
                if rows % PROGRESS_EVERY == 0:
                    on_progress(rows)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise ImportFileError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from None
    on_progress(rows)
    return rows


def _staged_rows(staged_path: Path) -> Iterator[tuple]:
    with open(staged_path, encoding="utf-8") as handle:
        for text in handle:
            line, nik_index, npp, period, wage, paid_on = text.rstrip("\n").split("\t")
            yield (
                int(line),
                nik_index,
                npp,
                dt.date.fromisoformat(period),
                int(wage),
                dt.date.fromisoformat(paid_on),
            )


# --- steps 2 and 3: resolve and merge ----------------------------------------------------------


def _unknown_nik() -> str:
    return _("No participant with this NIK.")


def _unknown_npp() -> str:
    return _("No employer with this NPP.")


def _duplicate(first_line: int) -> str:
    return _("Same NIK and period as line %(line)d.") % {"line": first_line}


def _wage_conflict(stored: int) -> str:
    return _(
        "This month is already stored with a wage of %(wage)s: a different wage is a "
        "correction, applied only by an import in correction mode; it is listed so it is "
        "not lost."
    ) % {"wage": format_rupiah(stored)}


def _resolve_error(line: int, kind: str) -> RowError:
    if kind == "nik":
        return RowError(line, "nik", _unknown_nik())
    if kind == "npp":
        return RowError(line, "npp", _unknown_npp())
    if kind.startswith("wage:"):
        return RowError(line, "wage", _wage_conflict(int(kind[5:])))
    return RowError(line, "period", _duplicate(int(kind)))


def _stage_postgresql(staged_path: Path) -> tuple[list[dt.date], list[dt.date]]:
    """The staged rows ``COPY``-ed into a temporary table; returns the file's months and those
    of them to be attached as new partitions (``_months_to_attach``). Runs first in the
    import's transaction, before anything reads the contribution table."""
    with connection.cursor() as cursor:
        # ON COMMIT DROP cleans up after a normal run; the explicit DROP covers a caller that
        # runs several imports inside one outer transaction (and the test suite).
        cursor.execute("DROP TABLE IF EXISTS pg_temp.import_staging")
        cursor.execute(
            "CREATE TEMPORARY TABLE import_staging (line integer, nik_index varchar(64),"
            " npp varchar(8), period date, wage bigint, paid_on date) ON COMMIT DROP"
        )
        with (
            cursor.cursor.copy("COPY import_staging FROM STDIN") as copy,
            open(staged_path, "rb") as handle,
        ):
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        # Statistics of the staged rows, so the checks and the merge below join by hash rather
        # than by a nested loop planned for an empty table.
        cursor.execute("ANALYZE import_staging")
        cursor.execute("SELECT DISTINCT period FROM import_staging")
        periods = [period for (period,) in cursor.fetchall()]
        return periods, _months_to_attach(cursor, periods)


def _merge_postgresql(
    staged_path: Path,
    *,
    apply_valid_rows: bool,
    known_errors: bool,
    periods: list[dt.date],
    new_months: list[dt.date],
) -> tuple[list, Outcome, list[dt.date]]:
    """Resolve and merge the rows ``_stage_postgresql`` staged; returns the errors, the
    outcome and the months whose filled tables are left for the caller to attach."""
    # The only values put into the SQL text below: table names from the models' own Meta (plain
    # lower-case identifiers), never anything read from the file.
    contribution = ContributionMonth._meta.db_table
    participant = Participant._meta.db_table
    employer = Employer._meta.db_table
    outcome = Outcome()
    with connection.cursor() as cursor:
        # Each staged row's keys resolved once, with the month already stored, if any, and the
        # first line naming the same worker and month. The file's months are constants here,
        # so only their partitions of the contribution table are read. The rows are sorted by
        # blind index for the window in byte order (COLLATE "C"; the same groups, as equal is
        # equal in any deterministic collation): a third faster than the database's collation.
        cursor.execute("DROP TABLE IF EXISTS pg_temp.import_resolved")
        cursor.execute(
            "CREATE TEMPORARY TABLE import_resolved ON COMMIT DROP AS"  # noqa: S608 (model table names)
            " SELECT s.line, s.period, s.wage, s.paid_on, p.id AS participant_id,"
            " e.id AS employer_id, c.wage AS stored_wage,"
            ' min(s.line) OVER (PARTITION BY s.nik_index COLLATE "C", s.period) AS first'
            f" FROM import_staging s LEFT JOIN {participant} p ON p.nik_index = s.nik_index"
            f" LEFT JOIN {employer} e ON e.npp = s.npp"
            f" LEFT JOIN {contribution} c ON c.participant_id = p.id AND c.period = s.period"
            " AND c.period = ANY(%s::date[])",
            [periods],
        )
        cursor.execute(
            "SELECT line, CASE WHEN participant_id IS NULL THEN 'nik' END,"
            " CASE WHEN employer_id IS NULL THEN 'npp' END,"
            " CASE WHEN line <> first THEN first::text END,"
            # A month already stored with another wage: a correction, reported, not dropped.
            " CASE WHEN stored_wage <> wage THEN 'wage:' || stored_wage::text END"
            " FROM import_resolved WHERE participant_id IS NULL OR employer_id IS NULL"
            " OR line <> first OR stored_wage <> wage"
        )
        errors = [
            _resolve_error(line, kind)
            for line, *kinds in cursor.fetchall()
            for kind in kinds
            if kind is not None
        ]
        if (errors or known_errors) and not apply_valid_rows:
            return errors, outcome, []
        # Rows whose NIK or NPP did not resolve, a second row for the same month and months
        # already stored stay out. The joins above proved both keys exist; the database
        # checks them again, row by row at COMMIT or set-based when a new month is attached.
        kept = (
            " FROM import_resolved WHERE participant_id IS NOT NULL AND employer_id IS NOT NULL"
            " AND line = first AND stored_wage IS NULL"
        )
        # (table, which of the file's months, what follows the SELECT)
        merges: list[tuple[str, list[dt.date], str]] = [
            # A month without a partition: into its own standalone table, attached at the end
            # (participants.partitions.attach_month). Nothing is stored for it yet.
            (participants_partitions.new_month_table(cursor, month), [month], "")
            for month in new_months
        ]
        others = sorted(set(periods) - set(new_months))
        if others:
            # In key order, so the unique index is walked once, not jumped about; ON CONFLICT
            # covers a month another import stored meanwhile.
            merges.append(
                (
                    contribution,
                    others,
                    " ORDER BY participant_id ON CONFLICT (participant_id, period) DO NOTHING",
                )
            )
        # The participants of the rows inserted, each once, in order: gathered here rather than
        # by a GROUP BY in the statement, which spilt to disk at a million rows.
        touched: dict[int, None] = {}
        to_attach = list(new_months)
        for table, months, tail in merges:
            cursor.execute(
                f"INSERT INTO {table}"
                f" (participant_id, employer_id, period, wage, paid_on, created_at)"
                f" SELECT participant_id, employer_id, period, wage, paid_on, now()"
                f"{kept} AND period = ANY(%s::date[]){tail} RETURNING participant_id",
                [months],
            )
            inserted = cursor.fetchall()
            outcome.inserted_rows += len(inserted)
            touched.update(dict.fromkeys(participant_id for (participant_id,) in inserted))
            if table != contribution and not inserted:
                # A new month none of whose rows went in (all refused) gets no partition: an
                # empty one would send the month's next import down the row-by-row path.
                cursor.execute(f"DROP TABLE {table}")
                to_attach.remove(months[0])
        outcome.touched_participant_ids = list(touched)
        cursor.execute("SELECT count(*) FROM import_resolved WHERE line = first")
        staged = cursor.fetchone()[0]
    # Rows kept that did not go in: months already stored with the same wage. Rows with an
    # error stayed out of the merge; second rows for a month are not counted at all.
    duplicate_lines = {e.line for e in errors if e.field == "period"}
    refused = {e.line for e in errors if e.field != "period"} - duplicate_lines
    outcome.skipped_rows = staged - outcome.inserted_rows - len(refused)
    outcome.applied = True
    return errors, outcome, to_attach


def _months_to_attach(cursor, periods: list[dt.date]) -> list[dt.date]:
    """The file's months that have no partition and no row in DEFAULT: each is written to a
    standalone table and attached as its partition. Asked again under the partitions' lock,
    held to COMMIT: a second import of a month waits for the first, then finds its partition
    (and its rows, stored months to skip). The lock comes before the import reads the table:
    a read of DEFAULT held while waiting for it would deadlock with the ATTACH of the import
    holding it."""
    candidates = set(periods) - set(participants_partitions.partition_months())
    if not candidates:
        return []
    participants_partitions.lock_partitions(cursor)
    candidates -= set(participants_partitions.partition_months())
    return sorted(
        candidates - participants_partitions.months_in_default(cursor, sorted(candidates))
    )


def _merge_portable(
    staged_path: Path, *, apply_valid_rows: bool, known_errors: bool
) -> tuple[list, Outcome, list[dt.date]]:
    """The same resolve-and-merge with the ORM, for SQLite (the embedded default): one table,
    no month to attach."""
    errors: list[RowError] = []
    resolved: list[ContributionMonth] = []
    first_line: dict[tuple[str, dt.date], int] = {}
    employers: dict[str, int | None] = {}
    chunk: list[tuple] = []

    def resolve(rows: list[tuple]) -> None:
        ids = dict(
            Participant.objects.filter(nik_index__in={r[1] for r in rows}).values_list(
                "nik_index", "id"
            )
        )
        stored = {
            (participant_id, period): wage
            for participant_id, period, wage in ContributionMonth.objects.filter(
                participant_id__in=set(ids.values()), period__in={r[3] for r in rows}
            ).values_list("participant_id", "period", "wage")
        }
        missing_npp = {r[2] for r in rows} - set(employers)
        if missing_npp:
            employers.update(dict.fromkeys(missing_npp))
            employers.update(Employer.objects.filter(npp__in=missing_npp).values_list("npp", "id"))
        for line, nik_index, npp, period, wage, paid_on in rows:
            row_errors = []
            if nik_index not in ids:
                row_errors.append(RowError(line, "nik", _unknown_nik()))
            employer_id = employers[npp]
            if employer_id is None:
                row_errors.append(RowError(line, "npp", _unknown_npp()))
            earlier = first_line.setdefault((nik_index, period), line)
            if earlier != line:
                row_errors.append(RowError(line, "period", _duplicate(earlier)))
            participant_id = ids.get(nik_index)
            kept = None if participant_id is None else stored.get((participant_id, period))
            if kept is not None and kept != wage:
                row_errors.append(RowError(line, "wage", _wage_conflict(kept)))
            if row_errors or employer_id is None:
                errors.extend(row_errors)
                continue
            resolved.append(
                ContributionMonth(
                    participant_id=ids[nik_index],
                    employer_id=employer_id,
                    period=period,
                    wage=wage,
                    paid_on=paid_on,
                )
            )

    for row in _staged_rows(staged_path):
        chunk.append(row)
        if len(chunk) == RESOLVE_CHUNK:
            resolve(chunk)
            chunk = []
    if chunk:
        resolve(chunk)
    outcome = Outcome()
    if (errors or known_errors) and not apply_valid_rows:
        return errors, outcome, []
    before = ContributionMonth.objects.count()
    ContributionMonth.objects.bulk_create(resolved, ignore_conflicts=True, batch_size=1000)
    outcome.inserted_rows = ContributionMonth.objects.count() - before
    outcome.skipped_rows = len(resolved) - outcome.inserted_rows
    outcome.touched_participant_ids = sorted({c.participant_id for c in resolved})
    outcome.applied = True
    return errors, outcome, []


# --- the whole import -------------------------------------------------------------------------


def write_error_report(errors: Iterable[RowError]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ERROR_COLUMNS)
    writer.writerows((e.line, e.field, e.reason) for e in errors)
    return out.getvalue().encode("utf-8")


def import_contributions(
    path: Path,
    *,
    apply_valid_rows: bool = False,
    apply_corrections: bool = False,
    job_id: int | None = None,
    today: dt.date | None = None,
    on_progress: Callable[[int], None] = lambda n: None,
    on_checked: Callable[[], object] = lambda: None,
) -> tuple[Outcome, list[RowError]]:
    """Check, resolve and (if clean, or if `apply_valid_rows`) merge one contribution file.

    `on_progress(rows)` is called while rows are being checked, `on_checked()` once before
    the database work starts. With `apply_corrections`, a month already stored with another
    wage takes the file's wage and keeps the old one in history (imports.corrections) instead
    of being reported as a conflict; applied only together with the rest of the file.

    Returns the outcome and every row error, sorted by line. Raises ImportFileError for a
    file that cannot be read at all; then nothing is applied either.
    """
    today = today or timezone.localdate()
    check_errors: list[RowError] = []
    with tempfile.TemporaryDirectory(prefix="jkp-import-") as workdir:
        staged_path = Path(workdir) / "staged.tsv"
        with open(staged_path, "w", encoding="utf-8") as staged:
            total = check_rows(
                path, staged=staged, errors=check_errors, today=today, on_progress=on_progress
            )
        on_checked()
        with transaction.atomic():
            merge: Callable[..., tuple[list, Outcome, list[dt.date]]] = _merge_portable
            if connection.vendor == "postgresql":
                # Staged, and the partitions' lock taken for a new month, before anything
                # reads the contribution table (the corrections below do).
                periods, new_months = _stage_postgresql(staged_path)
                merge = functools.partial(_merge_postgresql, periods=periods, new_months=new_months)
            corrected = Corrected()
            if apply_corrections:
                twice = keys_named_twice(_staged_rows(staged_path))
                corrected = apply_wage_corrections(
                    _staged_rows(staged_path), twice=twice, job_id=job_id
                )
            resolve_errors, outcome, to_attach = merge(
                staged_path, apply_valid_rows=apply_valid_rows, known_errors=bool(check_errors)
            )
            if not outcome.applied:
                # Nothing of the file is applied, its corrections neither.
                transaction.set_rollback(True)
                corrected = Corrected()
            # A corrected month now equals the file and is counted by the merge as present.
            outcome.corrected_rows = corrected.months
            outcome.skipped_rows -= corrected.months
            touched = outcome.touched_participant_ids
            if outcome.applied:
                # Months posted late or corrected: every decided claim of those workers is
                # reassessed in the background (claims.reassessment_jobs), owed with the import.
                # Asked before the re-employment stop below, which keeps a claim decided.
                request_reassessment_job(
                    trigger=ReassessmentTrigger.CONTRIBUTIONS,
                    note=_("Contribution import %(job)s") % {"job": job_id or "-"},
                    claim_ids=affected_claims(
                        participant_ids=sorted({*touched, *corrected.participant_ids})
                    ),
                )
            # As late as can be: ATTACH locks DEFAULT and the key tables until COMMIT. Only the
            # re-employment stop follows, as it must read the attached months.
            with connection.cursor() as cursor:
                for month in to_attach:
                    participants_partitions.attach_month(cursor, month)
            chunk = max(len(touched), 1) if connection.vendor == "postgresql" else STOP_CHUNK
            for start in range(0, len(touched), chunk):
                stopped = stop_on_reemployment(participant_ids=touched[start : start + chunk])
                outcome.stopped_claims += len(stopped)
    errors = list(heapq.merge(check_errors, sorted(resolve_errors)))
    outcome.total_rows = total
    outcome.error_rows = len({e.line for e in errors})
    return outcome, errors


def run_import_job(job_id: int) -> ImportJob:
    """Run (or re-run) an ImportJob, recording its progress and result on the row.

    Safe to run twice: a finished job is left alone, and a merge never inserts a month that is
    already stored.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.CANCELLED):
        return job
    # The file may be on a store shared by every node (S3): COPY reads a local copy of it.
    with local_copy(job.file, suffix=".csv") as path:
        return _run_import_job(job, path)


def _run_import_job(job: ImportJob, path: Path) -> ImportJob:
    # Every write of progress is also the job's heartbeat (updated_at): the sweeper
    # (imports.sweeper) resumes a job whose heartbeat stopped, whatever killed its worker.
    started = (
        ImportJob.objects.filter(pk=job.pk)
        .exclude(status__in=[ImportJob.Status.DONE, ImportJob.Status.CANCELLED])
        .update(
            status=ImportJob.Status.VALIDATING,
            total_rows=count_rows(path),
            processed_rows=0,
            started_at=timezone.now(),
            message="",
            updated_at=timezone.now(),
        )
    )
    if not started:
        job.refresh_from_db()
        return job

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=rows, updated_at=timezone.now())

    def checked() -> None:
        # Conditional: a job cancelled while its rows were checked is not applied.
        moved = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATING).update(
            status=ImportJob.Status.APPLYING, updated_at=timezone.now()
        )
        if not moved:
            raise ImportCancelledError

    job.refresh_from_db()
    try:
        outcome, errors = import_contributions(
            path,
            apply_valid_rows=job.apply_valid_rows,
            apply_corrections=job.apply_corrections,
            job_id=job.pk,
            on_progress=progress,
            on_checked=checked,
        )
    except ImportCancelledError:
        job.refresh_from_db()
        return job
    except ImportFileError as exc:
        job.status = ImportJob.Status.FAILED
        job.message = str(exc)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        return job
    job.total_rows = outcome.total_rows
    job.processed_rows = outcome.total_rows
    job.error_rows = outcome.error_rows
    job.inserted_rows = outcome.inserted_rows
    job.skipped_rows = outcome.skipped_rows
    job.corrected_rows = outcome.corrected_rows
    job.stopped_claims = outcome.stopped_claims
    job.status = ImportJob.Status.DONE if outcome.applied else ImportJob.Status.NEEDS_DECISION
    job.finished_at = timezone.now()
    if job.errors_file:
        job.errors_file.delete(save=False)
    if errors:
        job.errors_file.save(f"errors-{job.pk}.csv", ContentFile(write_error_report(errors)))
    job.save()
    return job
