"""Recovering a debt a reassessment found (claims.reassessment).

A supervisor proposes a plan and another approves it (four eyes; the database refuses the same
person, ``recovery_plan_four_eyes``, and a second plan in play, ``recovery_plan_one_open_per_
debt``). A recovery plan first sets the debt off against the instalments still to come, month
by month (an offset takes at most the instalment's amount: the transfer is reduced, never below
zero, ``instalment_offset_within_amount``), then spreads what is left over monthly repayments
by the worker, each with its reference, amount and due date. A write-off closes the debt with
its reason. The worker's objection pauses the recovery (the offsets not yet paid are lifted)
until a supervisor answers it: upheld, the debt is withdrawn; not upheld, the recovery resumes.

What is recovered is read from the money itself: an offset counts once its instalment is paid
(or settled by the offset alone), a repayment once the bank's receipts file says it arrived
(``reconcile_repayments``, validated whole before anything is applied, like the payment
results). A debt whose amount is recovered is closed. Every step is a case event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from claims import workflow
from claims.models import (
    CashInstalment,
    Claim,
    Debt,
    InstalmentStatus,
    RecoveryPlan,
    Repayment,
)
from claims.rules import add_months
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import ClaimPerm

if TYPE_CHECKING:
    from jkp_site.core.models import User

I = InstalmentStatus  # noqa: E741
D = Debt.State
P = RecoveryPlan.State
# Instalments still to be paid, which an offset may reduce.
OFFSETTABLE = (I.SCHEDULED, I.PAYABLE, I.REJECTED)
RECEIPT_COLUMNS = ["reference", "amount", "bank_reference"]
RECEIPTS_MAX_BYTES = 8 * 1024 * 1024


def _lock_debt(debt_id: int) -> Debt:
    debt = Debt.objects.select_for_update().filter(pk=debt_id).first()
    if debt is None:
        raise ApplicationError(gettext("This debt does not exist."), code="not_found")
    return debt


def _claim(debt: Debt) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("participant")
        .get(pk=debt.claim_id)
    )


def _require_supervisor(user: User, claim: Claim) -> None:
    if not (
        user.is_active and user.has_perm(ClaimPerm.DECIDE) and workflow.in_claim_branch(user, claim)
    ):
        raise PermissionDeniedError(gettext("You are not allowed to do this on this claim."))


def recovered(debt: Debt) -> int:
    """What has come back: offsets of instalments settled, repayments received."""
    offsets = CashInstalment.objects.filter(
        offset_debt=debt, status__in=[I.PAID, I.OFFSET]
    ).aggregate(total=Sum("offset_amount"))["total"]
    repaid = Repayment.objects.filter(plan__debt=debt, status=Repayment.Status.PAID).aggregate(
        total=Sum("amount")
    )["total"]
    return (offsets or 0) + (repaid or 0)


def outstanding(debt: Debt) -> int:
    return max(debt.amount - recovered(debt), 0)


def active_plan(debt: Debt) -> RecoveryPlan | None:
    return debt.plans.filter(state=P.APPROVED).first()


@dataclass(frozen=True)
class PlanPreview:
    """What a recovery plan would do now: the offsets, then the worker's repayments."""

    offsets: list[tuple[int, int]]  # (instalment month, amount)
    repayments: list[tuple[int, int, dt.date]]  # (number, amount, due date)

    @property
    def offset_total(self) -> int:
        return sum(amount for _m, amount in self.offsets)

    @property
    def repayment_total(self) -> int:
        return sum(amount for _n, amount, _d in self.repayments)


def _offsettable(claim_id: int):
    return CashInstalment.objects.filter(
        claim_id=claim_id, status__in=OFFSETTABLE, offset_amount=0
    ).order_by("month")


def preview(
    debt: Debt, *, repayment_months: int, first_due_date: dt.date | None, left: int | None = None
) -> PlanPreview:
    """The offsets (next instalment first, each at most its amount) and the even repayments of
    the rest (the last takes the Rupiah that do not divide)."""
    remaining = outstanding(debt) if left is None else left
    offsets = []
    for item in _offsettable(debt.claim_id):
        if remaining <= 0:
            break
        take = min(remaining, item.amount)
        offsets.append((item.month, take))
        remaining -= take
    repayments = []
    if remaining > 0:
        count = max(repayment_months, 1)
        start = first_due_date or timezone.localdate()
        base = remaining // count
        for number in range(1, count + 1):
            amount = base if number < count else remaining - base * (count - 1)
            if amount > 0:
                repayments.append((number, amount, add_months(start, number - 1)))
    return PlanPreview(offsets, repayments)


@transaction.atomic
def propose_recovery_plan(
    *,
    debt_id: int,
    kind: str,
    acting_user: User,
    repayment_months: int = 1,
    first_due_date: dt.date | None = None,
    reason: str = "",
) -> RecoveryPlan:
    """A supervisor proposes how an open debt is recovered; another must approve it."""
    debt = _lock_debt(debt_id)
    claim = _claim(debt)
    _require_supervisor(acting_user, claim)
    if debt.state != D.OPEN:
        raise ApplicationError(gettext("This debt is not waiting for a plan."), code="wrong_state")
    if debt.plans.filter(state=P.PROPOSED).exists():
        raise ApplicationError(
            gettext("A plan is already waiting for approval."), code="plan_pending"
        )
    if kind not in RecoveryPlan.Kind.values:
        raise ApplicationError(gettext("Choose a plan."), field="kind")
    if kind == RecoveryPlan.Kind.WRITE_OFF and not reason.strip():
        raise ApplicationError(gettext("Give the reason for the write-off."), field="reason")
    if not 1 <= repayment_months <= 24:
        raise ApplicationError(
            gettext("Spread the repayment over 1 to 24 months."), field="repayment_months"
        )
    plan = RecoveryPlan.objects.create(
        debt=debt,
        kind=kind,
        repayment_months=repayment_months,
        first_due_date=first_due_date,
        reason=reason.strip(),
        proposed_by=acting_user,
    )
    workflow.record_event(
        claim,
        actor=acting_user,
        action="recovery_plan_proposed",
        note=plan.reason,
        data={"debt_id": debt.pk, "plan_id": plan.pk, "kind": kind, "amount": debt.amount},
    )
    return plan


@transaction.atomic
def decide_recovery_plan(
    *, plan_id: int, approve: bool, acting_user: User, note: str = ""
) -> RecoveryPlan:
    """A second supervisor approves or refuses a proposed plan (never its proposer).

    Approving a recovery plan sets the offsets on the instalments to come and the worker's
    repayment schedule; approving a write-off closes the debt.
    """
    debt_id = RecoveryPlan.objects.filter(pk=plan_id).values_list("debt_id", flat=True).first()
    if debt_id is None:
        raise ApplicationError(gettext("This plan does not exist."), code="not_found")
    debt = _lock_debt(debt_id)
    claim = _claim(debt)
    _require_supervisor(acting_user, claim)
    plan = RecoveryPlan.objects.select_for_update().get(pk=plan_id)
    if plan.state != P.PROPOSED:
        raise ApplicationError(gettext("This plan was decided already."), code="wrong_state")
    if plan.proposed_by_id == acting_user.pk:
        raise PermissionDeniedError(
            gettext("Four eyes: another supervisor must decide the plan you proposed."),
            code="four_eyes",
        )
    now = timezone.now()
    plan.state = P.APPROVED if approve else P.REFUSED
    plan.decided_by, plan.decided_at, plan.decision_note = acting_user, now, note[:255]
    plan.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    data: dict = {"debt_id": debt.pk, "plan_id": plan.pk, "kind": plan.kind}
    if not approve:
        workflow.record_event(
            claim, actor=acting_user, action="recovery_plan_refused", note=note, data=data
        )
        return plan
    if plan.kind == RecoveryPlan.Kind.WRITE_OFF:
        data["amount"] = outstanding(debt)
        debt.state, debt.closed_at = D.WRITTEN_OFF, now
        debt.save(update_fields=["state", "closed_at", "updated_at"])
        workflow.record_event(
            claim, actor=acting_user, action="debt_written_off", note=plan.reason, data=data
        )
        return plan
    found = _apply_offsets(debt, left=outstanding(debt))
    planned = preview(
        debt,
        repayment_months=plan.repayment_months,
        first_due_date=plan.first_due_date,
        left=outstanding(debt) - sum(amount for _m, amount in found),
    )
    Repayment.objects.bulk_create(
        Repayment(
            plan=plan,
            sequence=number,
            amount=amount,
            due_date=due,
            reference=f"RP{debt.pk:07d}-{number:02d}",
        )
        for number, amount, due in planned.repayments
    )
    debt.state = D.RECOVERING
    debt.save(update_fields=["state", "updated_at"])
    data["offsets"] = [{"month": month, "amount": amount} for month, amount in found]
    data["repayments"] = [
        {"number": n, "amount": amount, "due_date": due.isoformat()}
        for n, amount, due in planned.repayments
    ]
    workflow.record_event(
        claim, actor=acting_user, action="recovery_plan_approved", note=note, data=data
    )
    return plan


def _apply_offsets(debt: Debt, *, left: int) -> list[tuple[int, int]]:
    """Set ``left`` off against the claim's instalments to come, next one first."""
    applied = []
    now = timezone.now()
    for item in _offsettable(debt.claim_id).select_for_update():
        if left <= 0:
            break
        take = min(left, item.amount)
        CashInstalment.objects.filter(pk=item.pk).update(
            offset_debt=debt, offset_amount=take, updated_at=now
        )
        applied.append((item.month, take))
        left -= take
    return applied


def _planned_to_come(debt: Debt) -> int:
    """What the debt's plan still expects: offsets on instalments not settled yet, and the
    repayments due."""
    offsets = (
        CashInstalment.objects.filter(offset_debt=debt)
        .exclude(status__in=[I.PAID, I.OFFSET, I.CANCELLED])
        .aggregate(total=Sum("offset_amount"))["total"]
    )
    due = Repayment.objects.filter(plan__debt=debt, status=Repayment.Status.DUE).aggregate(
        total=Sum("amount")
    )["total"]
    return (offsets or 0) + (due or 0)


def _cover_shortfall(debt: Debt, plan: RecoveryPlan) -> Repayment | None:
    """What the approved plan no longer recovers (offsets lost with their instalments, or too
    few instalments left to set the debt off against) becomes one more repayment, due a month
    after the plan's last one (or today): the plan recovers the whole debt, as approved."""
    short = debt.amount - recovered(debt) - _planned_to_come(debt)
    if short <= 0:
        return None
    last = plan.repayments.order_by("-sequence").first()
    today = timezone.localdate()
    due = max(add_months(last.due_date, 1), today) if last else today
    sequence = (last.sequence if last else 0) + 1
    return Repayment.objects.create(
        plan=plan,
        sequence=sequence,
        amount=short,
        due_date=due,
        reference=f"RP{debt.pk:07d}-{sequence:02d}",
    )


def cover_lost_offsets(*, claim_ids: list[int], acting_user: User | None) -> list[Repayment]:
    """After instalments were cancelled or lowered (a stopped benefit, a reassessment), each
    debt of these claims under recovery whose plan no longer adds up gets a repayment for the
    difference, with a case event saying why. Called in the transaction that changed them,
    which holds the claims' row locks: the services that change a plan's offsets or repayments
    take the claim's lock before they count them, so the debts are read here without locking
    them (their lock, taken after the claim's, would invert the services' debt-then-claim
    order). A repayment received or a debt closed meanwhile moves nothing between what came
    back and what is still planned."""
    added = []
    for debt in Debt.objects.filter(claim_id__in=claim_ids, state=D.RECOVERING):
        plan = active_plan(debt)
        if plan is None or plan.kind != RecoveryPlan.Kind.RECOVER:
            continue
        repayment = _cover_shortfall(debt, plan)
        if repayment is None:
            continue
        added.append(repayment)
        workflow.record_event(
            _claim(debt),
            actor=acting_user,
            action="repayment_added",
            data={
                "debt_id": debt.pk,
                "plan_id": plan.pk,
                "number": repayment.sequence,
                "amount": repayment.amount,
                "due_date": repayment.due_date.isoformat(),
            },
        )
    return added


def _lift_offsets(debt: Debt) -> int:
    """The offsets of instalments not yet paid are lifted (the worker is paid in full)."""
    return CashInstalment.objects.filter(offset_debt=debt, status__in=OFFSETTABLE).update(
        offset_debt=None, offset_amount=0, updated_at=timezone.now()
    )


@transaction.atomic
def object_to_debt(*, debt_id: int, acting_user: User, grounds: str) -> Debt:
    """The worker objects to a debt: its recovery pauses until a supervisor answers."""
    debt = _lock_debt(debt_id)
    claim = _claim(debt)
    if not (acting_user.is_active and workflow.is_owner(acting_user, claim)):
        raise PermissionDeniedError(gettext("Only the worker can object to this debt."))
    if debt.state not in (D.OPEN, D.RECOVERING):
        raise ApplicationError(gettext("This debt can no longer be objected to."))
    if not grounds.strip():
        raise ApplicationError(gettext("Say why you object."), field="grounds")
    lifted = _lift_offsets(debt)
    debt.state, debt.objection, debt.objected_at = D.OBJECTED, grounds.strip(), timezone.now()
    debt.save(update_fields=["state", "objection", "objected_at", "updated_at"])
    workflow.record_event(
        claim,
        actor=acting_user,
        action="debt_objected",
        note=debt.objection,
        data={"debt_id": debt.pk, "offsets_lifted": lifted},
    )
    return debt


@transaction.atomic
def answer_objection(*, debt_id: int, upheld: bool, acting_user: User, note: str = "") -> Debt:
    """A supervisor answers the worker's objection. Upheld: the debt is withdrawn and its
    repayments still due cancelled. Not upheld: the recovery resumes (the offsets are set again
    on the instalments still to come)."""
    debt = _lock_debt(debt_id)
    claim = _claim(debt)
    _require_supervisor(acting_user, claim)
    if debt.state != D.OBJECTED:
        raise ApplicationError(gettext("No objection waits on this debt."), code="wrong_state")
    if not note.strip():
        raise ApplicationError(gettext("Give the answer to the worker."), field="note")
    plan = active_plan(debt)
    data: dict = {"debt_id": debt.pk, "upheld": upheld}
    if upheld:
        Repayment.objects.filter(plan__debt=debt, status=Repayment.Status.DUE).update(
            status=Repayment.Status.CANCELLED, updated_at=timezone.now()
        )
        debt.plans.filter(state__in=[P.PROPOSED, P.APPROVED]).update(
            state=P.ENDED, updated_at=timezone.now()
        )
        debt.state, debt.closed_at = D.WITHDRAWN, timezone.now()
    elif plan is not None and plan.kind == RecoveryPlan.Kind.RECOVER:
        due = Repayment.objects.filter(plan=plan, status=Repayment.Status.DUE).aggregate(
            total=Sum("amount")
        )["total"]
        data["offsets"] = [
            {"month": m, "amount": a}
            for m, a in _apply_offsets(debt, left=outstanding(debt) - (due or 0))
        ]
        # Fewer instalments may be left to set it off against than when the plan was made.
        added = _cover_shortfall(debt, plan)
        if added is not None:
            data["repayment_added"] = {"number": added.sequence, "amount": added.amount}
        debt.state = D.RECOVERING
    else:
        debt.state = D.OPEN
    debt.save(update_fields=["state", "closed_at", "updated_at"])
    workflow.record_event(
        claim, actor=acting_user, action="debt_objection_answered", note=note, data=data
    )
    return debt


def close_recovered_debts(*, claim_ids: list[int]) -> int:
    """Close every debt of these claims whose amount has come back (after a payment run or a
    receipts file). One event each."""
    closed = 0
    # The debts being recovered are few; a payment run touches up to every claim.
    touched = set(claim_ids)
    for debt_id, claim_id in Debt.objects.filter(state=D.RECOVERING).values_list("pk", "claim_id"):
        if claim_id not in touched:
            continue
        with transaction.atomic():
            debt = _lock_debt(debt_id)
            if debt.state != D.RECOVERING or outstanding(debt) > 0:
                continue
            debt.state, debt.closed_at = D.RECOVERED, timezone.now()
            debt.save(update_fields=["state", "closed_at", "updated_at"])
            claim = _claim(debt)
            workflow.record_event(
                claim,
                actor=None,
                action="debt_recovered",
                data={"debt_id": debt.pk, "amount": debt.amount},
            )
            closed += 1
    return closed


# --- the bank's receipts of repayments --------------------------------------------------------


@dataclass
class ReceiptProblem:
    row: int
    reference: str
    messages: list[str]


class ReceiptsFileError(ApplicationError):
    def __init__(self, message: str, problems: list[ReceiptProblem]):
        super().__init__(message, code="receipts_invalid")
        self.problems = problems


def _receipt_rows(data: bytes) -> list[dict[str, str]]:
    if len(data) > RECEIPTS_MAX_BYTES:
        raise ReceiptsFileError(gettext("The file is too large."), [])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReceiptsFileError(gettext("The file is not UTF-8 text."), []) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in RECEIPT_COLUMNS if column not in header]
    if missing:
        raise ReceiptsFileError(
            gettext("Missing columns: %(cols)s. Expected: %(expected)s.")
            % {"cols": ", ".join(missing), "expected": ", ".join(RECEIPT_COLUMNS)},
            [],
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append(
            {key: (value or "").strip() for key, value in row.items() if key is not None}
            | {"__row__": str(reader.line_num)}
        )
    if not rows:
        raise ReceiptsFileError(gettext("The file has no rows."), [])
    return rows


@transaction.atomic
def reconcile_repayments(*, data: bytes, acting_user: User) -> int:
    """Apply the bank's file of repayments received (reference, amount, bank reference).

    Every row is checked first (a known reference, its exact amount, the bank's reference, once
    in the file); any problem refuses the whole file with a row-by-row report. A repayment
    already received with the same bank reference is left as it is, so the same file applied
    again changes nothing. Returns how many repayments were received now.
    """
    if not acting_user.has_perm(ClaimPerm.RUN_PAYMENT_BATCH):
        raise PermissionDeniedError(gettext("You are not allowed to reconcile repayments."))
    rows = _receipt_rows(data)
    found = {
        r.reference: r
        for r in Repayment.objects.select_for_update()
        .filter(reference__in=[row.get("reference", "") for row in rows])
        .select_related("plan__debt")
    }
    problems, seen, apply = [], set(), []
    for row in rows:
        reference, messages = row.get("reference", ""), []
        repayment = found.get(reference)
        if repayment is None:
            messages.append(gettext("No repayment with this reference."))
        elif reference in seen:
            messages.append(gettext("This reference appears twice in the file."))
        seen.add(reference)
        if not row.get("amount", "").isdigit() or not row["amount"].isascii():
            messages.append(gettext("Amount must be whole Rupiah (digits only)."))
        elif repayment is not None and int(row["amount"]) != repayment.amount:
            messages.append(
                gettext("Amount %(got)s differs from the repayment's %(want)s.")
                % {"got": row["amount"], "want": repayment.amount}
            )
        bank_reference = row.get("bank_reference", "")
        if not bank_reference or len(bank_reference) > 60:
            messages.append(gettext("A received row needs the bank's reference."))
        if repayment is not None and repayment.status == Repayment.Status.CANCELLED:
            messages.append(gettext("This repayment was cancelled."))
        if (
            repayment is not None
            and repayment.status == Repayment.Status.PAID
            and repayment.bank_reference != bank_reference
        ):
            messages.append(gettext("Already received with another bank reference."))
        if messages or repayment is None:
            problems.append(ReceiptProblem(int(row["__row__"]), reference, messages))
        elif repayment.status == Repayment.Status.DUE:
            apply.append((repayment, bank_reference))
    if problems:
        raise ReceiptsFileError(
            gettext("The receipts file was refused: %(n)s rows have problems; nothing changed.")
            % {"n": len(problems)},
            problems,
        )
    now = timezone.now()
    for repayment, bank_reference in apply:
        Repayment.objects.filter(pk=repayment.pk, status=Repayment.Status.DUE).update(
            status=Repayment.Status.PAID, paid_at=now, bank_reference=bank_reference, updated_at=now
        )
        claim = Claim.objects.get(pk=repayment.plan.debt.claim_id)
        workflow.record_event(
            claim,
            actor=acting_user,
            action="repayment_received",
            data={
                "debt_id": repayment.plan.debt_id,
                "number": repayment.sequence,
                "amount": repayment.amount,
                "reference": repayment.reference,
            },
        )
    close_recovered_debts(claim_ids=sorted({r.plan.debt.claim_id for r, _b in apply}))
    return len(apply)


def open_debts(claim: Claim):
    return claim.debts.filter(~Q(state__in=sorted(Debt.CLOSED)))
