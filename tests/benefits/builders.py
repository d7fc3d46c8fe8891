"""Benefit claims built straight from rows (approved or active, with the engine's six instalments),
for the tests of conditions, payments and training that do not need the intake workflow."""

import datetime as dt
import itertools

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from claims.models import (
    CashInstalment,
    Claim,
    ClaimState,
    InstalmentStatus,
    PaymentBatch,
    PaymentLine,
    Termination,
)
from claims.rules import version_on
from claims.rules.cash import cash_schedule
from tests.factories import EmployerFactory, ParticipantFactory

_numbers = itertools.count(1)


def benefit_claim(
    *,
    branch,
    decision_date: dt.date,
    wage: int = 4_000_000,
    state: str = ClaimState.BENEFIT_ACTIVE,
    bank_account: str | None = None,
    employer=None,
    participant=None,
) -> Claim:
    employer = employer or EmployerFactory(branch=branch)
    participant = participant or ParticipantFactory()
    termination = Termination.objects.create(
        participant=participant,
        employer=employer,
        phk_date=decision_date - relativedelta(months=1),
        reason="efficiency",
        contract_type="PKWTT",
    )
    version = version_on(decision_date)
    number = next(_numbers)
    claim = Claim.objects.create(
        number=f"JKP-T-{number:06d}",
        participant=participant,
        termination=termination,
        branch=branch,
        state=state,
        state_changed_at=timezone.now(),
        decision_date=decision_date,
        rule_version=version.code,
        bank_name="BRI",
        # Each worker's own account: a shared one would rightly hold the money (identity flag).
        bank_account=bank_account or f"0099{number:08d}",
        bank_account_holder=participant.name,
    )
    CashInstalment.objects.bulk_create(
        CashInstalment(
            claim=claim,
            month=item.month,
            due_date=item.due_date,
            percent=item.percent,
            amount=item.amount,
            rule_version=item.rule_version,
        )
        for item in cash_schedule(wage, decision_date, version)
    )
    return claim


def instalment(claim: Claim, month: int) -> CashInstalment:
    return CashInstalment.objects.get(claim=claim, month=month)


def set_status(claim: Claim, months, status: str) -> None:
    """Put instalments in ``status``. Paid ones get the paid transfer the database asks for
    (an instalment is paid only when one of its payment lines is)."""
    instalments = CashInstalment.objects.filter(claim=claim, month__in=list(months))
    if status == InstalmentStatus.PAID:
        batch, _created = PaymentBatch.objects.get_or_create(
            reference="PB-TEST-PAID",
            defaults={"period": dt.date(2025, 1, 1), "state": PaymentBatch.State.RECONCILED},
        )
        PaymentLine.objects.bulk_create(
            PaymentLine(
                batch=batch,
                instalment=item,
                amount=item.amount,
                bank_name=claim.bank_name,
                bank_account=claim.bank_account,
                account_holder=claim.bank_account_holder,
                reference=f"{claim.number}-{item.month}-paid",
                status=PaymentLine.Status.PAID,
            )
            for item in instalments
        )
    instalments.update(status=status)
