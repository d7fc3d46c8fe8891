"""Demo data: branches named in public reports, each staffed (an officer, a supervisor and a
counsellor), workers whose contribution histories exercise every eligibility rule, the named
cases, and a year of claims over every office (demo.history). Idempotent: running it again
changes nothing. Dates are relative to today so the demo cases stay inside the claim window.
"""

import datetime as dt
import functools
import hashlib
import io
import random
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from pypdf import PdfWriter

from benefits import services as benefit_services
from claims import services
from claims.models import CaseEvent, CashInstalment, Claim, InstalmentStatus, PaymentBatch
from demo.history import replay_year
from jkp_site.core.models import KantorCabang, Kanwil, User
from jkp_site.core.roles import Role, sync_roles
from participants.models import (
    ContractType,
    ContributionMonth,
    Employer,
    Employment,
    Participant,
    Program,
    ProgramEnrollment,
    SizeClass,
)
from training import services as training_services
from training.models import (
    JobSeekingActivity,
    TrainingProgram,
    TrainingProvider,
    TrainingReferral,
)

# The documented demo login (README); seed_demo refuses to run outside DEBUG without --force.
DEMO_PASSWORD = "demo-jkp-2025"  # noqa: S105 (public demo password, see above)

KANWILS = [
    ("DKI", "Kanwil DKI Jakarta"),
    ("BTN", "Kanwil Banten"),
    ("SUMBAGUT", "Kanwil Sumbagut"),
]
# (code, name, kanwil, parent, city, address): the letterhead of every letter the office issues.
BRANCHES = [
    ("JKT", "Jakarta Menara Jamsostek", "DKI", None, "Jakarta Selatan",
     "Menara Jamsostek, Jl. Jend. Gatot Subroto Kav. 38, Jakarta Selatan 12710"),
    ("SRG", "Serang Raya", "BTN", None, "Serang", "Jl. Jend. Sudirman No. 5, Serang 42118"),
    ("CLG", "Cilegon", "BTN", "SRG", "Cilegon", "Jl. S.A. Tirtayasa No. 12, Cilegon 42414"),
    ("CKD", "Cikande", "BTN", "SRG", "Serang", "Jl. Raya Serang Km. 68, Cikande, Serang 42186"),
    ("PDG", "Pandeglang", "BTN", "SRG", "Pandeglang", "Jl. A. Yani No. 20, Pandeglang 42211"),
    ("LBK", "Lebak", "BTN", "SRG", "Rangkasbitung",
     "Jl. Multatuli No. 8, Rangkasbitung, Lebak 42311"),
    ("PMS", "Pematangsiantar", "SUMBAGUT", None, "Pematangsiantar",
     "Jl. Sutomo No. 3, Pematangsiantar 21118"),
]  # fmt: skip

# The fixed logins of design.md ("Demo logins"): username, first name, last name, role, branch
# code (None: head office / portal).
STAFF = [
    ("petugas1", "Sari", "Wulandari", Role.PETUGAS, "JKT"),
    ("petugas2", "Agus", "Setiawan", Role.PETUGAS, "SRG"),
    ("kepala1", "Rina", "Kusumawati", Role.KEPALA_BIDANG, "JKT"),
    ("kepala2", "Dedi", "Hermawan", Role.KEPALA_BIDANG, "SRG"),
    ("konselor1", "Maya", "Lestari", Role.PENGANTAR_KERJA, "JKT"),
    ("konselor2", "Yusuf", "Hidayat", Role.PENGANTAR_KERJA, "SRG"),
    ("pusat1", "Hendra", "Gunawan", Role.KANTOR_PUSAT, None),
]

# Every other office is staffed too, under predictable names: ``petugas-<code>``,
# ``kepala-<code>`` and ``konselor-<code>`` (branch code in lower case), so an online claim of
# any branch has an officer, a supervisor and a counsellor. Each top-level office also has a
# second supervisor, ``kepala-<code>-2``, who hears objections (keberatan): the supervisor who
# rejected a claim may not decide its appeal.
BRANCH_STAFF = [
    ("petugas-clg", "Rizky", "Maulana", Role.PETUGAS, "CLG"),
    ("kepala-clg", "Wati", "Suryani", Role.KEPALA_BIDANG, "CLG"),
    ("konselor-clg", "Fajar", "Nugraha", Role.PENGANTAR_KERJA, "CLG"),
    ("petugas-ckd", "Lina", "Marlina", Role.PETUGAS, "CKD"),
    ("kepala-ckd", "Asep", "Sunandar", Role.KEPALA_BIDANG, "CKD"),
    ("konselor-ckd", "Euis", "Komalasari", Role.PENGANTAR_KERJA, "CKD"),
    ("petugas-pdg", "Ujang", "Supriatna", Role.PETUGAS, "PDG"),
    ("kepala-pdg", "Neneng", "Hasanah", Role.KEPALA_BIDANG, "PDG"),
    ("konselor-pdg", "Iwan", "Kurnia", Role.PENGANTAR_KERJA, "PDG"),
    ("petugas-lbk", "Siti", "Nurjanah", Role.PETUGAS, "LBK"),
    ("kepala-lbk", "Dadang", "Sudrajat", Role.KEPALA_BIDANG, "LBK"),
    ("konselor-lbk", "Ratna", "Juwita", Role.PENGANTAR_KERJA, "LBK"),
    ("petugas-pms", "Togar", "Sitompul", Role.PETUGAS, "PMS"),
    ("kepala-pms", "Lamria", "Manurung", Role.KEPALA_BIDANG, "PMS"),
    ("konselor-pms", "Bonar", "Sinaga", Role.PENGANTAR_KERJA, "PMS"),
    ("kepala-jkt-2", "Irawati", "Sulistyo", Role.KEPALA_BIDANG, "JKT"),
    ("kepala-srg-2", "Yayat", "Hidayatullah", Role.KEPALA_BIDANG, "SRG"),
    ("kepala-pms-2", "Martua", "Hutapea", Role.KEPALA_BIDANG, "PMS"),
]


@dataclass(frozen=True)
class DemoWorker:
    kpj: str
    name: str
    region: str  # 6-digit region code of the NIK
    birth: dt.date
    female: bool
    npp: str
    wage: int
    contract: str
    months_paid: int
    gap_before_phk: int = 0  # months without contribution right before the PHK
    username: str | None = None
    story: str = ""
    # The KPJ of another demo worker whose bank account this one also gives (a duplicate).
    shares_account_of: str | None = None

    @property
    def bank_account(self) -> str:
        return "0" + (self.shares_account_of or self.kpj) + "01"


EMPLOYERS = [
    # npp, name, size, branch
    ("10000001", "PT Sinar Niaga Nusantara", SizeClass.LARGE, "JKT"),
    ("10000002", "PT Kopi Kenangan Kita", SizeClass.MEDIUM, "JKT"),
    ("20000001", "PT Krakatau Baja Sejahtera", SizeClass.LARGE, "SRG"),
    ("20000002", "CV Tekstil Cikande Makmur", SizeClass.SMALL, "CKD"),
    ("30000001", "PT Perkebunan Siantar Raya", SizeClass.MEDIUM, "PMS"),
]

WORKERS = [
    DemoWorker("11000000001", "Budi Santoso", "317401", dt.date(1988, 4, 17), False, "10000001",
               5_500_000, ContractType.PKWTT, 30, username="peserta1",
               story="eligible, wage above the Rp5,000,000 ceiling"),
    DemoWorker("11000000002", "Siti Rahmawati", "317102", dt.date(1993, 9, 2), True, "10000002",
               4_000_000, ContractType.PKWTT, 9, story="short of months: 9 paid"),
    DemoWorker("11000000003", "Andi Pratama", "317405", dt.date(1985, 1, 23), False, "10000001",
               8_000_000, ContractType.PKWTT, 24, story="eligible, wage far over the cap"),
    DemoWorker("11000000004", "Dewi Anggraini", "317503", dt.date(1996, 12, 5), True, "10000002",
               3_500_000, ContractType.PKWT, 14, story="PKWT ended before its end date"),
    DemoWorker("11000000005", "Rudi Hartono", "317201", dt.date(1990, 7, 30), False, "10000001",
               4_500_000, ContractType.PKWTT, 20, story="resigned voluntarily (excluded)"),
    DemoWorker("21000000001", "Ahmad Fauzi", "360401", dt.date(1991, 3, 14), False, "20000001",
               4_000_000, ContractType.PKWTT, 18, username="peserta2",
               story="eligible, Serang Raya"),
    DemoWorker("21000000002", "Nur Aisyah", "367201", dt.date(1994, 6, 21), True, "20000001",
               5_000_000, ContractType.PKWTT, 13, gap_before_phk=2,
               story="12 months in 24 but the last 2 unpaid (no 6 consecutive)"),
    DemoWorker("21000000003", "Joko Susilo", "360405", dt.date(1987, 11, 8), False, "20000002",
               2_000_000, ContractType.PKWT, 12, shares_account_of="21000000002",
               story="PKWT, small employer; gives Nur Aisyah's account number: duplicate flag"),
    DemoWorker("31000000001", "Roganda Simanjuntak", "127201", dt.date(1989, 2, 11), False,
               "30000001", 3_200_000, ContractType.PKWTT, 22, story="eligible, Pematangsiantar"),
]  # fmt: skip


def make_nik(region: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth:%m%y}{serial % 9999 + 1:04d}"


def phk_date_for(today: dt.date) -> dt.date:
    """A PHK a month ago: inside both versions' claim windows."""
    return today - relativedelta(months=1)


def seed(
    *,
    today: dt.date | None = None,
    size: str = "small",
    history: bool = True,
    history_scale: float = 1.0,
    stdout=None,
) -> None:
    """The demo: offices and their staff, the named workers and cases, and (``history``) a
    year of claims over every office (demo.history). Safe to run again: what is there stays."""
    today = today or timezone.localdate()
    say = stdout.write if stdout is not None else (lambda _message: None)
    with transaction.atomic():
        employers = _offices_and_staff()
        phk = phk_date_for(today)
        for serial, worker in enumerate(WORKERS, start=1):
            _worker(worker, serial, employers[worker.npp], phk)
        _demo_training_catalogue()
    # The year comes first: its payment runs in the past must not gather today's named cases.
    if history:
        replay_year(today=today, pdf=_demo_pdf(), scale=history_scale, say=say)
    with transaction.atomic():
        _demo_claims(phk)
    extra = {"small": 0, "medium": 200, "large": 5000}.get(size, 0)
    if extra:
        with transaction.atomic():
            _synthetic_workers(extra, list(employers.values()), phk)
    say(summary_line())


def summary() -> dict[str, object]:
    """What the demo holds, in figures that do not depend on when or where it was made:
    claims per state and per office, paid money and payment batches per state."""
    by_state = dict(Claim.objects.values_list("state").annotate(n=Count("pk")).order_by("state"))
    by_office = dict(
        Claim.objects.values_list("branch__code").annotate(n=Count("pk")).order_by("branch__code")
    )
    batches = dict(
        PaymentBatch.objects.values_list("state").annotate(n=Count("pk")).order_by("state")
    )
    paid = CashInstalment.objects.filter(status=InstalmentStatus.PAID)
    # Every case as its worker, state, dates and instalments: equal only for equal data.
    cases = Claim.objects.order_by("participant__kpj_number", "claim_date").values_list(
        "participant__kpj_number",
        "participant__name",
        "branch__code",
        "state",
        "termination__phk_date",
        "claim_date",
        "decision_date",
    )
    instalments = CashInstalment.objects.order_by(
        "claim__participant__kpj_number", "month"
    ).values_list("claim__participant__kpj_number", "month", "due_date", "amount", "status")
    fingerprint = hashlib.sha256(repr((list(cases), list(instalments))).encode()).hexdigest()
    return {
        "participants": Participant.objects.count(),
        "claims": sum(by_state.values()),
        "by_state": by_state,
        "by_office": by_office,
        "paid_instalments": paid.count(),
        "paid_amount": paid.aggregate(total=Sum("amount"))["total"] or 0,
        "batches": batches,
        "events": CaseEvent.objects.count(),
        "activities": JobSeekingActivity.objects.count(),
        "referrals": TrainingReferral.objects.count(),
        "fingerprint": fingerprint,
    }


def summary_line() -> str:
    figures = summary()
    states = ", ".join(f"{state} {n}" for state, n in figures["by_state"].items())  # type: ignore[attr-defined]
    return (
        f"Demo data ready: {figures['participants']} participants, {figures['claims']} claims "
        f"({states}), {figures['paid_instalments']} instalments paid."
    )


def _offices_and_staff() -> dict[str, Employer]:
    sync_roles()
    kanwils = {
        code: Kanwil.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in KANWILS
    }
    branches: dict[str, KantorCabang] = {}
    for code, name, kanwil, parent, city, address in BRANCHES:
        branches[code], _ = KantorCabang.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kanwil": kanwils[kanwil],
                "parent": branches.get(parent) if parent else None,
                "city": city,
                "address": address,
            },
        )
    for username, first, last, role, branch in STAFF + BRANCH_STAFF:
        _user(username, first, last, role, branches.get(branch) if branch else None)
    if not User.objects.filter(username="admin").exists():
        admin = User(username="admin", email="admin@jkp.invalid", is_staff=True, is_superuser=True)
        admin.password = _password_hash()
        admin.save()
    return {
        npp: Employer.objects.get_or_create(
            npp=npp,
            defaults={"name": name, "size_class": size_class, "branch": branches[branch]},
        )[0]
        for npp, name, size_class, branch in EMPLOYERS
    }


@functools.cache
def _password_hash() -> str:
    """One hash of the public password for every demo login: hashing it anew for each of
    some thirty accounts would take a good part of the seeding time."""
    return make_password(DEMO_PASSWORD)


def _user(username, first, last, role, branch) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "branch": branch,
            "email": f"{username}@jkp.invalid",
            "is_staff": role in (Role.KEPALA_BIDANG, Role.KANTOR_PUSAT),
        },
    )
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role.value))
    return user


def _worker(worker: DemoWorker, serial: int, employer: Employer, phk: dt.date) -> Participant:
    existing = Participant.objects.filter(kpj_number=worker.kpj).first()
    if existing:
        return existing
    first_paid = phk.replace(day=1) - relativedelta(months=worker.gap_before_phk)
    start = first_paid - relativedelta(months=worker.months_paid + 2)
    participant = Participant.objects.create(
        nik=make_nik(worker.region, worker.birth, worker.female, serial),
        kpj_number=worker.kpj,
        name=worker.name,
        birth_date=worker.birth,
        gender=Participant.Gender.FEMALE if worker.female else Participant.Gender.MALE,
        registered_on=start,
        email=f"{worker.kpj}@contoh.invalid",
        phone="0812" + worker.kpj,
        bank_name="BRI",
        bank_account=worker.bank_account,
        bank_account_holder=worker.name,
    )
    Employment.objects.create(
        participant=participant,
        employer=employer,
        contract_type=worker.contract,
        contract_number=f"K-{worker.kpj[-5:]}",
        start_date=start,
        end_date=phk + relativedelta(months=6) if worker.contract == ContractType.PKWT else None,
    )
    programs = [Program.JKN, Program.JKK, Program.JKM, Program.JHT]
    if employer.size_class in (SizeClass.LARGE, SizeClass.MEDIUM):
        programs.append(Program.JP)
    ProgramEnrollment.objects.bulk_create(
        ProgramEnrollment(participant=participant, program=p, since=start) for p in programs
    )
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            participant=participant,
            employer=employer,
            period=first_paid - relativedelta(months=k),
            wage=worker.wage,
            paid_on=first_paid - relativedelta(months=k) + relativedelta(days=14),
        )
        for k in range(worker.months_paid)
    )
    if worker.username:
        first, _space, last = worker.name.partition(" ")
        user = _user(worker.username, first, last, Role.PESERTA, None)
        participant.user = user
        participant.save(update_fields=["user"])
    return participant


FIRST_NAMES = ["Agus", "Bambang", "Citra", "Dian", "Eko", "Fitri", "Gita", "Hadi", "Indah",
               "Joko", "Kartika", "Lestari", "Made", "Nanda", "Putri", "Rahmat", "Sri", "Tono",
               "Utami", "Wahyu", "Yanti"]  # fmt: skip
LAST_NAMES = ["Saputra", "Wijaya", "Kurniawan", "Susanti", "Nugroho", "Permata", "Siregar",
              "Lubis", "Hakim", "Putra", "Handayani", "Rahayu", "Simatupang"]  # fmt: skip


def _synthetic_workers(count: int, employers: list[Employer], phk: dt.date) -> None:
    # A fixed seed and fixed numbering give the same workers on every run, so seeding again
    # adds nothing, and a larger size adds only the workers the smaller one did not have.
    rng = random.Random(2025)  # noqa: S311 (reproducible synthetic data, not security)
    start_serial = 1000
    for i in range(count):
        female = rng.random() < 0.45
        birth = dt.date(rng.randint(1970, 2003), rng.randint(1, 12), rng.randint(1, 28))
        worker = DemoWorker(
            kpj=f"9{start_serial + i:010d}",
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            region=rng.choice(["317401", "360401", "367201", "127201", "327301"]),
            birth=birth,
            female=female,
            npp=rng.choice(employers).npp,
            wage=rng.randrange(2_000_000, 9_000_000, 50_000),
            contract=rng.choice([ContractType.PKWTT, ContractType.PKWT]),
            months_paid=rng.randint(3, 36),
            gap_before_phk=rng.choice([0, 0, 0, 1, 3]),
        )
        employer = next(e for e in employers if e.npp == worker.npp)
        _worker(worker, start_serial + i, employer, phk)


# Demo cases in several states, taken through the claims services (kpj, state, reason, officer,
# supervisor). The portal workers (peserta1/peserta2) are left without a case to file their own.
DEMO_CLAIMS = [
    ("11000000003", "awaiting_approval", "efficiency", "petugas1", "kepala1"),
    ("11000000002", "eligibility_checked", "closure_loss", "petugas1", "kepala1"),
    ("11000000004", "submitted", "contract_early_end", "petugas1", "kepala1"),
    ("11000000005", "draft", "resign_voluntary", "petugas1", "kepala1"),
    ("21000000002", "verifying", "efficiency", "petugas2", "kepala2"),
    ("21000000003", "benefit_active", "contract_early_end", "petugas2", "kepala2"),
]


def _demo_pdf() -> bytes:
    """A real one-page PDF: uploads are judged by their content (claims.documents)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _demo_claims(phk: dt.date) -> None:
    """Skips a worker who already has a case, so seeding twice creates nothing twice."""
    order = ["draft", "submitted", "verifying", "eligibility_checked", "awaiting_approval"]
    for kpj, state, reason, officer_name, supervisor_name in DEMO_CLAIMS:
        participant = Participant.objects.filter(kpj_number=kpj).first()
        if participant is None or participant.claims.exists():
            continue
        officer = User.objects.get(username=officer_name)
        supervisor = User.objects.get(username=supervisor_name)
        employment = participant.employments.select_related("employer").first()
        if employment is None:  # every demo claimant has a job on record; skip one that does not
            continue
        claim = services.open_claim(
            participant=participant,
            employer=employment.employer,
            phk_date=phk,
            reason=reason,
            contract_type=employment.contract_type,
            contract_end_date=employment.end_date,
            proof_number=f"PHK/{kpj[-4:]}/{phk:%Y}",
            proof_date=phk,
            bank_name=participant.bank_name,
            bank_account=participant.bank_account,
            bank_account_holder=participant.name,
            kapk_signed=True,
            acting_user=officer,
        )
        reached = order.index(state) if state in order else len(order)
        if reached >= 1:
            for doc_type in ("phk_acceptance", "phk_report_receipt"):
                services.add_document(
                    claim_id=claim.pk,
                    doc_type=doc_type,
                    uploaded_file=SimpleUploadedFile(f"{doc_type}.pdf", _demo_pdf()),
                    acting_user=officer,
                )
            services.submit_claim(claim_id=claim.pk, acting_user=officer)
        if reached >= 2:
            services.start_verification(claim_id=claim.pk, acting_user=officer)
        if reached >= 3:
            for document in claim.documents.all():
                services.check_document(document_id=document.pk, acting_user=officer, accepted=True)
            result = services.run_eligibility(claim_id=claim.pk, acting_user=officer)
        if reached >= 4:
            services.recommend_claim(
                claim_id=claim.pk,
                acting_user=officer,
                recommendation="approve" if result.eligible else "reject",
                reason_code="" if result.eligible else "not_eligible",
            )
        if state in ("approved", "benefit_active"):
            services.approve_claim(claim_id=claim.pk, acting_user=supervisor)
        if state == "benefit_active":
            _demo_running_benefit(claim, counsellor=User.objects.get(username="konselor2"))


# Providers named after real kinds of institute: a government BLK, a private LPK and a
# company academy; costs within the Rp2,400,000 cap of PMK 26/2025. Each is placed (city and
# the Kanwil whose area it is in) so a counsellor is offered what is near the worker first.
TRAINING_CATALOGUE = [
    ("BLK Serang", "BLK", "government", "Serang", "BTN", [
        ("Las listrik SMAW", "Welder SMAW level 1", 160, 2_000_000),
        ("Operator forklift", "Forklift operator (SIO)", 80, 1_500_000),
    ]),
    ("LPK Digital Nusantara", "LPK", "private", "Jakarta Selatan", "DKI", [
        ("Pemasaran digital", "Digital marketing", 120, 2_400_000),
        ("Administrasi perkantoran", "Office administration", 96, 1_200_000),
    ]),
    ("Akademi Baja Krakatau", "LPK", "company", "Cilegon", "BTN", [
        ("Teknisi perawatan mesin", "Machine maintenance technician", 200, 2_400_000),
    ]),
    ("UPTD BLK Pematangsiantar", "BLK", "government", "Pematangsiantar", "SUMBAGUT", [
        ("Mekanik sepeda motor", "Motorcycle mechanic", 160, 2_000_000),
        ("Budidaya tanaman perkebunan", "Plantation crop cultivation", 80, 1_200_000),
    ]),
]  # fmt: skip


def _demo_training_catalogue() -> None:
    for name, kind, ownership, city, region, programs in TRAINING_CATALOGUE:
        provider, _ = TrainingProvider.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "ownership": ownership,
                "city": city,
                "region": Kanwil.objects.get(code=region),
            },
        )
        for title, competency, hours, cost in programs:
            TrainingProgram.objects.get_or_create(
                provider=provider,
                title=title,
                defaults={"competency": competency, "duration_hours": hours, "cost": cost},
            )


def _demo_running_benefit(claim, *, counsellor: User) -> None:
    """The approved demo case starts its benefit: self-assessment done, referred to training."""
    benefit_services.record_activity(
        claim_id=claim.pk,
        acting_user=counsellor,
        kind=JobSeekingActivity.Kind.SELF_ASSESSMENT,
        occurred_on=timezone.localdate(),
    )
    program = TrainingProgram.objects.get(title="Las listrik SMAW")
    training_services.refer_to_training(
        claim_id=claim.pk, program_id=program.pk, acting_user=counsellor
    )
