"""Payment batches: gather payable instalments, export the bank file, reconcile the result.

Nothing is ever paid twice, whatever reruns, retries or dead workers do:

1. Instalments are claimed for a batch a chunk at a time: the chunk's rows still ``payable``
   are locked (SELECT ... FOR UPDATE, which skips a row another run claimed meanwhile), moved
   to ``in_batch`` and given their ``PaymentLine`` in one transaction (house style rule 6).
2. The database refuses a second live (pending or paid) line for one instalment: the partial
   unique constraint ``payment_line_one_live_per_instalment``.
3. Only one batch is open (being gathered) at a time (``payment_batch_one_open``), so a retried
   task resumes the batch it was filling instead of starting another.

The bank's result file is validated row by row first; if any row is wrong nothing is applied
and the report lists every problem. A valid file is loaded into a staging table and applied in
one transaction by a few UPDATE ... FROM statements.

Every step costs a handful of statements per chunk, not several per row (issue #14): a
national run holds 100,000+ instalments. Account numbers are encrypted per column (the
column's name is the associated data), so a line's account is re-encrypted in Python and the
lines go in by one COPY per chunk (a multi-row INSERT off PostgreSQL), not INSERT ... SELECT.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from benefits.conditions import (
    FINAL_STATUSES,
    complete_if_finished,
    due_unjudged,
    evaluate_due_instalments,
)
from claims import delivery
from claims.models import (
    CaseEvent,
    CashInstalment,
    Claim,
    ClaimState,
    IdentityFlag,
    InstalmentStatus,
    PaymentBatch,
    PaymentLine,
    Underpayment,
)
from claims.notifications import worker_hears_of
from claims.payment_details import raise_identity_flags, shared_account_claims
from claims.recovery import close_recovered_debts
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.resilience import heartbeat_cutoff
from jkp_site.outbox.services import enqueue, publish

if TYPE_CHECKING:
    from jkp_site.core.models import User

EXPORT_COLUMNS = ["batch", "claim", "nik", "account", "bank", "name", "amount", "reference"]
RESULT_COLUMNS = ["reference", "status", "amount", "bank_reference", "reason"]
# A run of 500,000 transfers fits (a result row is under 100 bytes).
RESULT_MAX_BYTES = 64 * 1024 * 1024
BANK_REFERENCE_MAX = 60  # PaymentLine.bank_reference
REASON_MAX = 255  # PaymentLine.rejection_reason
# Rows per multi-row INSERT (case events, owed e-mails; payment lines off PostgreSQL).
INSERT_BATCH = 2500
# Rows fetched at a time by the export's server-side cursor.
EXPORT_FETCH = 5000
# ASCII digits only: Python's \d also takes Arabic-Indic and other scripts' digits.
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass
class RowProblem:
    row: int
    reference: str
    messages: list[str] = field(default_factory=list)


class PaymentFileError(ApplicationError):
    """A bank file (export or result) with problems; ``problems`` holds one entry per row."""

    def __init__(self, message: str, problems: list[RowProblem]):
        super().__init__(message, code="payment_file_invalid")
        self.problems = problems


# --- Reads for the head-office screens ---------------------------------------------------------


def batches_with_totals() -> QuerySet[PaymentBatch]:
    """Batches with their transfer counts and sums (one grouped query)."""
    return PaymentBatch.objects.select_related("created_by").annotate(
        line_count=Count("lines"),
        total=Sum("lines__amount"),
        paid_total=Sum("lines__amount", filter=Q(lines__status=PaymentLine.Status.PAID)),
        pending_count=Count("lines", filter=Q(lines__status=PaymentLine.Status.PENDING)),
        rejected_count=Count("lines", filter=Q(lines__status=PaymentLine.Status.REJECTED)),
    )


def waiting_summary() -> dict[str, int]:
    """What the next batch would take, and what waits for a corrected account."""
    payable = payable_instalments().aggregate(n=Count("pk"), total=Sum("amount"))
    # Months due by today not judged yet: the run judges them first (conditions.py), so each
    # may join the batch or be found not payable.
    due = due_unjudged(timezone.localdate()).aggregate(n=Count("pk"), total=Sum("amount"))
    return {
        "payable_count": payable["n"],
        "payable_total": payable["total"] or 0,
        "due_count": due["n"],
        "due_total": due["total"] or 0,
        "rejected_count": CashInstalment.objects.filter(status=InstalmentStatus.REJECTED).count(),
    }


@dataclass(frozen=True)
class GatherProgress:
    """What became of a gathering asked for: ``waiting`` for a worker, ``gathering`` (lines
    written so far of those expected), ``done`` (the batch it made) or ``nothing`` payable."""

    state: str
    batch: PaymentBatch | None = None
    lines: int = 0
    expected: int = 0

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.lines / self.expected) if self.expected else 0


def gather_progress(*, since: dt.datetime) -> GatherProgress:
    """The gathering asked for at ``since``: the open batch and how far it got (its lines, and
    the instalments still payable that it will take), else the batch made since then, else
    whether anything is payable for it to gather."""
    batch = PaymentBatch.objects.filter(state=PaymentBatch.State.OPEN).first()
    if batch is not None:
        lines = batch.lines.count()
        return GatherProgress(
            "gathering", batch, lines=lines, expected=lines + payable_instalments().count()
        )
    batch = PaymentBatch.objects.filter(created_at__gte=since).order_by("-created_at").first()
    if batch is not None:
        lines = batch.lines.count()
        return GatherProgress("done", batch, lines=lines, expected=lines)
    if not payable_instalments().exists():
        return GatherProgress("nothing")
    return GatherProgress("waiting")


def rejected_instalments(claim: Claim) -> QuerySet[CashInstalment]:
    return claim.instalments.filter(status=InstalmentStatus.REJECTED).order_by("month")


def batch_lines(batch: PaymentBatch) -> QuerySet[PaymentLine]:
    return batch.lines.select_related("instalment__claim", "underpayment__claim").order_by("pk")


def rejected_waiting(batch: PaymentBatch) -> QuerySet[PaymentLine]:
    """The batch's transfers the bank rejected whose month still waits for a corrected account
    (paid again in a later batch once a second person confirms the new one)."""
    return (
        batch.lines.filter(
            status=PaymentLine.Status.REJECTED, instalment__status=InstalmentStatus.REJECTED
        )
        .select_related("instalment__claim__branch")
        .order_by("pk")
    )


# --- Gathering --------------------------------------------------------------------------------


def _next_reference(on: dt.date) -> str:
    prefix = f"PB-{on:%Y%m%d}-"
    taken = PaymentBatch.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:02d}"


def open_payment_batch(
    *, acting_user: User | None = None, on: dt.date | None = None
) -> PaymentBatch:
    """The batch being gathered, or a new one. A retried task gets the same batch back."""
    on = on or timezone.localdate()
    for _attempt in range(5):
        existing = PaymentBatch.objects.filter(state=PaymentBatch.State.OPEN).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return PaymentBatch.objects.create(
                    reference=_next_reference(on),
                    period=on.replace(day=1),
                    created_by=acting_user,
                )
        except IntegrityError:
            # Someone else opened one (or took the reference) between our read and insert.
            continue
    raise ApplicationError(gettext("Could not open a payment batch; try again."))


def _flag_open(claim_path: str = "claim_id") -> Exists:
    """An open duplicate-identity flag on the claim at ``claim_path`` (an instalment's
    ``claim_id``, a payment line's ``instalment__claim_id``)."""
    return Exists(
        IdentityFlag.objects.filter(claim_id=OuterRef(claim_path), cleared_at__isnull=True)
    )


@transaction.atomic
def request_payment_batch(*, acting_user: User) -> None:
    """Head office's button: owe the gathering run (the outbox publishes it; with Redis down
    the request still succeeds and the run starts once it is back)."""
    if not acting_user.has_perm(ClaimPerm.RUN_PAYMENT_BATCH):
        raise PermissionDeniedError(gettext("You are not allowed to run payment batches."))
    enqueue("benefits.tasks.run_payment_batch_task", kwargs={"acting_user_id": acting_user.pk})


def payable_instalments():
    """Instalments ready to be paid into an account we have, and not held by an open
    duplicate-identity flag (claims.payment_details)."""
    return (
        CashInstalment.objects.filter(status=InstalmentStatus.PAYABLE)
        .exclude(claim__bank_account="")
        .exclude(_flag_open())
        .order_by("due_date", "pk")
    )


def _add_chunk(batch: PaymentBatch, instalment_ids: list[int]) -> bool:
    """Claim a chunk of instalments for ``batch`` and write their lines, in one transaction.

    The chunk's instalments still payable are locked and read in one statement (a row another
    run claimed meanwhile no longer matches once its lock is released, so it is skipped),
    moved to ``in_batch`` by one UPDATE and given their lines by one COPY. A worker
    killed inside the chunk rolls the whole chunk back. False: the batch is sealed, stop.
    """
    with transaction.atomic():
        still_open = (
            PaymentBatch.objects.select_for_update()
            .filter(pk=batch.pk, state=PaymentBatch.State.OPEN)
            .exists()
        )
        if not still_open:
            return False
        now = timezone.now()
        # The batch's heartbeat: a batch left open with no chunk for JOB_STALE_MINUTES has lost
        # its worker, and resume_stale_payment_batches starts the gathering again.
        PaymentBatch.objects.filter(pk=batch.pk).update(updated_at=now)
        claimed = list(
            CashInstalment.objects.select_for_update(of=("self",))
            .filter(pk__in=instalment_ids, status=InstalmentStatus.PAYABLE)
            .order_by("pk")
            .values_list(
                "pk",
                "month",
                "amount",
                "claim__number",
                "claim__bank_name",
                "claim__bank_account",
                "claim__bank_account_holder",
                "offset_amount",
                "claim_id",
                "claim__state",
            )
        )
        if not claimed:
            return True
        # An instalment set off in full against a debt (claims.recovery) is settled here,
        # with no transfer; the others are transferred less their offset.
        settled = [row for row in claimed if row[2] == row[7]]
        if settled:
            _settle_by_offset(settled, now)
        lines = [
            (pk, month, amount - offset, number, bank, account, holder)
            for pk, month, amount, number, bank, account, holder, offset, _c, _s in claimed
            if amount > offset
        ]
        if not lines:
            return True
        ids = [row[0] for row in lines]
        CashInstalment.objects.filter(pk__in=ids, status=InstalmentStatus.PAYABLE).update(
            status=InstalmentStatus.IN_BATCH, updated_at=now
        )
        earlier = dict(
            PaymentLine.objects.filter(instalment_id__in=ids)
            .values("instalment_id")
            .annotate(n=Count("pk"))
            .values_list("instalment_id", "n")
        )
        _insert_lines(
            batch,
            now,
            [
                (pk, amount, bank, account, holder, f"{number}-{month}-{earlier.get(pk, 0) + 1}")
                for pk, month, amount, number, bank, account, holder in lines
            ],
        )
        return True


def _settle_by_offset(rows: list[tuple], now: dt.datetime) -> None:
    """Instalments whose whole amount goes to the worker's debt: settled, on the timeline."""
    CashInstalment.objects.filter(
        pk__in=[row[0] for row in rows], status=InstalmentStatus.PAYABLE
    ).update(status=InstalmentStatus.OFFSET, paid_at=now, updated_at=now)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            claim_id=claim_id,
            action="instalment_offset",
            from_state=state,
            to_state=state,
            data={"month": month, "amount": amount},
        )
        for _pk, month, amount, _n, _b, _a, _h, _o, claim_id, state in rows
    )
    close_recovered_debts(claim_ids=sorted({row[8] for row in rows}))


def payable_underpayments() -> QuerySet[Underpayment]:
    """Underpayments found by reassessments, ready to be paid into an account we have."""
    return (
        Underpayment.objects.filter(status=Underpayment.Status.PAYABLE)
        .exclude(claim__bank_account="")
        .exclude(_flag_open())
        .order_by("pk")
    )


def _add_underpayments(batch: PaymentBatch, ids: list[int]) -> bool:
    """``_add_chunk`` for underpayments: claimed once each, a line each."""
    with transaction.atomic():
        if (
            not PaymentBatch.objects.select_for_update()
            .filter(pk=batch.pk, state=PaymentBatch.State.OPEN)
            .exists()
        ):
            return False
        now = timezone.now()
        PaymentBatch.objects.filter(pk=batch.pk).update(updated_at=now)
        claimed = list(
            Underpayment.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=Underpayment.Status.PAYABLE)
            .order_by("pk")
            .values_list(
                "pk",
                "month",
                "amount",
                "claim__number",
                "claim__bank_name",
                "claim__bank_account",
                "claim__bank_account_holder",
            )
        )
        if not claimed:
            return True
        taken = [row[0] for row in claimed]
        Underpayment.objects.filter(pk__in=taken, status=Underpayment.Status.PAYABLE).update(
            status=Underpayment.Status.IN_BATCH, updated_at=now
        )
        earlier = dict(
            PaymentLine.objects.filter(underpayment_id__in=taken)
            .values("underpayment_id")
            .annotate(n=Count("pk"))
            .values_list("underpayment_id", "n")
        )
        PaymentLine.objects.bulk_create(
            (
                PaymentLine(
                    batch=batch,
                    underpayment_id=pk,
                    amount=amount,
                    bank_name=bank,
                    bank_account=account,
                    account_holder=holder,
                    reference=f"{number}-U{pk}-{earlier.get(pk, 0) + 1}",
                )
                for pk, _month, amount, number, bank, account, holder in claimed
            ),
            batch_size=INSERT_BATCH,
        )
        return True


def _insert_lines(
    batch: PaymentBatch, now: dt.datetime, rows: list[tuple[int, int, str, str, str, str]]
) -> None:
    """Pending lines (instalment, amount, bank, account, holder, reference): COPY on
    PostgreSQL, a multi-row INSERT elsewhere. The account is encrypted for the line's column."""
    field = PaymentLine._meta.get_field("bank_account")
    if connection.vendor != "postgresql":
        PaymentLine.objects.bulk_create(
            (
                PaymentLine(
                    batch=batch,
                    instalment_id=pk,
                    amount=amount,
                    bank_name=bank,
                    bank_account=account,
                    account_holder=holder,
                    reference=reference,
                )
                for pk, amount, bank, account, holder, reference in rows
            ),
            batch_size=INSERT_BATCH,
        )
        return
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY claims_paymentline (batch_id, instalment_id, amount, bank_name, bank_account, "
            "account_holder, reference, status, bank_reference, rejection_reason, created_at) "
            "FROM STDIN"
        ) as copy,
    ):
        for pk, amount, bank, account, holder, reference in rows:
            copy.write_row(
                (
                    batch.pk,
                    pk,
                    amount,
                    bank,
                    field.get_prep_value(account),
                    holder,
                    reference,
                    PaymentLine.Status.PENDING,
                    "",
                    "",
                    now,
                )
            )


def gather_payment_batch(*, batch_id: int) -> PaymentBatch | None:
    """Fill the open batch with every payable instalment, then seal it (state ``ready``).

    Instalments go in chunks of ``settings.PAYMENT_GATHER_CHUNK``, each in its own transaction,
    so a worker killed halfway leaves a consistent batch and the retried task carries on where
    it stopped.
    Rerunning on a sealed batch adds nothing. An empty batch is deleted (returns None).
    """
    batch = PaymentBatch.objects.get(pk=batch_id)
    if batch.state != PaymentBatch.State.OPEN:
        return batch
    ids = list(payable_instalments().values_list("pk", flat=True))
    chunk = settings.PAYMENT_GATHER_CHUNK
    for start in range(0, len(ids), chunk):
        if not _add_chunk(batch, ids[start : start + chunk]):
            break
    owed = list(payable_underpayments().values_list("pk", flat=True))
    for start in range(0, len(owed), chunk):
        if not _add_underpayments(batch, owed[start : start + chunk]):
            break
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != PaymentBatch.State.OPEN:
            return batch
        if not batch.lines.exists():
            batch.delete()
            return None
        batch.state = PaymentBatch.State.READY
        batch.gathered_at = timezone.now()
        batch.save(update_fields=["state", "gathered_at", "updated_at"])
    return batch


def batch_is_stalled(batch: PaymentBatch, *, now: dt.datetime | None = None) -> bool:
    """Open (being gathered) with no heartbeat for ``JOB_STALE_MINUTES``: its worker is gone."""
    cutoff = heartbeat_cutoff(now)
    return batch.state == PaymentBatch.State.OPEN and batch.updated_at < cutoff


def resume_stale_payment_batches(*, now: dt.datetime | None = None) -> int:
    """Beat, every few minutes: an open batch silent for ``JOB_STALE_MINUTES`` lost its worker
    (a killed process group never puts its message back before the broker's visibility
    timeout); the gathering is owed again through the outbox. Gathering resumes the one open
    batch and claims each instalment once, so a second runner changes nothing twice."""
    now = now or timezone.now()
    cutoff = heartbeat_cutoff(now)
    stale = list(
        PaymentBatch.objects.filter(
            state=PaymentBatch.State.OPEN, updated_at__lt=cutoff
        ).values_list("pk", "updated_at")
    )
    for pk, last in stale:
        enqueue(
            "benefits.tasks.run_payment_batch_task",
            key=f"resume-batch:{pk}:{last:%Y%m%d%H%M%S}",
        )
    return len(stale)


def run_payment_batch(
    *, acting_user: User | None = None, on: dt.date | None = None
) -> PaymentBatch | None:
    """Judge due instalments, then gather every payable one into a batch (the monthly run)."""
    evaluate_due_instalments(on=on)
    if (
        not payable_instalments().exists()
        and not payable_underpayments().exists()
        and not PaymentBatch.objects.filter(state=PaymentBatch.State.OPEN).exists()
    ):
        return None
    batch = open_payment_batch(acting_user=acting_user, on=on)
    return gather_payment_batch(batch_id=batch.pk)


# --- Export -----------------------------------------------------------------------------------


def _csv_safe(text: str) -> str:
    """Keep a spreadsheet from reading a name as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_payment_batch(*, batch_id: int, acting_user: User) -> str:
    """The bank transfer file of a gathered batch (CSV, one row per transfer).

    Every line is checked first (NIK of 16 digits, an account of digits, a holder's name, an
    amount above zero); any problem refuses the whole file with a row-by-row report and leaves
    the batch as it was. A valid export marks the batch ``exported``; exporting it again gives
    the same file, also once the bank's result was imported (the transfers it rejected were in
    the file as sent).
    """
    batch = PaymentBatch.objects.get(pk=batch_id)
    if batch.state not in (
        PaymentBatch.State.READY,
        PaymentBatch.State.EXPORTED,
        PaymentBatch.State.RECONCILED,
    ):
        raise ApplicationError(gettext("Only a gathered batch can be exported."))
    if batch.state == PaymentBatch.State.READY:
        hold_flagged_lines(batch=batch)
    # One pass over a server-side cursor: rows are checked and written as they come, so
    # memory holds the file being written, not 500,000 model instances. Held lines never
    # went to the bank; every other line did, whatever the bank answered since.
    live = batch.lines.exclude(status=PaymentLine.Status.HELD)
    # The instalments' transfers, then the underpayments' (reassessments): each names its claim.
    lines = itertools.chain.from_iterable(
        live.filter(**{f"{path}__isnull": False})
        .order_by("pk")
        .values_list(
            f"{path}__claim__number",
            f"{path}__claim__participant__nik",
            "bank_account",
            "bank_name",
            "account_holder",
            "amount",
            "reference",
        )
        .iterator(chunk_size=EXPORT_FETCH)
        for path in ("instalment", "underpayment")
    )
    problems: list[RowProblem] = []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for number, (claim_number, nik, account, bank, holder, amount, reference) in enumerate(
        lines, start=2
    ):
        nik = nik or ""
        messages = []
        if not (_DIGITS.match(nik) and len(nik) == 16):
            messages.append(gettext("NIK is not 16 digits."))
        if not _DIGITS.match(account or ""):
            messages.append(gettext("Bank account is missing or not digits."))
        if not holder.strip():
            messages.append(gettext("Account holder's name is missing."))
        if amount <= 0:
            messages.append(gettext("Amount must be above zero."))
        if messages:
            problems.append(RowProblem(row=number, reference=reference, messages=messages))
        writer.writerow(
            [
                batch.reference,
                claim_number,
                nik,
                account,
                _csv_safe(bank),
                _csv_safe(holder),
                str(amount),
                reference,
            ]
        )
    if problems:
        raise PaymentFileError(
            gettext("The transfer file was not produced: %(n)s rows have problems.")
            % {"n": len(problems)},
            problems,
        )
    PaymentBatch.objects.filter(pk=batch.pk, state=PaymentBatch.State.READY).update(
        state=PaymentBatch.State.EXPORTED, exported_at=timezone.now(), updated_at=timezone.now()
    )
    return out.getvalue()


@transaction.atomic
def hold_flagged_lines(*, batch: PaymentBatch) -> int:
    """Before the file is written: check the batch's accounts against other participants
    (one grouped query), and take out the transfers of every claim with an open
    duplicate-identity flag. Held lines are not live, so their instalments are payable again
    and the next batch pays them once the flag is cleared. Returns the number held."""
    PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    in_batch = Claim.objects.filter(instalments__payment_lines__batch=batch).distinct()
    for claim in shared_account_claims(in_batch):
        raise_identity_flags(claim)
    held = list(
        batch.lines.filter(status=PaymentLine.Status.PENDING)
        .annotate(flagged=_flag_open("instalment__claim_id"))
        .filter(flagged=True)
        .values_list("pk", "instalment_id")
    )
    if not held:
        return 0
    now = timezone.now()
    PaymentLine.objects.filter(pk__in=[pk for pk, _i in held]).update(
        status=PaymentLine.Status.HELD,
        rejection_reason=gettext("Held: the claim has an open duplicate-identity flag."),
        resolved_at=now,
    )
    CashInstalment.objects.filter(
        pk__in=[i for _pk, i in held], status=InstalmentStatus.IN_BATCH
    ).update(
        status=InstalmentStatus.PAYABLE,
        status_reason=gettext("Held until a supervisor clears the duplicate-identity flag."),
        updated_at=now,
    )
    return len(held)


# --- Reconciliation ---------------------------------------------------------------------------


@dataclass
class ReconcileResult:
    paid: int = 0
    rejected: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _LineFacts:
    pk: int
    amount: int
    status: str


@dataclass(frozen=True)
class _ResultRow:
    row: int
    line_id: int
    status: str
    bank_reference: str
    reason: str


def _read_result_rows(data: bytes) -> list[dict[str, str]]:
    if len(data) > RESULT_MAX_BYTES:
        raise PaymentFileError(gettext("The file is too large."), [])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaymentFileError(gettext("The file is not UTF-8 text."), []) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except (StopIteration, csv.Error):
        raise PaymentFileError(gettext("The file is empty."), []) from None
    doubled = sorted({column for column in header if header.count(column) > 1})
    if doubled:
        raise PaymentFileError(
            gettext("These columns appear more than once: %(cols)s. Each column once, please.")
            % {"cols": ", ".join(doubled)},
            [],
        )
    missing = [column for column in RESULT_COLUMNS if column not in header]
    if missing:
        raise PaymentFileError(
            gettext("Missing columns: %(cols)s. Expected: %(expected)s.")
            % {"cols": ", ".join(missing), "expected": ", ".join(RESULT_COLUMNS)},
            [],
        )
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                rows.append({"__row__": str(reader.line_num), "__bad__": "1"})
                continue
            row = {key: value.strip() for key, value in zip(header, values, strict=True)}
            row["__row__"] = str(reader.line_num)
            rows.append(row)
    except csv.Error as exc:
        raise PaymentFileError(
            gettext("The file is not valid CSV: %(e)s") % {"e": exc}, []
        ) from exc
    if not rows:
        raise PaymentFileError(gettext("The file has no rows."), [])
    return rows


def validate_result_file(*, batch: PaymentBatch, data: bytes) -> list[_ResultRow]:
    """Every row checked against the batch; raises PaymentFileError listing every bad row."""
    raw_rows = _read_result_rows(data)
    # One read of the batch's lines, without their (encrypted) accounts.
    lines = {
        reference: _LineFacts(pk, amount, status)
        for reference, pk, amount, status in batch.lines.values_list(
            "reference", "pk", "amount", "status"
        )
    }
    seen: set[str] = set()
    problems: list[RowProblem] = []
    parsed: list[_ResultRow] = []
    for raw in raw_rows:
        number = int(raw["__row__"])
        if raw.get("__bad__"):
            problems.append(
                RowProblem(
                    number,
                    "",
                    [
                        gettext("Wrong number of columns (expected %(n)s).")
                        % {"n": len(RESULT_COLUMNS)}
                    ],
                )
            )
            continue
        reference = raw["reference"]
        messages = []
        line = lines.get(reference)
        if not reference:
            messages.append(gettext("Reference is empty."))
        elif line is None:
            messages.append(gettext("No transfer with this reference in this batch."))
        elif reference in seen:
            messages.append(gettext("This reference appears twice in the file."))
        seen.add(reference)
        status = raw["status"].lower()
        if status not in ("paid", "rejected"):
            messages.append(gettext("Status must be 'paid' or 'rejected'."))
        amount = raw["amount"]
        if not _DIGITS.match(amount):
            messages.append(gettext("Amount must be whole Rupiah (digits only)."))
        elif line is not None and int(amount) != line.amount:
            messages.append(
                gettext("Amount %(got)s differs from the transfer's %(want)s.")
                % {"got": amount, "want": line.amount}
            )
        if status == "paid" and not raw["bank_reference"]:
            messages.append(gettext("A paid row needs the bank's reference."))
        if status == "rejected" and not raw["reason"]:
            messages.append(gettext("A rejected row needs the bank's reason."))
        # Cut to fit, the bank's own reference would no longer find the transfer at the bank.
        if len(raw["bank_reference"]) > BANK_REFERENCE_MAX:
            messages.append(
                gettext("The bank reference is longer than %(n)s characters.")
                % {"n": BANK_REFERENCE_MAX}
            )
        if len(raw["reason"]) > REASON_MAX:
            messages.append(
                gettext("The reason is longer than %(n)s characters.") % {"n": REASON_MAX}
            )
        if (
            line is not None
            and line.status != PaymentLine.Status.PENDING
            and status in ("paid", "rejected")
            and line.status != status
        ):
            messages.append(
                gettext("Already reconciled as %(status)s.")
                % {"status": PaymentLine.Status(line.status).label}
            )
        # A row with no transfer (line is None) always has a message above; naming it here
        # too tells the type checker that the rows kept below have their line.
        if messages or line is None:
            problems.append(RowProblem(number, reference, messages))
            continue
        parsed.append(
            _ResultRow(
                row=number,
                line_id=line.pk,
                status=status,
                bank_reference=raw["bank_reference"],
                reason=raw["reason"],
            )
        )
    if problems:
        raise PaymentFileError(
            gettext("The bank file was refused: %(n)s rows have problems; nothing was changed.")
            % {"n": len(problems)},
            problems,
        )
    return parsed


def _stage_rows(cursor, rows: list[_ResultRow]) -> None:
    """The validated rows into the temporary table payment_result_stage (COPY on PostgreSQL),
    with the reason the instalment will carry, worded in Python (it is translated)."""
    cursor.execute("DROP TABLE IF EXISTS payment_result_stage")
    cursor.execute(
        "CREATE TEMPORARY TABLE payment_result_stage (line_id bigint PRIMARY KEY, "
        "status varchar(10) NOT NULL, bank_reference varchar(60) NOT NULL, "
        "reason varchar(255) NOT NULL, "
        "instalment_reason varchar(255) NOT NULL, applies boolean NOT NULL DEFAULT FALSE)"
    )
    values = [
        (
            row.line_id,
            row.status,
            row.bank_reference if row.status == "paid" else "",
            row.reason if row.status == "rejected" else "",
            ""
            if row.status == "paid"
            else (gettext("Rejected by the bank: %(r)s") % {"r": row.reason})[:255],
        )
        for row in rows
    ]
    if connection.vendor == "postgresql":
        with cursor.copy(
            "COPY payment_result_stage (line_id, status, bank_reference, reason, "
            "instalment_reason) FROM STDIN"
        ) as copy:
            for value in values:
                copy.write_row(value)
        cursor.execute("ANALYZE payment_result_stage")
    else:
        cursor.executemany(
            "INSERT INTO payment_result_stage (line_id, status, bank_reference, reason, "
            "instalment_reason) VALUES (%s, %s, %s, %s, %s)",
            values,
        )


def _apply_staged(cursor, batch: PaymentBatch, now: dt.datetime) -> int:
    """Lines still pending take the bank's result, then their instalments; returns how many
    rows applied. Three statements whatever the file's size."""
    # Under the batch's lock no other run changes its lines: "still pending" is decided once.
    cursor.execute(
        "UPDATE payment_result_stage SET applies = TRUE WHERE line_id IN "
        "(SELECT id FROM claims_paymentline WHERE batch_id = %s AND status = %s)",
        [batch.pk, PaymentLine.Status.PENDING],
    )
    cursor.execute(
        "UPDATE claims_paymentline SET status = s.status, bank_reference = s.bank_reference, "
        "rejection_reason = s.reason, resolved_at = %s FROM payment_result_stage AS s "
        "WHERE claims_paymentline.id = s.line_id AND s.applies "
        "AND claims_paymentline.status = %s",
        [now, PaymentLine.Status.PENDING],
    )
    applied = cursor.rowcount
    cursor.execute(
        "UPDATE claims_cashinstalment "
        "SET status = CASE WHEN s.status = 'paid' THEN %s ELSE %s END, "
        "status_reason = s.instalment_reason, "
        "paid_at = CASE WHEN s.status = 'paid' THEN %s ELSE NULL END, updated_at = %s "
        "FROM payment_result_stage AS s JOIN claims_paymentline AS l ON l.id = s.line_id "
        "WHERE claims_cashinstalment.id = l.instalment_id AND s.applies "
        "AND claims_cashinstalment.status = %s",
        [InstalmentStatus.PAID, InstalmentStatus.REJECTED, now, now, InstalmentStatus.IN_BATCH],
    )
    settled = cursor.rowcount
    # The underpayments' transfers (reassessments) take the result the same way.
    cursor.execute(
        "UPDATE claims_underpayment "
        "SET status = CASE WHEN s.status = 'paid' THEN %s ELSE %s END, "
        "paid_at = CASE WHEN s.status = 'paid' THEN %s ELSE NULL END, updated_at = %s "
        "FROM payment_result_stage AS s JOIN claims_paymentline AS l ON l.id = s.line_id "
        "WHERE claims_underpayment.id = l.underpayment_id AND s.applies "
        "AND claims_underpayment.status = %s",
        [
            Underpayment.Status.PAID,
            Underpayment.Status.REJECTED,
            now,
            now,
            Underpayment.Status.IN_BATCH,
        ],
    )
    if settled + cursor.rowcount != applied:
        cursor.execute(
            "SELECT l.reference FROM payment_result_stage AS s "
            "JOIN claims_paymentline AS l ON l.id = s.line_id "
            "LEFT JOIN claims_cashinstalment AS i ON i.id = l.instalment_id "
            "LEFT JOIN claims_underpayment AS u ON u.id = l.underpayment_id "
            "WHERE s.applies AND COALESCE(i.status, u.status) NOT IN (%s, %s) "
            "ORDER BY l.id LIMIT 1",
            [InstalmentStatus.PAID, InstalmentStatus.REJECTED],
        )
        found = cursor.fetchone()
        raise ApplicationError(
            gettext("Transfer %(ref)s: its instalment is no longer in a batch.")
            % {"ref": found[0] if found else "?"}
        )
    return applied


def _record_results(
    cursor, batch: PaymentBatch, acting_user: User | None
) -> tuple[ReconcileResult, list[int], list[int]]:
    """One case event per applied row (bulk), and the worker's e-mail owed for each through
    the outbox (bulk). Returns the counts, the claims touched and the outbox messages."""
    cursor.execute(
        "SELECT s.status, s.bank_reference, s.instalment_reason, l.reference, l.amount, "
        "COALESCE(i.month, u.month), COALESCE(i.claim_id, u.claim_id), c.state, "
        "l.underpayment_id FROM payment_result_stage AS s "
        "JOIN claims_paymentline AS l ON l.id = s.line_id "
        "LEFT JOIN claims_cashinstalment AS i ON i.id = l.instalment_id "
        "LEFT JOIN claims_underpayment AS u ON u.id = l.underpayment_id "
        "JOIN claims_claim AS c ON c.id = COALESCE(i.claim_id, u.claim_id) "
        "WHERE s.applies ORDER BY l.id"
    )
    result = ReconcileResult()
    events = []
    for row in cursor:
        status, bank_reference, note, reference, amount, month, claim_id, state, topup = row
        if status == "paid":
            result.paid += 1
        else:
            result.rejected += 1
        kind = "underpayment" if topup else "instalment"
        events.append(
            CaseEvent(
                claim_id=claim_id,
                actor=acting_user,
                action=f"{kind}_paid" if status == "paid" else f"{kind}_rejected",
                from_state=state,
                to_state=state,
                note=note,
                data={
                    "month": month,
                    "amount": amount,
                    "batch": batch.reference,
                    "reference": reference,
                    "bank_reference": bank_reference,
                },
            )
        )
    events = CaseEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
    # Whether the worker hears of a payment result is decided by its action (the portal's
    # choice, claims.notifications): asked once per action, not once per row.
    told = {}
    for event in events:
        if event.action not in told:
            told[event.action] = worker_hears_of(event)
    owed = delivery.owe_many(
        [event for event in events if told[event.action]], batch_size=INSERT_BATCH
    )
    touched = sorted({event.claim_id for event in events})
    return result, touched, owed


PUBLISH_AT_ONCE = 200


def _after_reconcile(claim_ids: list[int], message_ids: list[int]) -> None:
    """After the commit: publish the owed e-mails (the relay retries any that fail) and
    complete the benefits whose last instalment this file settled (one query finds them)."""
    # A few at once; the rest of a national run (100,000 e-mails) goes out with the relay,
    # so the head office's request does not wait on publishing them one by one.
    for message_id in message_ids[:PUBLISH_AT_ONCE]:
        publish(message_id)
    unsettled = CashInstalment.objects.filter(claim_id=OuterRef("pk")).exclude(
        status__in=FINAL_STATUSES
    )
    finished = (
        Claim.objects.filter(pk__in=claim_ids, state=ClaimState.BENEFIT_ACTIVE)
        .exclude(Exists(unsettled))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for claim_id in finished:
        complete_if_finished(claim_id=claim_id)


def reconcile_payment_batch(*, batch_id: int, acting_user: User, data: bytes) -> ReconcileResult:
    """Apply the bank's result file to an exported batch: each transfer paid or rejected.

    All rows are validated before anything is written; the valid file is staged and applied in
    one transaction by a fixed number of statements. A paid row marks its instalment paid; a
    rejected row marks it rejected with the bank's reason (it becomes payable again once the
    account is corrected, see ``claims.payment_details``). Importing the same file again
    changes nothing. The batch is reconciled when no transfer is pending. Raises
    PaymentFileError with the row report.
    """
    batch = PaymentBatch.objects.get(pk=batch_id)
    if batch.state not in (PaymentBatch.State.EXPORTED, PaymentBatch.State.RECONCILED):
        raise ApplicationError(gettext("Only an exported batch can be reconciled."))
    rows = validate_result_file(batch=batch, data=data)
    now = timezone.now()
    with transaction.atomic():
        PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        with connection.cursor() as cursor:
            _stage_rows(cursor, rows)
            _apply_staged(cursor, batch, now)
            result, touched, message_ids = _record_results(cursor, batch, acting_user)
            cursor.execute("DROP TABLE payment_result_stage")
        # Offsets are recovered when their instalment is paid: debts so settled are closed.
        close_recovered_debts(claim_ids=touched)
        result.unchanged = len(rows) - result.paid - result.rejected
        if not batch.lines.filter(status=PaymentLine.Status.PENDING).exists():
            PaymentBatch.objects.filter(pk=batch.pk).update(
                state=PaymentBatch.State.RECONCILED, reconciled_at=now, updated_at=now
            )
        transaction.on_commit(partial(_after_reconcile, touched, message_ids))
    return result
