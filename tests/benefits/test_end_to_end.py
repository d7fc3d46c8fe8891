"""One case from approval to a stop on re-employment, through the real services.

Wage Rp4,000,000, decided 10 March 2025 (PP 6/2025): six instalments of 60% = Rp2,400,000
(PP 37/2021 Pasal 21(1) as amended), due on the 10th of March to August (D7).

- month 1: self-assessment on 11 March -> paid in batch 1;
- month 2: 5 applications in March-April -> rejected by the bank in batch 1, account corrected,
  paid in batch 2;
- month 3: only 2 applications, no interview, no training -> not paid (D12);
- month 4: one interview in May -> paid in batch 2;
- month 5: training attendance 85% in June -> paid in batch 2;
- month 6: a contribution from a new employer for July stops the benefit -> cancelled.
"""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from benefits import payments
from benefits import services as cash
from benefits.conditions import stop_on_reemployment
from claims import payment_details
from claims.models import CaseEvent, ClaimState, InstalmentStatus, PaymentLine
from claims.rules import version_on
from claims.rules.cash import cash_schedule
from claims.vocabulary import ACTION_LABELS
from participants.models import ContributionMonth
from tests.claims.conftest import drive, eligible_worker, open_draft
from tests.factories import EmployerFactory
from tests.payments.conftest import paid_rows, result_file
from training import services as training

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")
K = training.Kind


def at(year, month, day):
    return dt.datetime(year, month, day, 10, tzinfo=JAKARTA)


def test_one_case_from_approval_to_reemployment(
    branch, officer, supervisor, counsellor, head_office, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    with time_machine.travel(at(2025, 3, 10), tick=False) as clock:
        employer = EmployerFactory(branch=branch)
        worker = eligible_worker(employer)
        claim = open_draft(worker, employer, officer)
        with run(execute=True):
            claim = drive(claim, ClaimState.APPROVED, officer=officer, supervisor=supervisor)

        expected = cash_schedule(4_000_000, dt.date(2025, 3, 10), version_on(dt.date(2025, 3, 10)))
        schedule = list(claim.instalments.order_by("month"))
        assert [(i.month, i.due_date, i.amount, i.rule_version) for i in schedule] == [
            (e.month, e.due_date, e.amount, e.rule_version) for e in expected
        ]
        assert {i.amount for i in schedule} == {2_400_000}
        assert sum(i.amount for i in schedule) == 14_400_000  # jkp-rules.md worked example

        # Month 1: the self-assessment starts the benefit.
        clock.move_to(at(2025, 3, 11))
        with run(execute=True):
            cash.record_activity(
                claim_id=claim.pk,
                acting_user=counsellor,
                kind=K.SELF_ASSESSMENT,
                occurred_on=dt.date(2025, 3, 11),
            )
        claim.refresh_from_db()
        assert claim.state == ClaimState.BENEFIT_ACTIVE

        # Month 2: five applications between 10 March and 10 April.
        clock.move_to(at(2025, 4, 9))
        for day in (12, 15, 20, 25, 28):
            with run(execute=True):
                cash.record_activity(
                    claim_id=claim.pk,
                    acting_user=counsellor,
                    kind=K.JOB_APPLICATION,
                    occurred_on=dt.date(2025, 3, day),
                    employer_name=f"PT Lowongan {day}",
                    position="Staf gudang",
                )

        # Batch 1 on 11 April: months 1 and 2; the bank rejects month 2.
        clock.move_to(at(2025, 4, 11))
        with run(execute=True):
            batch1 = payments.run_payment_batch(acting_user=head_office)
        exported = list(
            csv.reader(
                io.StringIO(
                    payments.export_payment_batch(batch_id=batch1.pk, acting_user=head_office)
                )
            )
        )
        assert [(row[1], row[2], row[6], row[7]) for row in exported[1:]] == [
            (claim.number, worker.nik, "2400000", f"{claim.number}-1-1"),
            (claim.number, worker.nik, "2400000", f"{claim.number}-2-1"),
        ]
        with run(execute=True):
            payments.reconcile_payment_batch(
                batch_id=batch1.pk,
                acting_user=head_office,
                data=result_file(paid_rows(batch1, **{f"{claim.number}-2-1": "Rekening ditutup"})),
            )

        # The officer records the corrected account; month 2 is payable again.
        clock.move_to(at(2025, 4, 15))
        change = payment_details.request_bank_account_change(
            claim_id=claim.pk,
            acting_user=officer,
            bank_name="BNI",
            bank_account="0987654321",
            account_holder=worker.name,
        )
        payment_details.decide_bank_account_change(
            change_id=change.pk, acting_user=supervisor, confirm=True
        )

        # Month 3: only two applications -> condition fails.
        clock.move_to(at(2025, 5, 9))
        for day in (14, 30):
            with run(execute=True):
                cash.record_activity(
                    claim_id=claim.pk,
                    acting_user=counsellor,
                    kind=K.JOB_APPLICATION,
                    occurred_on=dt.date(2025, 4, day),
                    employer_name="PT Lain",
                    position="Kasir",
                )

        # Month 4: one interview in May. Month 5: training, 85% attendance in June.
        clock.move_to(at(2025, 5, 20))
        with run(execute=True):
            cash.record_activity(
                claim_id=claim.pk,
                acting_user=counsellor,
                kind=K.INTERVIEW,
                occurred_on=dt.date(2025, 5, 20),
                employer_name="PT Wawancara",
                position="Operator",
            )
            provider = training.create_training_provider(
                acting_user=counsellor, name="BLK Jakarta", kind="BLK", ownership="government"
            )
            program = training.create_training_program(
                acting_user=counsellor,
                provider_id=provider.pk,
                title="Operator forklift",
                competency="Forklift",
                duration_hours=120,
                cost=2_400_000,
                start_date=dt.date(2025, 6, 1),
            )
            referral = training.refer_to_training(
                claim_id=claim.pk, program_id=program.pk, acting_user=officer
            )
        clock.move_to(at(2025, 7, 1))
        with run(execute=True):
            training.enrol_in_training(
                referral_id=referral.pk, acting_user=counsellor, enrolled_on=dt.date(2025, 6, 2)
            )
            cash.record_attendance(
                referral_id=referral.pk,
                acting_user=counsellor,
                period=dt.date(2025, 6, 1),
                percent=85,
            )

        # Batch 2 on 11 July: month 2 again, months 4 and 5; month 3 is not paid.
        clock.move_to(at(2025, 7, 11))
        with run(execute=True):
            batch2 = payments.run_payment_batch(acting_user=head_office)
        assert sorted(batch2.lines.values_list("reference", "amount", "bank_name")) == [
            (f"{claim.number}-2-2", 2_400_000, "BNI"),
            (f"{claim.number}-4-1", 2_400_000, "BNI"),
            (f"{claim.number}-5-1", 2_400_000, "BNI"),
        ]
        payments.export_payment_batch(batch_id=batch2.pk, acting_user=head_office)
        with run(execute=True):
            payments.reconcile_payment_batch(
                batch_id=batch2.pk, acting_user=head_office, data=result_file(paid_rows(batch2))
            )

        # Re-employment seen in the contributions imported on 5 August.
        clock.move_to(at(2025, 8, 5))
        ContributionMonth.objects.create(
            participant=worker,
            employer=EmployerFactory(branch=branch, name="PT Kerja Baru"),
            period=dt.date(2025, 7, 1),
            wage=4_200_000,
        )
        with run(execute=True):
            stopped = stop_on_reemployment(participant_ids=[worker.pk])
        assert [c.pk for c in stopped] == [claim.pk]

    claim.refresh_from_db()
    assert claim.state == ClaimState.STOPPED
    statuses = dict(claim.instalments.values_list("month", "status"))
    assert statuses == {
        1: InstalmentStatus.PAID,
        2: InstalmentStatus.PAID,
        3: InstalmentStatus.NOT_PAID,
        4: InstalmentStatus.PAID,
        5: InstalmentStatus.PAID,
        6: InstalmentStatus.CANCELLED,
    }
    assert "2 job applications" in claim.instalments.get(month=3).status_reason
    paid_lines = PaymentLine.objects.filter(instalment__claim=claim, status=PaymentLine.Status.PAID)
    assert paid_lines.count() == 4
    assert sorted(paid_lines.values_list("instalment__month", flat=True)) == [1, 2, 4, 5]
    assert sum(paid_lines.values_list("amount", flat=True)) == 4 * expected[0].amount == 9_600_000
    assert PaymentLine.objects.filter(instalment__claim=claim).count() == 5  # one rejected
    actions = list(CaseEvent.objects.filter(claim=claim).values_list("action", flat=True))
    for action in (
        "approve",
        "activate_benefit",
        "instalment_payable",
        "instalment_rejected",
        "bank_account_change_requested",
        "bank_account_changed",
        "instalment_not_paid",
        "instalment_paid",
        "training_referred",
        "stop_benefit",
    ):
        assert action in actions, action
    assert actions[-1] == "stop_benefit"
    # The case page names every step in words, never by its internal code.
    unlabelled = {action for action in actions if action not in ACTION_LABELS}
    assert unlabelled == set()
