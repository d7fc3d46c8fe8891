"""Benefit claims built straight from rows (approved or active, with the engine's six instalments),
for the tests of conditions, payments and training that do not need the intake workflow."""

import datetime as dt
import itertools
import uuid

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
from demo.seed import make_nik
from participants.models import Participant
from tests.factories import EmployerFactory, ParticipantFactory

_numbers = itertools.count(1)
REGION = "317401"


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


# Many running claims at once (bulk inserts), for the batch tests and the real-worker tests.


def build_claims(branch, count, *, born=None):
    """`count` active claims, each with a month-1 instalment of Rp2,400,000 payable.
    `born`: another birth date for the workers (a birth date's NIKs have 9,999 serials)."""
    employer = EmployerFactory(branch=branch)
    people = []
    for serial in range(count):
        other = (
            {}
            if born is None
            else {"birth_date": born, "nik": make_nik(REGION, born, False, serial)}
        )
        person = ParticipantFactory.build(**other)
        person.nik_index = Participant.index_for(person.nik)
        people.append(person)
    people = Participant.objects.bulk_create(people)
    terminations = Termination.objects.bulk_create(
        Termination(
            participant=person,
            employer=employer,
            phk_date="2025-02-10",
            reason="efficiency",
            contract_type="PKWTT",
        )
        for person in people
    )
    tag = uuid.uuid4().hex[:6]
    claims = Claim.objects.bulk_create(
        Claim(
            number=f"W{tag}-{n:05d}",
            participant=person,
            termination=termination,
            branch=branch,
            state=Claim.State.BENEFIT_ACTIVE,
            decision_date="2025-03-10",
            rule_version="PP6-2025",
            bank_name="BRI",
            bank_account=f"0012{n:08d}",
            bank_account_holder=person.name,
        )
        for n, (person, termination) in enumerate(zip(people, terminations, strict=True))
    )
    return claims


def add_payable_month(claims, month):
    CashInstalment.objects.bulk_create(
        CashInstalment(
            claim=claim,
            month=month,
            due_date=f"2025-{2 + month:02d}-10",
            percent=60,
            amount=2_400_000,
            rule_version="PP6-2025",
            status=InstalmentStatus.PAYABLE,
        )
        for claim in claims
    )
