"""The payment batch against set-based SQL doing the same writes (the floors).

Generates `n` running claims, each with a payable month 1 and five months to come, by
INSERT ... SELECT from one template row per table (the encrypted columns carry the template's
ciphertext; the blind
indexes are made distinct, so no account is shared). Then, in order:

* `gather`: `benefits.payments.gather_payment_batch` ÷ one INSERT ... SELECT of the lines and
  one UPDATE ... FROM of the instalments (rolled back);
* `export`: `export_payment_batch` ÷ a raw SELECT of the same joined rows written by
  csv.writer (no decryption, no checks) and the batch's state update;
* `reconcile`: `reconcile_payment_batch` with every tenth transfer rejected ÷ the result rows
  COPYed into a temporary table and applied by UPDATE ... FROM to lines and instalments, with
  one INSERT ... SELECT each of the case events and of the owed e-mails (rolled back).

Publishing the owed e-mails to the broker happens after the commit, one message each (the
outbox); it is left out of the `reconcile` figure (stubbed), as it is of the floor.
"""

import csv
import datetime as dt
import io
import time
from collections.abc import Callable
from unittest import mock

from django.db import connection, transaction
from django.utils import timezone

from benchmarks import pages_data
from benchmarks.harness import Figure, report, say
from benchmarks.seeding import clone_rows

QUICK = 20_000
NATIONAL = 100_000
BENCH_CODE = "BENCHPAY"
NIK = "3174011701900001"


def run(*, size: int) -> list[Figure]:
    from benefits import payments
    from claims.models import PaymentBatch
    from jkp_site.core.models import User

    say(f"payment batch benchmark: {size:,} instalments")
    started = time.perf_counter()
    _seed(size)
    say(f"  seeded in {time.perf_counter() - started:.1f}s")
    figures = []
    user, _ = User.objects.get_or_create(username="bench-pusat", defaults={"branch": None})

    gather_floor = _rolled_back(_gather_floor)
    batch = payments.open_payment_batch(on=timezone.localdate())
    started = time.perf_counter()
    payments.gather_payment_batch(batch_id=batch.pk)
    gather_seconds = time.perf_counter() - started
    lines = batch.lines.count()
    if lines != size:
        raise SystemExit(f"gather took {lines} of {size} instalments")
    figures.append(
        report("gather", size=size, value=gather_seconds, floor=gather_floor, goal="<= 3")
    )

    export_floor = _rolled_back(lambda: _export_floor(batch.pk))
    started = time.perf_counter()
    content = payments.export_payment_batch(batch_id=batch.pk, acting_user=user)
    export_seconds = time.perf_counter() - started
    if content.count("\r\n") != size + 1:
        raise SystemExit("export did not write one row per transfer")
    figures.append(
        report("export", size=size, value=export_seconds, floor=export_floor, goal="<= 3")
    )

    data = _result_file(batch.pk)
    reconcile_floor = _rolled_back(lambda: _reconcile_floor(batch.pk, data))
    with mock.patch.object(payments, "publish"):
        started = time.perf_counter()
        result = payments.reconcile_payment_batch(batch_id=batch.pk, acting_user=user, data=data)
        reconcile_seconds = time.perf_counter() - started
    if result.paid + result.rejected != size:
        raise SystemExit(f"reconcile applied {result.paid + result.rejected} of {size}")
    if PaymentBatch.objects.get(pk=batch.pk).state != PaymentBatch.State.RECONCILED:
        raise SystemExit("the batch was not reconciled")
    figures.append(
        report(
            "reconcile",
            size=size,
            value=reconcile_seconds,
            floor=reconcile_floor,
            goal="<= 3",
            note="publishing the owed e-mails after the commit is not counted",
        )
    )
    return figures


def _rolled_back(function: Callable[[], object]) -> float:
    """Seconds of `function()` run in a transaction that is then rolled back."""

    class RollbackError(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            function()
            seconds = time.perf_counter() - started
            raise RollbackError
    except RollbackError:
        pass
    return seconds


def _seed(size: int) -> None:
    from claims.models import CashInstalment, Claim, InstalmentStatus, Termination
    from jkp_site.core.models import KantorCabang, Kanwil
    from participants.models import Employer, Participant

    # What another benchmark generated (its claims reference the same kind of participants),
    # left behind if that run was stopped before it removed it.
    pages_data.reset()
    with connection.cursor() as cursor:
        # The benchmark database holds only generated data; case events refuse TRUNCATE to
        # the application's role, not to the superuser that runs the benchmarks.
        cursor.execute(
            "TRUNCATE claims_paymentline, claims_paymentbatch, claims_cashinstalment, "
            "claims_caseevent, outbox_outboxmessage RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "DELETE FROM claims_claim WHERE branch_id IN "
            "(SELECT id FROM core_kantorcabang WHERE code = %s)",
            [BENCH_CODE],
        )
        cursor.execute(
            "DELETE FROM claims_termination WHERE employer_id IN "
            "(SELECT id FROM participants_employer WHERE npp = '99999999')"
        )
        cursor.execute(
            "DELETE FROM participants_participant WHERE nik_index LIKE 'bench-%%' "
            "OR nik_index = %s",
            [Participant.index_for(NIK)],
        )
    kanwil, _ = Kanwil.objects.get_or_create(code=BENCH_CODE, defaults={"name": "Bench"})
    branch, _ = KantorCabang.objects.get_or_create(
        code=BENCH_CODE, defaults={"name": "Bench pay", "kanwil": kanwil}
    )
    employer, _ = Employer.objects.get_or_create(
        npp="99999999", defaults={"name": "PT Bench Pay", "size_class": "large", "branch": branch}
    )
    person = Participant(
        nik=NIK,
        nik_index="bench-template",
        kpj_number="90000000000",
        name="Pekerja Bench",
        birth_date=dt.date(1990, 1, 17),
        gender="M",
        registered_on=dt.date(2021, 6, 1),
    )
    person.save()
    # save() sets the NIK's blind index; the clones get distinct ones, so does the template.
    Participant.objects.filter(pk=person.pk).update(nik_index="bench-template")
    termination = Termination.objects.create(
        participant=person,
        employer=employer,
        phk_date=dt.date(2025, 2, 10),
        reason="efficiency",
        contract_type="PKWTT",
    )
    claim = Claim.objects.create(
        number="BP-TEMPLATE",
        participant=person,
        termination=termination,
        branch=branch,
        state=Claim.State.BENEFIT_ACTIVE,
        decision_date=dt.date(2025, 3, 10),
        rule_version="PP6-2025",
        bank_name="BRI",
        bank_account="001200000001",
        bank_account_holder="Pekerja Bench",
        bank_account_index="",
    )
    template = CashInstalment.objects.create(
        claim=claim,
        month=1,
        due_date=dt.date(2025, 3, 10),
        percent=60,
        amount=2_400_000,
        rule_version="PP6-2025",
        status=InstalmentStatus.SCHEDULED,
    )
    with connection.cursor() as cursor:
        clone_rows(
            cursor,
            Participant,
            person.pk,
            "SELECT g FROM generate_series(1, %s) AS g",
            [size],
            {
                "nik_index": "'bench-' || src.g",
                "kpj_number": "lpad((90000000000 + src.g)::text, 11, '0')",
                "name": "'Pekerja ' || src.g",
                "bank_account_index": "md5('bench-person-' || src.g)",
            },
        )
        clone_rows(
            cursor,
            Termination,
            termination.pk,
            "SELECT id FROM participants_participant WHERE nik_index LIKE 'bench-%%' "
            "AND nik_index <> 'bench-template'",
            [],
            {"participant_id": "src.id"},
        )
        clone_rows(
            cursor,
            Claim,
            claim.pk,
            "SELECT t2.id AS tid, t2.participant_id AS pid FROM claims_termination AS t2 "
            "WHERE t2.employer_id = %s AND t2.id <> %s",
            [employer.pk, termination.pk],
            {
                "termination_id": "src.tid",
                "participant_id": "src.pid",
                "number": "'BP-' || lpad(src.tid::text, 9, '0')",
                "bank_account_index": "md5('bench-account-' || src.tid)",
            },
        )
        clone_rows(
            cursor,
            CashInstalment,
            template.pk,
            "SELECT id FROM claims_claim WHERE number LIKE 'BP-%%' AND id <> %s",
            [claim.pk],
            {"claim_id": "src.id", "status": "'payable'"},
        )
        # Months 2 to 6 still to come: paying month 1 completes no benefit.
        clone_rows(
            cursor,
            CashInstalment,
            template.pk,
            "SELECT c.id, m FROM claims_claim AS c CROSS JOIN generate_series(2, 6) AS m "
            "WHERE c.number LIKE 'BP-%%' AND c.id <> %s",
            [claim.pk],
            {
                "claim_id": "src.id",
                "month": "src.m",
                "due_date": "t.due_date + (src.m - 1) * 30",
            },
        )
        cursor.execute("ANALYZE")


def _gather_floor() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO claims_paymentbatch (reference, period, state, created_at, updated_at) "
            "VALUES ('FLOOR', CURRENT_DATE, 'ready', now(), now()) RETURNING id"
        )
        batch_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO claims_paymentline (batch_id, instalment_id, amount, bank_name, "
            "bank_account, account_holder, reference, status, bank_reference, "
            "rejection_reason, created_at) "
            "SELECT %s, i.id, i.amount, c.bank_name, c.bank_account, c.bank_account_holder, "
            "c.number || '-' || i.month || '-1', 'pending', '', '', now() "
            "FROM claims_cashinstalment AS i JOIN claims_claim AS c ON c.id = i.claim_id "
            "WHERE i.status = 'payable' AND c.bank_account <> ''",
            [batch_id],
        )
        cursor.execute(
            "UPDATE claims_cashinstalment SET status = 'in_batch', updated_at = now() "
            "FROM claims_paymentline AS l WHERE l.instalment_id = claims_cashinstalment.id "
            "AND l.batch_id = %s",
            [batch_id],
        )


def _export_floor(batch_id: int) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.reference, c.number, p.nik, l.bank_account, l.bank_name, "
            "l.account_holder, l.amount, l.reference FROM claims_paymentline AS l "
            "JOIN claims_paymentbatch AS b ON b.id = l.batch_id "
            "JOIN claims_cashinstalment AS i ON i.id = l.instalment_id "
            "JOIN claims_claim AS c ON c.id = i.claim_id "
            "JOIN participants_participant AS p ON p.id = c.participant_id "
            "WHERE l.batch_id = %s AND l.status IN ('pending', 'paid') ORDER BY l.id",
            [batch_id],
        )
        writer.writerows(cursor.fetchall())
        cursor.execute(
            "UPDATE claims_paymentbatch SET state = 'exported', exported_at = now() WHERE id = %s",
            [batch_id],
        )


def _result_file(batch_id: int) -> bytes:
    from claims.models import PaymentLine

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "status", "amount", "bank_reference", "reason"])
    lines = PaymentLine.objects.filter(batch_id=batch_id).order_by("pk")
    for n, (pk, reference, amount) in enumerate(lines.values_list("pk", "reference", "amount")):
        if n % 10 == 9:
            writer.writerow([reference, "rejected", amount, "", "Rekening ditutup"])
        else:
            writer.writerow([reference, "paid", amount, f"BRI{pk:010d}", ""])
    return out.getvalue().encode()


def _reconcile_floor(batch_id: int, data: bytes) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE floor_result (reference text, status text, amount bigint, "
            "bank_reference text, reason text)"
        )
        with cursor.copy("COPY floor_result FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
        cursor.execute(
            "UPDATE claims_paymentline SET status = r.status, "
            "bank_reference = coalesce(r.bank_reference, ''), "
            "rejection_reason = coalesce(r.reason, ''), resolved_at = now() FROM floor_result AS r "
            "WHERE claims_paymentline.reference = r.reference AND claims_paymentline.batch_id = %s",
            [batch_id],
        )
        cursor.execute(
            "UPDATE claims_cashinstalment SET status = l.status, paid_at = CASE WHEN "
            "l.status = 'paid' THEN now() END, updated_at = now() FROM claims_paymentline AS l "
            "WHERE l.instalment_id = claims_cashinstalment.id AND l.batch_id = %s",
            [batch_id],
        )
        cursor.execute(
            "WITH made AS (INSERT INTO claims_caseevent (claim_id, action, from_state, to_state, "
            "reason_code, note, data, created_at) SELECT i.claim_id, 'instalment_' || l.status, "
            "c.state, c.state, '', l.rejection_reason, json_build_object('month', i.month, "
            "'amount', l.amount, 'reference', l.reference, 'bank_reference', l.bank_reference), "
            "now() FROM claims_paymentline AS l JOIN claims_cashinstalment AS i "
            "ON i.id = l.instalment_id JOIN claims_claim AS c ON c.id = i.claim_id "
            "WHERE l.batch_id = %s RETURNING id) "
            "INSERT INTO outbox_outboxmessage (task, args, kwargs, key, state, "
            "attempts, last_error, created_at, available_at) SELECT "
            "'claims.tasks.notify_case_event_task', json_build_array(id), '{}', "
            "'notify:' || id, 'pending', 0, '', now(), now() FROM made",
            [batch_id],
        )


BENCHES = {
    "batch": lambda national: run(size=NATIONAL if national else QUICK),
}
