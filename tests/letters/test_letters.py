"""Letters and receipts (claims.letters): each kind a real PDF in Indonesian on the branch's
letterhead, numbered per branch and year, generated once and served as the same bytes, offered
only once the claim has reached it, and downloaded only by the branch's staff and the worker."""

import hashlib
import io
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from claims import letters, services
from claims.models import ClaimState, Letter
from jkp_site.core.roles import Role
from tests.claims.conftest import drive, eligible_worker, open_draft, phk_date
from tests.factories import (
    EmploymentFactory,
    ParticipantFactory,
    UserFactory,
    add_contributions,
    add_enrollments,
)

S = ClaimState
pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def content_of(letter: Letter) -> bytes:
    with letter.file.open("rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def worker(participant):
    user = UserFactory(username="pekerja", branch=None, role=Role.PESERTA)
    participant.user = user
    participant.save(update_fields=["user"])
    return user


@pytest.fixture
def claim_at(participant, employer, officer, supervisor):
    def make(state, *, reject=False, worker=None):
        claim = open_draft(worker or participant, employer, officer)
        return drive(claim, state, officer=officer, supervisor=supervisor, reject=reject)

    return make


def short_worker(employer):
    """Three months of contributions: the engine finds the claim not eligible."""
    participant = ParticipantFactory()
    participant.bank_account_holder = participant.name
    participant.save()
    EmploymentFactory(participant=participant, employer=employer, start_date=timezone.localdate())
    add_enrollments(participant)
    add_contributions(participant, employer, last=phk_date(), months=3, wage=4_000_000)
    return participant


def make(claim, kind, user):
    return letters.letter_for(claim_id=claim.pk, kind=kind, acting_user=user)


# --- each kind -------------------------------------------------------------------------------


def test_receipt_lists_the_claim_and_the_documents(claim_at, officer, participant, branch):
    claim = claim_at(S.SUBMITTED)
    letter = make(claim, Letter.Kind.RECEIPT, officer)
    content = content_of(letter)
    assert content.startswith(b"%PDF")
    text = text_of(content)
    year = timezone.localdate().year
    assert letter.number == f"JKP/{branch.code}/{year}/TT/00001"
    assert letter.number in text
    assert participant.name in text
    assert claim.number in text
    assert "TANDA TERIMA" in text.upper() or "Tanda terima" in text
    assert "phk_acceptance.pdf" in text
    assert "phk_report_receipt.pdf" in text
    assert branch.name in text
    assert branch.kanwil.name in text


def test_approval_letter_carries_the_schedule_and_conditions(claim_at, supervisor, participant):
    claim = claim_at(S.APPROVED)
    letter = make(claim, Letter.Kind.APPROVAL, supervisor)
    text = text_of(content_of(letter))
    assert "/PNT/" in letter.number
    assert letter.number in text
    assert participant.name in text
    amounts = [item.amount for item in claim.instalments.order_by("month")]
    assert amounts == [2_400_000] * 6
    assert "Rp 2.400.000" in text
    assert "Rp 14.400.000" in text
    assert "Pasal 13" in text
    assert "sedikitnya 5 lamaran kerja" in text
    assert letter.decision == claim.decisions.get()


def test_rejection_letter_names_each_failed_rule_with_its_article(employer, officer, supervisor):
    claim = open_draft(short_worker(employer), employer, officer)
    claim = drive(claim, S.REJECTED, officer=officer, supervisor=supervisor, reject=True)
    failed = list(claim.eligibility_results.first().checks.filter(passed=False))
    assert failed
    letter = make(claim, Letter.Kind.REJECTION, supervisor)
    text = text_of(content_of(letter))
    assert "/TLK/" in letter.number
    assert letter.number in text
    assert claim.participant.name in text
    for check in failed:
        assert " ".join(check.source.split()) in text
        assert " ".join(check.message.split())[:40] in text
    assert "keberatan" in text


def test_stop_letter_says_why_and_from_which_month(claim_at, supervisor, participant):
    claim = claim_at(S.BENEFIT_ACTIVE)
    services.stop_benefit(claim_id=claim.pk, acting_user=supervisor, reason_code="reemployed")
    claim.refresh_from_db()
    letter = make(claim, Letter.Kind.STOP, supervisor)
    text = text_of(content_of(letter))
    assert "/HNT/" in letter.number
    assert letter.number in text
    assert participant.name in text
    assert "bulan 1" in text.lower()
    assert "Rp 2.400.000" in text


def test_letters_are_in_indonesian_whatever_the_language(claim_at, officer):
    claim = claim_at(S.SUBMITTED)
    text = text_of(content_of(make(claim, Letter.Kind.RECEIPT, officer)))
    assert "Nomor" in text
    assert "Dokumen yang diterima" in text
    assert "Documents received" not in text
    assert "Proof the worker accepted the PHK" not in text  # the documents' labels too


def test_the_reason_of_a_rejection_is_in_indonesian(employer, officer, supervisor):
    claim = open_draft(short_worker(employer), employer, officer)
    claim = drive(claim, S.REJECTED, officer=officer, supervisor=supervisor, reject=True)
    text = text_of(content_of(make(claim, Letter.Kind.REJECTION, supervisor)))
    assert "Alasan: Anda tidak memenuhi syarat" in text
    assert "you do not meet" not in text


# --- numbering -------------------------------------------------------------------------------


def test_numbers_run_per_branch_and_year(
    claim_at, employer, other_employer, officer, outsider, outside_supervisor, supervisor
):
    first = make(claim_at(S.SUBMITTED), Letter.Kind.RECEIPT, officer)
    second = make(
        claim_at(S.SUBMITTED, worker=eligible_worker(employer)), Letter.Kind.RECEIPT, officer
    )
    approved = claim_at(S.APPROVED, worker=eligible_worker(employer))
    third = make(approved, Letter.Kind.RECEIPT, officer)
    fourth = make(approved, Letter.Kind.APPROVAL, supervisor)
    elsewhere = drive(
        open_draft(eligible_worker(other_employer), other_employer, outsider),
        S.SUBMITTED,
        officer=outsider,
        supervisor=outside_supervisor,
    )
    other = make(elsewhere, Letter.Kind.RECEIPT, outsider)
    assert [first.sequence, second.sequence, third.sequence, fourth.sequence] == [1, 2, 3, 4]
    assert fourth.number.endswith("/PNT/00004")
    assert other.sequence == 1
    assert "/SRG/" in other.number
    assert len({first.number, second.number, third.number, fourth.number, other.number}) == 5


def test_the_database_refuses_a_number_twice(claim_at, officer):
    letter = make(claim_at(S.SUBMITTED), Letter.Kind.RECEIPT, officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            claim=letter.claim,
            kind=Letter.Kind.STOP,
            branch=letter.branch,
            year=letter.year,
            sequence=letter.sequence,
            number="JKP/OTHER",
            file=letter.file.name,
            sha256=letter.sha256,
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_never_share_a_number(claim_at, employer, officer):
    claims = [claim_at(S.SUBMITTED), claim_at(S.SUBMITTED, worker=eligible_worker(employer))]
    made, errors = [], []
    barrier = threading.Barrier(2)

    def ask(claim):
        try:
            barrier.wait()
            made.append(make(claim, Letter.Kind.RECEIPT, officer).number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(claim,)) for claim in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(number[-5:] for number in made) == ["00001", "00002"]


# --- generated once --------------------------------------------------------------------------


def test_generated_once_and_the_same_bytes_every_time(client, claim_at, officer, worker):
    claim = claim_at(S.SUBMITTED, worker=worker.participant)
    client.force_login(officer)
    url = reverse("claims:letter_download", kwargs={"pk": claim.pk, "kind": "receipt"})
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert "attachment" in first["Content-Disposition"]
    one = body(first)
    two = body(client.get(url))
    client.force_login(worker)
    three = body(client.get(reverse("portal:letter", kwargs={"pk": claim.pk, "kind": "receipt"})))
    assert one == two == three
    letter = Letter.objects.get(claim=claim)
    assert letter.sha256 == hashlib.sha256(one).hexdigest()
    assert letter.created_by == officer
    assert Letter.objects.count() == 1
    # Its issue is on the case's record once, by whom, with its number and fingerprint.
    issued = claim.events.filter(action="letter_issued")
    assert [(e.actor, e.data) for e in issued] == [
        (officer, {"kind": "receipt", "number": letter.number, "sha256": letter.sha256})
    ]


# --- out of state ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "reject", "absent"),
    [
        (S.DRAFT, False, ["receipt", "approval", "rejection", "stop"]),
        (S.SUBMITTED, False, ["approval", "rejection", "stop"]),
        (S.AWAITING_APPROVAL, False, ["approval", "rejection", "stop"]),
        (S.BENEFIT_ACTIVE, False, ["rejection", "stop"]),
        (S.REJECTED, True, ["approval", "stop"]),
    ],
)
def test_a_letter_the_claim_has_not_reached_is_404(
    client, claim_at, officer, state, reject, absent
):
    claim = claim_at(state, reject=reject)
    client.force_login(officer)
    for kind in [*absent, "nonsense"]:
        url = reverse("claims:letter_download", kwargs={"pk": claim.pk, "kind": kind})
        assert client.get(url).status_code == 404, kind
    offered = {item.kind for item in letters.letters_offered(claim)}
    assert not offered & set(absent)
    assert not Letter.objects.exists()


# --- access ----------------------------------------------------------------------------------


def test_staff_of_the_branch_and_head_office_download(
    client, claim_at, officer, supervisor, head_office, outsider, outside_supervisor
):
    claim = claim_at(S.SUBMITTED)
    url = reverse("claims:letter_download", kwargs={"pk": claim.pk, "kind": "receipt"})
    for user in (officer, supervisor, head_office):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in (outsider, outside_supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    assert client.post(url).status_code == 405


def test_the_worker_downloads_their_own_and_nobody_else_does(client, claim_at, employer, worker):
    claim = claim_at(S.SUBMITTED, worker=worker.participant)
    url = reverse("portal:letter", kwargs={"pk": claim.pk, "kind": "receipt"})
    client.force_login(worker)
    assert client.get(url).status_code == 200
    staff_url = reverse("claims:letter_download", kwargs={"pk": claim.pk, "kind": "receipt"})
    assert client.get(staff_url).status_code == 404
    stranger_participant = eligible_worker(employer)
    stranger = UserFactory(username="pekerja2", branch=None, role=Role.PESERTA)
    stranger_participant.user = stranger
    stranger_participant.save(update_fields=["user"])
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_listed_on_the_case_page_and_the_portal(client, claim_at, officer, worker):
    claim = claim_at(S.APPROVED, worker=worker.participant)
    client.force_login(officer)
    page = client.get(reverse("claims:detail", kwargs={"pk": claim.pk})).content.decode()
    assert reverse("claims:letter_download", kwargs={"pk": claim.pk, "kind": "receipt"}) in page
    assert reverse("claims:letter_download", kwargs={"pk": claim.pk, "kind": "approval"}) in page
    assert "rejection" not in page.split('id="letters"')[1].split("</ul>")[0]
    client.force_login(worker)
    page = client.get(reverse("portal:claim", kwargs={"pk": claim.pk})).content.decode()
    assert reverse("portal:letter", kwargs={"pk": claim.pk, "kind": "approval"}) in page
