"""A year of branch work for the demo: claims filed at every office over the last twelve months,
taken by its staff through the services to where a real office would have them today.

Every write is a service call (``claims.services``, ``benefits``, ``training``), made at the
moment the story says it happened. The services read the time from ``timezone.now()`` and
``timezone.localdate()``; while the year is replayed, ``demo_clock`` makes that the story's
moment, so the claim dates, SLA clocks, decision dates, instalment due dates, case events,
payment batches and the monthly figures all agree with each other, as if the offices had
worked through the year. Nothing but the seeding ever sees the clock moved.

Job-seeking activity is recorded through ``training.services``, the write behind the benefit
screens' ``benefits.services`` (which adds only an early re-judging of the claim's months
after the commit, a quarter of the seeding time): the payment run judges every due month
before it gathers (``run_payment_batch``), so each month ends paid or not paid as it would.

The stories are replayed in time order: one heap of (moment, story) where each story is a
generator that does one step when resumed and yields the moment of its next step. Head
office's payment runs (gather, export, reconcile twice a month) are one more story, so a
month is paid only once its worker did what the month's condition asks.

Deterministic: one ``random.Random(HISTORY_SEED)`` draws every choice, in the heap's order, and
the year ends at the start of today (nothing is dated later than midnight), so seeding twice on
one day gives the same data. Idempotent: a database that already holds the year is left as
it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import random
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from benefits import payments
from benefits.conditions import FINAL_STATUSES, complete_if_finished, stop_on_reemployment
from claims import payment_details, services
from claims.models import CashInstalment, Claim, ClaimState, PaymentLine
from claims.rules import add_months
from jkp_site.core.models import KantorCabang, User
from participants.models import ContractType, ContributionMonth, Employer, Participant, SizeClass
from reports.monthly import rebuild_month
from training import services as training_services
from training.models import JobSeekingActivity
from training.selectors import programs_near

JAKARTA = ZoneInfo("Asia/Jakarta")
HISTORY_SEED = 16
# The history's workers: KPJ numbers 8xxxxxxxxxx, NIK serials from here (disjoint from the
# named workers' and the synthetic ones').
KPJ_PREFIX = "8"
SERIAL_BASE = 7000
Step = Generator[dt.datetime, None, None]
K = JobSeekingActivity.Kind

# Where each claim ends up today, and how many of each (a few hundred in all).
FATES: dict[str, int] = {
    "draft": 16,
    "submitted": 16,
    "verifying": 16,
    "returned": 8,  # sent back for a document, now a draft again
    "eligibility_checked": 14,
    "awaiting_approval": 18,
    "approved": 10,
    "benefit_active": 44,
    "completed": 30,
    "stopped_reemployed": 14,
    "stopped_request": 5,
    "rejected_ineligible": 24,
    "rejected_excluded": 10,
    "rejected_proof": 8,
    "appealed": 10,
    "appeal_upheld": 6,
    "appeal_dismissed": 6,
    "withdrawn": 20,
}

# Each office's area for its workers' NIK, and two employers of its own.
OFFICE_AREAS = {
    "JKT": "317401",
    "SRG": "360401",
    "CLG": "367201",
    "CKD": "360405",
    "PDG": "360101",
    "LBK": "360201",
    "PMS": "127201",
}
HISTORY_EMPLOYERS = [
    # npp, name, size, office
    ("40000001", "PT Logistik Samudra Jaya", SizeClass.LARGE, "JKT"),
    ("40000002", "PT Ritel Harian Sentosa", SizeClass.MEDIUM, "JKT"),
    ("40000003", "PT Kimia Serang Utama", SizeClass.LARGE, "SRG"),
    ("40000004", "CV Mebel Banten Indah", SizeClass.SMALL, "SRG"),
    ("40000005", "PT Baja Pesisir Cilegon", SizeClass.LARGE, "CLG"),
    ("40000006", "PT Petrokimia Anyer", SizeClass.MEDIUM, "CLG"),
    ("40000007", "PT Garmen Cikande Prima", SizeClass.LARGE, "CKD"),
    ("40000008", "PT Alas Kaki Modern", SizeClass.MEDIUM, "CKD"),
    ("40000009", "PT Wisata Pantai Carita", SizeClass.MEDIUM, "PDG"),
    ("40000010", "CV Emping Menes", SizeClass.SMALL, "PDG"),
    ("40000011", "PT Sawit Lebak Lestari", SizeClass.MEDIUM, "LBK"),
    ("40000012", "PT Tambang Bayah", SizeClass.LARGE, "LBK"),
    ("40000013", "PT Karet Siantar Baru", SizeClass.LARGE, "PMS"),
    ("40000014", "PT Teh Sidamanik", SizeClass.MEDIUM, "PMS"),
]
NEW_EMPLOYER = ("40000099", "PT Padat Karya Nusantara", SizeClass.LARGE, "JKT")

FIRST_NAMES = ["Ade", "Bayu", "Cahya", "Dimas", "Endang", "Fauziah", "Gilang", "Hesti", "Ilham",
               "Juwita", "Komang", "Lukman", "Mulyani", "Novi", "Oki", "Purnama", "Rina",
               "Slamet", "Tuti", "Umar", "Vina", "Wulan", "Yoga", "Zainal"]  # fmt: skip
LAST_NAMES = ["Pratiwi", "Hasibuan", "Gultom", "Setiadi", "Ramadhan", "Fitriani", "Sembiring",
              "Suhendra", "Nasution", "Wibowo", "Maharani", "Tambunan", "Syahputra",
              "Rusdiana", "Pohan", "Anggraeni"]  # fmt: skip
POSITIONS = ["Staf gudang", "Operator produksi", "Kasir", "Admin", "Teknisi", "Sopir",
             "Pramuniaga", "Petugas keamanan"]  # fmt: skip
HIRING = ["PT Maju Bersama", "PT Karya Abadi", "CV Sumber Rejeki", "PT Cahaya Logistik",
          "PT Dunia Ritel", "PT Pangan Sehat", "PT Mitra Industri"]  # fmt: skip
BANK_REJECTIONS = ["Rekening tidak aktif", "Nama pemilik rekening tidak sesuai",
                   "Rekening ditutup"]  # fmt: skip
APPEAL_GROUNDS = [
    "Pekerja menyerahkan surat PHK yang ditandatangani direksi.",
    "Pekerja menyatakan iuran bulan terakhir sudah dibayar perusahaan.",
    "Pekerja keberatan: PHK karena efisiensi, bukan mengundurkan diri.",
]


# --- the clock -------------------------------------------------------------------------------


@dataclass
class DemoClock:
    """The moment ``timezone.now()`` answers while the history is replayed."""

    moment: dt.datetime

    def now(self) -> dt.datetime:
        return self.moment


@contextmanager
def demo_clock(start: dt.datetime) -> Iterator[DemoClock]:
    """``timezone.now()`` (and so ``localdate()``, ``auto_now`` fields) reads ``clock.moment``
    until the block ends. Only ``seed_demo`` uses it; the real clock is put back on any exit."""
    clock = DemoClock(start)
    real = timezone.now
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real


def _replay(clock: DemoClock, stories: Iterable[Step], until: dt.datetime) -> None:
    """Run every story's steps in time order up to ``until``; later steps are dropped.

    Each step runs in its own transaction at its moment, so what it queues for after the
    commit (the workers' e-mails, completed benefits) runs at that moment too.
    """
    heap: list[tuple[dt.datetime, int, Step]] = []
    sequence = 0

    def push(story: Step, moment: dt.datetime | None) -> None:
        nonlocal sequence
        if moment is not None and moment < until:
            heapq.heappush(heap, (moment, sequence, story))
            sequence += 1
        else:
            story.close()

    for story in stories:
        push(story, next(story, None))
    while heap:
        moment, _seq, story = heapq.heappop(heap)
        clock.moment = max(clock.moment, moment)
        with transaction.atomic():
            following = next(story, None)
        push(story, following)


def _workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    """The weekdays from the day after ``start`` to two days before ``end``."""
    days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days - 1))
    return [day for day in days if day.weekday() < 5]


def _at(day: dt.date, rng: random.Random, *, early: int = 8, late: int = 15) -> dt.datetime:
    """A moment of office hours on ``day``, moved to Monday when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(early, late), rng.randint(0, 59), tzinfo=JAKARTA
    )


def _later(moment: dt.datetime, rng: random.Random, low: int, high: int) -> dt.datetime:
    """Office hours ``low`` to ``high`` days after ``moment`` (never before it)."""
    following = _at(moment.astimezone(JAKARTA).date() + dt.timedelta(rng.randint(low, high)), rng)
    return max(following, moment + dt.timedelta(minutes=rng.randint(5, 50)))


# --- the cast ---------------------------------------------------------------------------------


@dataclass
class Office:
    branch: KantorCabang
    officer: User
    supervisor: User
    counsellor: User
    objections: User  # the second supervisor who decides appeals
    employers: list[Employer]


@dataclass
class Plan:
    fate: str
    office: Office
    worker: Participant
    employer: Employer
    phk: dt.date
    filed: dt.date
    reason: str
    contract: str
    contract_end: dt.date | None
    # the month (2-6) in which a stopped benefit stops
    stop_month: int = 0
    # months (2-6) whose condition the worker does not meet
    idle_months: set[int] = field(default_factory=set)
    training: bool = False


def _offices() -> list[Office]:
    """Each office's staff (demo.seed made them) and its employers."""
    by_branch = {b.code: b for b in KantorCabang.objects.all()}
    users = {u.username: u for u in User.objects.filter(branch__isnull=False)}
    staff = {
        "JKT": ("petugas1", "kepala1", "konselor1", "kepala-jkt-2"),
        "SRG": ("petugas2", "kepala2", "konselor2", "kepala-srg-2"),
        "PMS": ("petugas-pms", "kepala-pms", "konselor-pms", "kepala-pms-2"),
    }
    offices = []
    for npp_code in OFFICE_AREAS:
        code = npp_code.lower()
        officer, supervisor, counsellor, objections = staff.get(
            npp_code,
            # A sub-office's objections go to its parent office's second supervisor.
            (f"petugas-{code}", f"kepala-{code}", f"konselor-{code}", "kepala-srg-2"),
        )
        offices.append(
            Office(
                branch=by_branch[npp_code],
                officer=users[officer],
                supervisor=users[supervisor],
                counsellor=users[counsellor],
                objections=users[objections],
                employers=list(
                    Employer.objects.filter(
                        branch=by_branch[npp_code], npp__in=[row[0] for row in HISTORY_EMPLOYERS]
                    ).order_by("npp")
                ),
            )
        )
    return offices


def _fates(rng: random.Random, scale: float) -> list[str]:
    fates = [fate for fate, count in FATES.items() for _ in range(max(1, round(count * scale)))]
    rng.shuffle(fates)
    return fates


def _filing_day(fate: str, today: dt.date, rng: random.Random) -> dt.date:
    """When a claim with this fate was filed: recent for the ones still in the office's hands,
    long enough ago for the benefits that have run their six months."""
    days_ago = {
        "draft": (2, 20),
        "submitted": (2, 12),
        "verifying": (2, 15),
        "returned": (6, 25),
        "eligibility_checked": (4, 14),
        "awaiting_approval": (7, 20),
        "approved": (9, 15),
        "benefit_active": (18, 175),
        "completed": (215, 355),
        "stopped_reemployed": (70, 330),
        "stopped_request": (60, 300),
        "appealed": (20, 60),
        "appeal_upheld": (50, 200),
        "appeal_dismissed": (40, 300),
    }.get(fate, (8, 355))
    return today - dt.timedelta(days=rng.randint(*days_ago))


def _history_workers(offices: list[Office], fates: list[str], today: dt.date, rng) -> list[Plan]:
    """One worker per claim, with a contribution record that fits the claim's fate."""
    from demo.seed import DemoWorker, _worker  # the one way demo workers are made

    plans = []
    for index, fate in enumerate(fates):
        office = offices[index % len(offices)]
        employer = rng.choice(office.employers)
        filed = _filing_day(fate, today, rng)
        phk = filed - dt.timedelta(days=rng.randint(1, 40))
        contract = ContractType.PKWT if rng.random() < 0.3 else ContractType.PKWTT
        reason = rng.choice(["efficiency", "efficiency", "closure_loss", "merger", "bankruptcy"])
        if contract == ContractType.PKWT:
            reason = "contract_early_end"
        if fate == "rejected_excluded":
            reason = "resign_voluntary"
        months_paid = rng.randint(3, 9) if fate == "rejected_ineligible" else rng.randint(14, 40)
        if fate == "appeal_dismissed":
            months_paid = rng.randint(4, 10)
        female = rng.random() < 0.45
        serial = SERIAL_BASE + index
        demo_worker = DemoWorker(
            kpj=f"{KPJ_PREFIX}{serial:010d}",
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            region=OFFICE_AREAS[office.branch.code],
            birth=dt.date(rng.randint(1972, 2002), rng.randint(1, 12), rng.randint(1, 28)),
            female=female,
            npp=employer.npp,
            wage=rng.randrange(2_500_000, 9_000_000, 50_000),
            contract=contract,
            months_paid=months_paid,
        )
        worker = _worker(demo_worker, serial, employer, phk)
        employment = worker.employments.get()
        plans.append(
            Plan(
                fate=fate,
                office=office,
                worker=worker,
                employer=employer,
                phk=phk,
                filed=filed,
                reason=reason,
                contract=contract,
                contract_end=employment.end_date,
                stop_month=rng.randint(2, 5) if fate.startswith("stopped") else 0,
                idle_months={m for m in range(2, 7) if rng.random() < 0.12},
                training=rng.random() < 0.25,
            )
        )
    return plans


# --- one claim's story --------------------------------------------------------------------------


def _proof(pdf: bytes, doc_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{doc_type}.pdf", pdf, content_type="application/pdf")


def _claim_story(plan: Plan, rng: random.Random, pdf: bytes) -> Step:
    """Intake to where ``plan.fate`` leaves the claim, each step at its moment."""
    office, fate = plan.office, plan.fate
    officer = office.officer
    moment = _at(plan.filed, rng)
    yield moment
    claim = services.open_claim(
        participant=plan.worker,
        employer=plan.employer,
        phk_date=plan.phk,
        reason=plan.reason,
        contract_type=plan.contract,
        contract_end_date=plan.contract_end,
        proof_number=f"PHK/{plan.worker.kpj_number[-4:]}/{plan.phk:%Y}",
        proof_date=plan.phk,
        bank_name=rng.choice(["BRI", "BNI", "Mandiri", "BTN"]),
        bank_account=plan.worker.bank_account,
        bank_account_holder=plan.worker.name,
        kapk_signed=True,
        acting_user=officer,
    )
    if fate == "draft":
        return
    for doc_type in ("phk_acceptance", "phk_report_receipt"):
        services.add_document(
            claim_id=claim.pk,
            doc_type=doc_type,
            uploaded_file=_proof(pdf, doc_type),
            acting_user=officer,
        )
    services.submit_claim(claim_id=claim.pk, acting_user=officer)
    if fate == "withdrawn":
        yield (moment := _later(moment, rng, 1, 6))
        services.withdraw_claim(
            claim_id=claim.pk,
            acting_user=officer,
            reason_code=rng.choice(["claimant_request", "found_work"]),
            note="Pekerja datang ke kantor cabang dan meminta klaim ditarik.",
        )
        return
    if fate == "submitted":
        return
    yield (moment := _later(moment, rng, 0, 2))
    services.start_verification(claim_id=claim.pk, acting_user=officer)
    if fate == "returned":
        first = claim.documents.order_by("pk")[0]
        services.check_document(
            document_id=first.pk,
            acting_user=officer,
            accepted=False,
            note="Pindaian tidak terbaca; mohon unggah ulang.",
        )
        services.return_claim(
            claim_id=claim.pk,
            acting_user=officer,
            reason_code="documents_illegible",
            note="Surat PHK tidak terbaca.",
        )
        return
    if fate == "verifying":
        return
    yield (moment := _later(moment, rng, 0, 2))
    for document in claim.documents.all():
        services.check_document(document_id=document.pk, acting_user=officer, accepted=True)
    result = services.run_eligibility(claim_id=claim.pk, acting_user=officer)
    if fate == "eligibility_checked":
        return
    yield (moment := _later(moment, rng, 0, 2))
    if result.eligible:
        services.recommend_claim(claim_id=claim.pk, acting_user=officer, recommendation="approve")
    else:
        services.recommend_claim(
            claim_id=claim.pk,
            acting_user=officer,
            recommendation="reject",
            reason_code="excluded_reason" if plan.reason == "resign_voluntary" else "not_eligible",
            note="Hasil pemeriksaan kelayakan: tidak memenuhi syarat.",
        )
    if fate == "awaiting_approval":
        return
    yield (moment := _later(moment, rng, 1, 3))
    supervisor = office.supervisor
    if fate in ("rejected_proof", "appealed", "appeal_upheld"):
        services.reject_claim(
            claim_id=claim.pk,
            acting_user=supervisor,
            reason_code="proof_invalid",
            note="Surat PHK tidak ditandatangani pejabat yang berwenang.",
        )
    elif not result.eligible:
        services.reject_claim(
            claim_id=claim.pk,
            acting_user=supervisor,
            reason_code="excluded_reason" if plan.reason == "resign_voluntary" else "not_eligible",
            note="Sesuai hasil pemeriksaan kelayakan.",
        )
    claim.refresh_from_db()
    if claim.state == ClaimState.REJECTED:
        if not fate.startswith("appeal"):
            return
        yield (moment := _later(moment, rng, 3, 14))
        services.appeal_claim(
            claim_id=claim.pk, acting_user=officer, note=rng.choice(APPEAL_GROUNDS)
        )
        if fate == "appealed":
            return
        yield (moment := _later(moment, rng, 2, 7))
        services.reopen_claim(
            claim_id=claim.pk, acting_user=office.objections, note="Keberatan diperiksa ulang."
        )
        yield (moment := _later(moment, rng, 1, 4))
        if fate == "appeal_dismissed":
            services.reject_claim(
                claim_id=claim.pk,
                acting_user=office.objections,
                reason_code="not_eligible",
                note="Keberatan ditolak: syarat masa iur tidak terpenuhi.",
            )
            return
        supervisor = office.objections
    services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
    if fate == "approved":
        return
    yield from _benefit_story(plan, claim, moment, rng)


def _benefit_story(plan: Plan, claim: Claim, decided: dt.datetime, rng: random.Random) -> Step:
    """Six months of a running benefit: the self-assessment, job seeking or training each
    month, the employment-status form in month 6, or a stop on the way."""
    counsellor = plan.office.counsellor
    anchor = claim.instalments.get(month=1).due_date
    yield (moment := _later(decided, rng, 0, 4))
    training_services.record_activity(
        claim_id=claim.pk,
        acting_user=counsellor,
        kind=K.SELF_ASSESSMENT,
        occurred_on=timezone.localdate(),
    )
    referral = None
    for month in range(2, 7):
        start, end = add_months(anchor, month - 2), add_months(anchor, month - 1)
        if plan.stop_month == month:
            yield (moment := max(moment, _at(start + dt.timedelta(days=rng.randint(3, 20)), rng)))
            _stop(plan, claim, moment)
            return
        if plan.training and month == 2:
            yield (moment := max(moment, _at(start + dt.timedelta(days=2), rng)))
            # As a counsellor chooses: the programmes the screen offers first (training.selectors).
            program = rng.choice(list(programs_near(claim)))
            referral = training_services.refer_to_training(
                claim_id=claim.pk, program_id=program.pk, acting_user=counsellor
            )
            yield (moment := _later(moment, rng, 2, 5))
            training_services.enrol_in_training(
                referral_id=referral.pk,
                acting_user=counsellor,
                enrolled_on=timezone.localdate(),
            )
        if referral is not None and month in (3, 4):
            # Last month's attendance, recorded at the start of this one.
            yield (moment := max(moment, _at(start.replace(day=1) + dt.timedelta(days=1), rng)))
            training_services.record_attendance(
                referral_id=referral.pk,
                acting_user=counsellor,
                period=add_months(start.replace(day=1), -1),
                percent=rng.randint(80, 100),
            )
        if referral is not None and month == 5:
            yield (moment := max(moment, _at(start + dt.timedelta(days=1), rng)))
            training_services.complete_training(
                referral_id=referral.pk,
                acting_user=counsellor,
                completed_on=timezone.localdate(),
                certificate_number=f"SERT/{claim.pk:05d}",
            )
        # A month's condition: five applications, or one test or interview (or too little).
        if month in plan.idle_months:
            kinds = [K.JOB_APPLICATION] * 2
        elif rng.random() < 0.35:
            kinds = [K.JOB_APPLICATION] * 5
        else:
            kinds = [K.INTERVIEW]
        for kind, day in zip(
            kinds, sorted(rng.sample(_workdays(start, end), len(kinds))), strict=True
        ):
            if max(moment, _at(day, rng)).date() >= end:
                break  # the month went by before the worker applied again
            yield (moment := max(moment, _at(day, rng)))
            training_services.record_activity(
                claim_id=claim.pk,
                acting_user=counsellor,
                kind=kind,
                occurred_on=timezone.localdate(),
                employer_name=rng.choice(HIRING),
                position=rng.choice(POSITIONS),
            )
        if month == 6:
            yield (moment := max(moment, _at(end - dt.timedelta(days=6), rng)))
            training_services.record_activity(
                claim_id=claim.pk,
                acting_user=counsellor,
                kind=K.EMPLOYMENT_STATUS,
                occurred_on=timezone.localdate(),
            )


def _stop(plan: Plan, claim: Claim, moment: dt.datetime) -> None:
    if plan.fate == "stopped_request":
        services.stop_benefit(
            claim_id=claim.pk,
            acting_user=plan.office.supervisor,
            reason_code="claimant_request",
            note="Peserta mengajukan penghentian manfaat secara tertulis.",
        )
        return
    # The month's contribution file shows a new employer: the import's own stop.
    new_employer = Employer.objects.get(npp=NEW_EMPLOYER[0])
    ContributionMonth.objects.create(
        participant=plan.worker,
        employer=new_employer,
        # Last month's contribution, and never the PHK month the old employer paid.
        period=max(
            add_months(moment.date().replace(day=1), -1), add_months(plan.phk.replace(day=1), 1)
        ),
        wage=plan.worker.contributions.order_by("-period")[0].wage,
        paid_on=moment.date(),
    )
    stop_on_reemployment(participant_ids=[plan.worker.pk])


# --- head office's payment runs -----------------------------------------------------------------


def _payment_runs(
    first: dt.date, until: dt.date, head_office: User, offices: list[Office], rng: random.Random
) -> Step:
    """Twice a month: gather every payable instalment, export the bank file, and reconcile the
    bank's answer a working day later (most paid, a few refused; the office corrects most
    refused accounts, which the next run pays)."""
    by_branch = {office.branch.pk: office for office in offices}
    day = first.replace(day=5)
    while day < until:
        for run_day in (day, day.replace(day=20)):
            moment = _at(run_day, rng, early=9, late=10)
            yield moment
            batch = payments.run_payment_batch(acting_user=head_office)
            if batch is None:
                continue
            yield (moment := moment + dt.timedelta(hours=1))
            payments.export_payment_batch(batch_id=batch.pk, acting_user=head_office)
            yield (moment := _later(moment, rng, 1, 1))
            rows, refused = [], []
            pending = batch.lines.filter(status=PaymentLine.Status.PENDING).order_by("pk")
            for pk, reference, amount, claim_id in pending.values_list(
                "pk", "reference", "amount", "instalment__claim_id"
            ):
                if rng.random() < 0.04:
                    rows.append([reference, "rejected", amount, "", rng.choice(BANK_REJECTIONS)])
                    refused.append(claim_id)
                else:
                    rows.append([reference, "paid", amount, f"BRI{pk:08d}", ""])
            payments.reconcile_payment_batch(
                batch_id=batch.pk, acting_user=head_office, data=_result_file(rows)
            )
            for claim_id in _finished_benefits():
                complete_if_finished(claim_id=claim_id)
            for claim_id in refused:
                # Two of three offices correct the account before the next run.
                if rng.random() < 0.67:
                    claim = Claim.objects.get(pk=claim_id)
                    yield (moment := _later(moment, rng, 1, 4))
                    _correct_account(claim, by_branch[claim.branch_id])
        day = add_months(day, 1)


def _finished_benefits() -> list[int]:
    """Running benefits whose six months are all settled (what the reconciliation's
    after-commit step completes; called here too, so a test's open transaction agrees)."""
    unsettled = CashInstalment.objects.filter(claim_id=OuterRef("pk")).exclude(
        status__in=FINAL_STATUSES
    )
    return list(
        Claim.objects.filter(state=ClaimState.BENEFIT_ACTIVE)
        .exclude(Exists(unsettled))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _result_file(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(payments.RESULT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def _correct_account(claim: Claim, office: Office) -> None:
    """The worker brings a new account; the officer asks, the supervisor confirms."""
    change = payment_details.request_bank_account_change(
        claim_id=claim.pk,
        acting_user=office.officer,
        bank_name="BRI",
        bank_account=f"1{claim.participant.kpj_number}2",
        account_holder=claim.participant.name,
        note="Rekening baru dari peserta.",
    )
    payment_details.decide_bank_account_change(
        change_id=change.pk, acting_user=office.supervisor, confirm=True
    )


# --- the year -----------------------------------------------------------------------------------


def has_history() -> bool:
    return Claim.objects.filter(participant__kpj_number__startswith=KPJ_PREFIX).exists()


def replay_year(
    *,
    today: dt.date,
    pdf: bytes,
    scale: float = 1.0,
    say: Callable[[str], None] = lambda _m: None,
) -> int:
    """Make the year of claims (see the module's docstring); returns how many. ``scale``
    multiplies the number of claims of each fate (at least one each). Skips, saying so, when
    the year is already there."""
    if has_history():
        say("The year of demo claims is already there: left as it is.")
        return 0
    rng = random.Random(HISTORY_SEED)  # noqa: S311 (reproducible demo data, not security)
    start = today - dt.timedelta(days=370)
    with demo_clock(dt.datetime.combine(start, dt.time(7), tzinfo=JAKARTA)) as clock:
        with transaction.atomic():
            branches = {b.code: b for b in KantorCabang.objects.all()}
            for npp, name, size_class, code in [*HISTORY_EMPLOYERS, NEW_EMPLOYER]:
                Employer.objects.get_or_create(
                    npp=npp,
                    defaults={"name": name, "size_class": size_class, "branch": branches[code]},
                )
            offices = _offices()
            plans = _history_workers(offices, _fates(rng, scale), today, rng)
        head_office = User.objects.get(username="pusat1")
        stories: list[Step] = [_claim_story(plan, rng, pdf) for plan in plans]
        stories.append(_payment_runs(start, today, head_office, offices, rng))
        _replay(clock, stories, until=dt.datetime.combine(today, dt.time(0), tzinfo=JAKARTA))
        clock.moment = dt.datetime.combine(today, dt.time(0), tzinfo=JAKARTA)
        month = start.replace(day=1)
        while month <= today:
            rebuild_month(month)
            month = add_months(month, 1)
    return len(plans)
