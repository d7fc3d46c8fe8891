"""Every write on a claim. Keyword-only, each in one transaction with the claim's row locked.

State changes go through ``claims.workflow.apply_transition`` (the table); this module adds the
preconditions each step needs (documents, KAPK, bank account, four eyes) and the records it
leaves (eligibility results, decisions, instalments). Errors a user should read are
``ApplicationError`` subclasses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from claims import payment_details, recovery, workflow
from claims.documents import check_upload, has_phk_proof
from claims.models import (
    CaseEvent,
    CashInstalment,
    Claim,
    ClaimState,
    Decision,
    Document,
    EligibilityCheck,
    EligibilityResult,
    Termination,
    TerminationReason,
)
from claims.rules import NoRuleVersionError, ScenarioError, evaluate, parse_scenario
from claims.rules.versions import jsonable
from claims.vocabulary import RejectReason, reason_label
from claims.workflow import InvalidTransition
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.scoping import branch_q
from jkp_site.outbox.services import enqueue
from participants.models import (
    ContractType,
    ContributionMonth,
    Employer,
    Employment,
    Participant,
    ProgramEnrollment,
)

if TYPE_CHECKING:
    from claims.rules import Decision as RulesDecision
    from jkp_site.core.models import User

S = ClaimState

TERMINATION_FIELDS = (
    "phk_date",
    "reason",
    "contract_type",
    "contract_end_date",
    "proof_number",
    "proof_date",
)
CLAIM_FIELDS = ("bank_name", "bank_account", "bank_account_holder", "kapk_signed")
REASSESS_TASK = "claims.tasks.reassess_claim_task"


# --- helpers ---------------------------------------------------------------------------------


def _lock(claim_id: int) -> Claim:
    """The claim, its row locked until the transaction ends (only the claim row: of=self)."""
    try:
        return (
            Claim.objects.select_for_update(of=("self",))
            .select_related("participant", "branch", "termination__employer")
            .get(pk=claim_id)
        )
    except Claim.DoesNotExist:
        raise ApplicationError(gettext("This claim does not exist."), code="not_found") from None


def _require_staff(user: User, claim: Claim, *perms: str) -> None:
    """``user`` holds one of ``perms`` and works at the claim's branch."""
    if not (
        user.is_active
        and any(user.has_perm(perm) for perm in perms)
        and workflow.in_claim_branch(user, claim)
    ):
        raise PermissionDeniedError(gettext("You are not allowed to do this on this claim."))


def _require_staff_or_owner(user: User, claim: Claim, *perms: str) -> None:
    if user.is_active and workflow.is_owner(user, claim):
        return
    _require_staff(user, claim, *perms)


def _validate_termination(
    *,
    phk_date: dt.date,
    reason: str,
    contract_type: str,
    contract_end_date: dt.date | None,
    proof_date: dt.date | None = None,
) -> None:
    if reason not in TerminationReason.values:
        raise ApplicationError(gettext("Unknown termination reason."), field="reason")
    if contract_type not in ContractType.values:
        raise ApplicationError(gettext("Unknown contract type."), field="contract_type")
    if phk_date > timezone.localdate():
        raise ApplicationError(gettext("The PHK date cannot be in the future."), field="phk_date")
    if proof_date is not None and proof_date > timezone.localdate():
        raise ApplicationError(
            gettext("The date of the PHK proof cannot be in the future."), field="proof_date"
        )
    if contract_type == ContractType.PKWT and contract_end_date is None:
        raise ApplicationError(
            gettext("A PKWT termination needs the contract's end date."),
            field="contract_end_date",
        )


def _latest_result(claim: Claim) -> EligibilityResult | None:
    return claim.eligibility_results.order_by("-run_at", "-id").first()


# --- intake ----------------------------------------------------------------------------------


@transaction.atomic
def open_claim(
    *,
    participant: Participant,
    employer: Employer,
    phk_date: dt.date,
    reason: str,
    contract_type: str,
    contract_end_date: dt.date | None = None,
    proof_number: str = "",
    proof_date: dt.date | None = None,
    bank_name: str = "",
    bank_account: str = "",
    bank_account_holder: str = "",
    kapk_signed: bool = False,
    channel: str = Claim.Channel.COUNTER,
    acting_user: User,
) -> Claim:
    """Open a draft claim and its Termination (PHK) for ``participant``.

    The claim belongs to the employer's branch. Staff need the intake permission at that branch;
    a worker may open their own claim from the portal or API. Refused when the participant
    already has a case in progress. Writes the "open" CaseEvent.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    is_self = channel != Claim.Channel.COUNTER and participant.user_id == acting_user.pk
    if not is_self:
        probe = Claim(branch=employer.branch, participant=participant)
        _require_staff(acting_user, probe, ClaimPerm.INTAKE)
    if contract_type != ContractType.PKWT:
        contract_end_date = None
    _validate_termination(
        phk_date=phk_date,
        reason=reason,
        contract_type=contract_type,
        contract_end_date=contract_end_date,
        proof_date=proof_date,
    )
    if participant.claims.exclude(state__in=S.CLOSED).exists():
        raise ApplicationError(
            gettext("This participant already has a claim in progress."), code="claim_open"
        )
    employment = (
        Employment.objects.filter(participant=participant, employer=employer)
        .order_by("-start_date")
        .first()
    )
    termination = Termination.objects.create(
        participant=participant,
        employer=employer,
        employment=employment,
        phk_date=phk_date,
        reason=reason,
        contract_type=contract_type,
        contract_end_date=contract_end_date,
        proof_number=proof_number,
        proof_date=proof_date,
    )
    now = timezone.now()
    claim = Claim.objects.create(
        # A unique placeholder until the primary key gives the real number below.
        number=uuid.uuid4().hex[:20],
        participant=participant,
        termination=termination,
        branch=employer.branch,
        state_changed_at=now,
        channel=channel,
        assigned_officer=None if is_self else acting_user,
        created_by=acting_user,
        kapk_signed_at=now if kapk_signed else None,
        bank_name=bank_name,
        bank_account=bank_account,
        bank_account_holder=bank_account_holder,
    )
    claim.number = f"JKP-{timezone.localdate(now).year}-{claim.pk:06d}"
    claim.save(update_fields=["number"])
    CaseEvent.objects.create(
        claim=claim,
        actor=acting_user,
        action="open",
        to_state=claim.state,
        data={"channel": channel},
    )
    return claim


@transaction.atomic
def update_draft(*, claim_id: int, acting_user: User, **fields: Any) -> Claim:
    """Change the termination, bank or KAPK data of a draft claim.

    Accepts the fields of ``open_claim`` that describe the PHK, the bank account and
    ``kapk_signed``. Raises ``ApplicationError`` for another field or a claim no longer in draft.
    """
    unknown = set(fields) - set(TERMINATION_FIELDS) - set(CLAIM_FIELDS)
    if unknown:
        raise ApplicationError(
            gettext("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    claim = _lock(claim_id)
    _require_staff_or_owner(acting_user, claim, ClaimPerm.INTAKE)
    if claim.state != S.DRAFT:
        raise InvalidTransition(gettext("Only a draft claim can be edited."), code="wrong_state")
    termination = claim.termination
    changed: list[str] = []
    for name in TERMINATION_FIELDS:
        if name in fields and getattr(termination, name) != fields[name]:
            setattr(termination, name, fields[name])
            changed.append(name)
    if termination.contract_type != ContractType.PKWT:
        termination.contract_end_date = None
    _validate_termination(
        phk_date=termination.phk_date,
        reason=termination.reason,
        contract_type=termination.contract_type,
        contract_end_date=termination.contract_end_date,
        proof_date=termination.proof_date,
    )
    if changed:
        termination.save()
    claim_changed: list[str] = []
    for name in ("bank_name", "bank_account", "bank_account_holder"):
        if name in fields and getattr(claim, name) != fields[name]:
            setattr(claim, name, fields[name])
            claim_changed.append(name)
    if "kapk_signed" in fields and bool(fields["kapk_signed"]) != (
        claim.kapk_signed_at is not None
    ):
        claim.kapk_signed_at = timezone.now() if fields["kapk_signed"] else None
        claim_changed.append("kapk_signed_at")
    if claim_changed:
        claim.save(update_fields=[*claim_changed, "updated_at"])
    if changed or claim_changed:
        # Field names only: the audit trail must not copy personal data such as account numbers.
        workflow.record_event(
            claim,
            actor=acting_user,
            action="update_draft",
            data={"fields": sorted(changed + claim_changed)},
        )
    return claim


@transaction.atomic
def add_document(
    *, claim_id: int, doc_type: str, uploaded_file: UploadedFile, acting_user: User
) -> Document:
    """Store an uploaded document under MEDIA_ROOT with a random name.

    Checked before anything is written: not empty, at most ``DOCUMENT_MAX_BYTES``, and really
    a safe PDF, JPEG or PNG by its content (``claims.documents``; ``UploadError`` otherwise);
    images are stored re-encoded. Only while the claim is in draft, submitted or under
    verification.
    """
    claim = _lock(claim_id)
    _require_staff_or_owner(acting_user, claim, ClaimPerm.INTAKE, ClaimPerm.VERIFY)
    if claim.state not in S.DOCUMENTS_OPEN:
        raise InvalidTransition(
            gettext("Documents can no longer be added to this claim."), code="wrong_state"
        )
    if doc_type not in Document.Type.values:
        raise ApplicationError(gettext("Unknown document type."), field="doc_type")
    checked = check_upload(uploaded_file)
    document = Document(
        claim=claim,
        doc_type=doc_type,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=acting_user,
    )
    document.file.save(uuid.uuid4().hex, ContentFile(checked.content), save=False)
    try:
        document.save()
        workflow.record_event(
            claim,
            actor=acting_user,
            action="document_added",
            data={"document_id": document.pk, "doc_type": doc_type},
        )
    except Exception:
        # The row is rolled back with the transaction; the file on disk is not.
        document.file.delete(save=False)
        raise
    return document


def _removable_document(document_id: int, acting_user: User) -> tuple[Claim, Document]:
    claim_id = Document.objects.filter(pk=document_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise ApplicationError(gettext("This document does not exist."), code="not_found")
    claim = _lock(claim_id)
    document = Document.objects.get(pk=document_id)
    if not (acting_user.is_active and workflow.is_owner(acting_user, claim)):
        _require_staff(acting_user, claim, ClaimPerm.INTAKE, ClaimPerm.VERIFY)
    elif document.uploaded_by_id != acting_user.pk:
        raise PermissionDeniedError(
            gettext("You may remove only a document you uploaded yourself."), code="not_uploader"
        )
    if claim.state not in S.DOCUMENTS_OPEN:
        raise InvalidTransition(
            gettext("Documents can no longer be changed on this claim."), code="wrong_state"
        )
    if document.status == Document.Status.ACCEPTED:
        raise ApplicationError(
            gettext("This document was accepted in the verification: it stays with the claim."),
            code="verified",
        )
    return claim, document


def _forget_document(claim: Claim, document: Document, acting_user: User, action: str) -> None:
    """The row goes and the case timeline keeps what it was (type, name, size, SHA-256); the
    file leaves storage once the removal is committed, so a rollback loses nothing."""
    workflow.record_event(
        claim,
        actor=acting_user,
        action=action,
        data={
            "document_id": document.pk,
            "doc_type": document.doc_type,
            "original_name": document.original_name,
            "size": document.size,
            "sha256": document.sha256,
        },
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def remove_document(*, document_id: int, acting_user: User) -> None:
    """Take back a document uploaded by mistake, before the verification accepts it.

    Branch staff who may take in or verify claims, or the worker for a document they uploaded
    themselves; while documents are open (draft, submitted, verifying) and the document is not
    accepted. Writes a ``document_removed`` CaseEvent; the stored file is deleted.
    """
    claim, document = _removable_document(document_id, acting_user)
    _forget_document(claim, document, acting_user, "document_removed")


@transaction.atomic
def replace_document(
    *, document_id: int, uploaded_file: UploadedFile, acting_user: User
) -> Document:
    """A new file of the same type in place of one not yet accepted: the new one is checked and
    stored as ``add_document`` does, then the old one removed as ``remove_document`` does."""
    claim, document = _removable_document(document_id, acting_user)
    replacement = add_document(
        claim_id=claim.pk,
        doc_type=document.doc_type,
        uploaded_file=uploaded_file,
        acting_user=acting_user,
    )
    _forget_document(claim, document, acting_user, "document_replaced")
    return replacement


def _submission_problems(claim: Claim) -> list[str]:
    problems = []
    if claim.kapk_signed_at is None:
        problems.append(gettext("the KAPK job-seeking commitment is not signed"))
    if not (claim.bank_name and claim.bank_account and claim.bank_account_holder):
        problems.append(gettext("the bank account is incomplete"))
    elif not payment_details.holder_matches(claim.bank_account_holder, claim.participant.name):
        problems.append(gettext("the bank account is not in the worker's own name"))
    usable = set(
        claim.documents.exclude(status=Document.Status.REQUESTED_AGAIN).values_list(
            "doc_type", flat=True
        )
    )
    if not has_phk_proof(usable):
        problems.append(gettext("the PHK proof documents are not an accepted combination"))
    return problems


@transaction.atomic
def submit_claim(*, claim_id: int, acting_user: User) -> Claim:
    """Draft -> submitted, once the KAPK is signed, the bank account is complete and in the
    worker's own name, and an accepted PHK-proof combination (jkp-rules.md §3.4) is uploaded.

    The claim date is the day of the first submission: a claim returned for documents and sent
    again keeps it, so the worker does not lose time against the deadline.
    """
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.SUBMITTED, actor=acting_user)
    problems = _submission_problems(claim)
    if problems:
        raise ApplicationError(
            gettext("The claim cannot be submitted yet: %(problems)s.")
            % {"problems": "; ".join(problems)},
            code="incomplete",
        )
    if claim.claim_date is None:
        claim.claim_date = timezone.localdate()
        claim.save(update_fields=["claim_date", "updated_at"])
    workflow.apply_transition(claim, to=S.SUBMITTED, actor=acting_user, action="submit")
    latest = claim.bank_changes.filter(state="applied").order_by("-id").first()
    if latest is None or latest.bank_account != claim.bank_account:
        payment_details.record_own_entry(claim=claim, acting_user=acting_user)
    payment_details.raise_identity_flags(claim)
    return claim


@transaction.atomic
def withdraw_claim(*, claim_id: int, acting_user: User, reason_code: str, note: str = "") -> Claim:
    """Draft or submitted -> withdrawn, at the worker's wish (a coded reason is mandatory)."""
    claim = _lock(claim_id)
    workflow.apply_transition(
        claim,
        to=S.WITHDRAWN,
        actor=acting_user,
        action="withdraw",
        reason_code=reason_code,
        note=note,
    )
    return claim


# --- verification and eligibility ------------------------------------------------------------


@transaction.atomic
def start_verification(*, claim_id: int, acting_user: User) -> Claim:
    """Submitted -> verifying. An unassigned claim becomes the verifying officer's."""
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.VERIFYING, actor=acting_user)
    if claim.assigned_officer_id is None:
        claim.assigned_officer = acting_user
        claim.save(update_fields=["assigned_officer", "updated_at"])
    workflow.apply_transition(claim, to=S.VERIFYING, actor=acting_user, action="start_verification")
    return claim


@transaction.atomic
def check_document(
    *, document_id: int, acting_user: User, accepted: bool, note: str = ""
) -> Document:
    """Accept a document, or ask for it again (a note saying why is then mandatory)."""
    claim_id = Document.objects.filter(pk=document_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise ApplicationError(gettext("This document does not exist."), code="not_found")
    claim = _lock(claim_id)
    _require_staff(acting_user, claim, ClaimPerm.VERIFY)
    if claim.state != S.VERIFYING:
        raise InvalidTransition(
            gettext("Documents are checked while the claim is being verified."),
            code="wrong_state",
        )
    if not accepted and not note.strip():
        raise ApplicationError(
            gettext("Say what is wrong with the document when asking for it again."),
            field="note",
        )
    document = Document.objects.get(pk=document_id)
    document.status = Document.Status.ACCEPTED if accepted else Document.Status.REQUESTED_AGAIN
    document.note = note[:255]
    document.checked_by = acting_user
    document.checked_at = timezone.now()
    document.save(update_fields=["status", "note", "checked_by", "checked_at"])
    workflow.record_event(
        claim,
        actor=acting_user,
        action="document_checked",
        note=note,
        data={"document_id": document.pk, "doc_type": document.doc_type, "accepted": accepted},
    )
    return document


@dataclass(frozen=True)
class History:
    """What a scenario reads of a participant besides the claim: the programme enrollments
    (program, since, until), the paid months read (period, wage, employer id) oldest first, the
    claims ever made (pk, state, PHK date, number) newest first, and the employer of the latest
    employment (None without one)."""

    enrollments: tuple[tuple[str, dt.date, dt.date | None], ...]
    contributions: tuple[tuple[dt.date, int, int], ...]
    claims: tuple[tuple[int, str, dt.date, str], ...]
    last_employer_id: int | None


@cache
def _history_sql() -> str:
    """The history's one statement: a UNION ALL of its four parts, each filling the same seven
    columns (kind, text, code, day, until, amount, ref) its own way."""
    enrollment, month = ProgramEnrollment._meta.db_table, ContributionMonth._meta.db_table
    claim, termination = Claim._meta.db_table, Termination._meta.db_table
    employment = Employment._meta.db_table
    no_day, no_number = "CAST(NULL AS date)", "CAST(NULL AS bigint)"
    return (
        f"SELECT 'enrollment', program, '', since, until, {no_number}, {no_number}"  # noqa: S608 (model table names)
        f" FROM {enrollment} WHERE participant_id = %(participant)s"
        f" UNION ALL SELECT 'month', '', '', period, {no_day}, wage, employer_id"
        f" FROM {month} WHERE participant_id = %(participant)s AND period <= %(until)s"
        f" UNION ALL SELECT 'claim', c.state, c.number, t.phk_date, {no_day}, c.id, {no_number}"
        f" FROM {claim} c JOIN {termination} t ON t.id = c.termination_id"
        " WHERE c.participant_id = %(participant)s"
        f" UNION ALL SELECT 'employment', '', '', start_date, {no_day}, id, employer_id"
        f" FROM {employment} WHERE participant_id = %(participant)s"
    )


def _day(value: dt.date | str) -> dt.date:
    """A date column as read (SQLite's driver gives the text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def read_history(participant_id: int, *, until: dt.date) -> History:
    """The participant's history in one statement, with the paid months up to ``until``'s
    month: a scenario counts none later, and the read touches no later month's partition.

    Written as SQL: building the same four-part union with the ORM cost more than the
    database's answer (1.4 ms of 2.7 ms per eligibility run, ``benchmarks.bench_eligibility``).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _history_sql(), {"participant": participant_id, "until": until.replace(day=1)}
        )
        rows = cursor.fetchall()
    enrollments: list[tuple[str, dt.date, dt.date | None]] = []
    months: list[tuple[dt.date, int, int]] = []
    claims: list[tuple[int, str, dt.date, str]] = []
    employments: list[tuple[dt.date, int, int]] = []
    for kind, text, code, day, until_day, amount, ref in rows:
        if kind == "enrollment":
            enrollments.append((text, _day(day), None if until_day is None else _day(until_day)))
        elif kind == "month":
            months.append((_day(day), amount, ref))
        elif kind == "claim":
            claims.append((amount, text, _day(day), code))
        else:  # an employment: (start date, pk, employer)
            employments.append((_day(day), amount, ref))
    latest_employment = max(employments, default=None)
    return History(
        enrollments=tuple(enrollments),
        contributions=tuple(sorted(months)),
        claims=tuple(sorted(claims, reverse=True)),
        last_employer_id=latest_employment[2] if latest_employment else None,
    )


def build_scenario(claim: Claim, *, on: dt.date, history: History | None = None) -> dict[str, Any]:
    """The claim as a simulate-contract scenario (contract/simulate.md), read from the database.

    This dict is what the result freezes as its inputs: ``manage.py jkp_simulate`` replays it.
    ``history`` is the participant's (``read_history``), read here when not given.
    """
    termination = claim.termination
    participant = claim.participant
    phk = termination.phk_date
    if history is None:
        history = read_history(participant.pk, until=phk)
    enrollments = {
        program
        for program, since, until in history.enrollments
        if since <= phk and (until is None or until >= phk)
    }
    phk_month = phk.replace(day=1)
    contributions = [(p, wage) for p, wage, _employer in history.contributions if p <= phk_month]
    prior = sorted(
        day for pk, state, day, _number in history.claims if state in S.BENEFIT and pk != claim.pk
    )
    return scenario_of(
        claim,
        on=on,
        enrollments=list(enrollments),
        contributions=list(contributions),
        prior_phk_dates=list(prior),
    )


def scenario_of(
    claim: Claim,
    *,
    on: dt.date,
    enrollments: list[str],
    contributions: list[tuple[dt.date, int]],
    prior_phk_dates: list[dt.date],
) -> dict[str, Any]:
    """``build_scenario``'s dict from facts already read: the programmes the worker was enrolled
    in on the PHK date, the contribution months (period, wage) up to the PHK month in order, and
    the PHK dates of the worker's other approved claims in order (the reassessment of many
    claims reads them for all at once)."""
    termination = claim.termination
    participant = claim.participant
    employer = termination.employer
    phk = termination.phk_date
    claim_date = claim.claim_date or on
    contract: dict[str, Any] = {"type": termination.contract_type}
    if termination.contract_end_date:
        contract["end_date"] = termination.contract_end_date.isoformat()
    return {
        "participant": {
            "citizen": participant.citizen,
            "registered_on": participant.registered_on.isoformat(),
            "birth_date": participant.birth_date.isoformat(),
        },
        "employer_size": employer.size_class,
        "enrollments": sorted(enrollments),
        "contract": contract,
        "contributions": [{"period": f"{p:%Y-%m}", "wage": wage} for p, wage in contributions],
        "termination": {"date": phk.isoformat(), "reason": termination.reason},
        "claim_date": claim_date.isoformat(),
        "decision_date": max(on, claim_date).isoformat(),
        "prior_claims": [{"termination_date": day.isoformat()} for day in prior_phk_dates],
        "employer": {
            "arrears_months": employer.arrears_months,
            "bankrupt_or_closed": employer.bankrupt_or_closed,
        },
    }


def _evaluate(inputs: dict[str, Any]) -> RulesDecision:
    try:
        return evaluate(parse_scenario(inputs))
    except (ScenarioError, NoRuleVersionError) as exc:
        raise ApplicationError(
            gettext("The rules engine cannot evaluate this claim: %(error)s") % {"error": exc},
            code="rules_error",
        ) from exc


def _cell(value: Any) -> str:
    return "" if value is None else str(jsonable(value))[:60]


@transaction.atomic
def run_eligibility(
    *, claim_id: int, acting_user: User, on: dt.date | None = None
) -> EligibilityResult:
    """Run the rules engine on the stored data and freeze its inputs, result and checks.

    Under verification this completes it (every document checked, an accepted PHK proof) and
    moves the claim to eligibility_checked; the officer becomes its verifier. Later (new
    contribution data), a re-run adds a new result and a CaseEvent and overwrites nothing.
    """
    claim = _lock(claim_id)
    _require_staff(acting_user, claim, ClaimPerm.VERIFY)
    rerun_states = (S.ELIGIBILITY_CHECKED, S.AWAITING_APPROVAL, S.APPEALED)
    if claim.state == S.VERIFYING:
        workflow.check_transition(claim, to=S.ELIGIBILITY_CHECKED, actor=acting_user)
        statuses = list(claim.documents.values_list("doc_type", "status"))
        if any(status == Document.Status.PENDING for _type, status in statuses):
            raise ApplicationError(
                gettext("Check every document before running the eligibility check."),
                code="documents_pending",
            )
        accepted = {t for t, status in statuses if status == Document.Status.ACCEPTED}
        if not has_phk_proof(accepted):
            raise ApplicationError(
                gettext("The accepted documents are not an accepted proof of PHK."),
                code="no_phk_proof",
            )
    elif claim.state not in rerun_states:
        raise InvalidTransition(
            gettext("The eligibility check runs during verification."), code="wrong_state"
        )
    inputs = build_scenario(claim, on=on or timezone.localdate())
    decision = _evaluate(inputs)
    stored = decision.to_dict(language="id")
    result = EligibilityResult.objects.create(
        claim=claim,
        rule_version=decision.rule_version,
        eligible=decision.eligible,
        wage_basis=decision.wage_basis,
        cash_total=decision.cash_total,
        payer=decision.payer,
        inputs=inputs,
        # Frozen as the officer saw it, in both languages (message, message_en).
        result=stored,
        run_by=acting_user,
    )
    EligibilityCheck.objects.bulk_create(
        EligibilityCheck(
            result=result,
            position=position,
            code=check.code,
            passed=check.passed,
            value=_cell(check.value),
            required=_cell(check.required),
            source=check.source[:120],
            message=stored["checks"][position]["message"],
        )
        for position, check in enumerate(decision.checks)
    )
    data = {
        "result_id": result.pk,
        "eligible": result.eligible,
        "rule_version": result.rule_version,
    }
    if claim.state == S.VERIFYING:
        claim.verified_by = acting_user
        claim.save(update_fields=["verified_by", "updated_at"])
        workflow.apply_transition(
            claim, to=S.ELIGIBILITY_CHECKED, actor=acting_user, action="run_eligibility", data=data
        )
    else:
        workflow.record_event(claim, actor=acting_user, action="eligibility_rerun", data=data)
    return result


# --- recommendation and decision -------------------------------------------------------------


@transaction.atomic
def recommend_claim(
    *,
    claim_id: int,
    acting_user: User,
    recommendation: str,
    reason_code: str = "",
    note: str = "",
) -> Claim:
    """Eligibility checked -> awaiting approval, with the officer's recommendation.

    A rejection needs a coded reason; an approval needs the latest eligibility result to be
    eligible.
    """
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.AWAITING_APPROVAL, actor=acting_user)
    if recommendation not in Claim.Recommendation.values:
        raise ApplicationError(gettext("Choose approve or reject."), field="recommendation")
    if recommendation == Claim.Recommendation.REJECT:
        if reason_code not in RejectReason.values:
            raise ApplicationError(gettext("Choose a reason from the list."), field="reason_code")
    else:
        reason_code = ""
        latest = _latest_result(claim)
        if latest is None or not latest.eligible:
            raise ApplicationError(
                gettext(
                    "The rules found this claim not eligible: it cannot be recommended for "
                    "approval."
                ),
                code="not_eligible",
            )
    claim.recommendation = recommendation
    claim.recommended_by = acting_user
    claim.recommendation_note = note
    claim.save(
        update_fields=["recommendation", "recommended_by", "recommendation_note", "updated_at"]
    )
    workflow.apply_transition(
        claim,
        to=S.AWAITING_APPROVAL,
        actor=acting_user,
        action="recommend",
        reason_code=reason_code,
        note=note,
        data={"recommendation": recommendation},
    )
    return claim


@transaction.atomic
def approve_claim(*, claim_id: int, acting_user: User, note: str = "") -> Claim:
    """Awaiting approval -> approved by a supervisor who neither verified nor recommended it.

    Writes the Decision; sets the decision date (today), the rule version and the payer; creates
    the six CashInstalment rows of the engine's cash schedule computed with the decision date.
    A second supervisor acting at the same moment waits for the row lock, then finds the claim
    already approved and gets ``InvalidTransition``.
    """
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.APPROVED, actor=acting_user)
    workflow.check_decider(claim, acting_user)
    # Shown on the approval screen and holding the money, never blocking the decision.
    payment_details.raise_identity_flags(claim)
    latest = _latest_result(claim)
    if latest is None or not latest.eligible:
        raise ApplicationError(
            gettext("The latest eligibility check found this claim not eligible."),
            code="not_eligible",
        )
    today = timezone.localdate()
    inputs = {**latest.inputs, "decision_date": today.isoformat()}
    decision = _evaluate(inputs)
    if not decision.eligible:
        raise ApplicationError(
            gettext("The claim is not eligible on the decision date; re-run the check."),
            code="not_eligible",
        )
    record = Decision.objects.create(
        claim=claim,
        outcome=Decision.Outcome.APPROVE,
        decided_by=acting_user,
        note=note,
        eligibility_result=latest,
    )
    claim.decision_date = today
    claim.rule_version = decision.rule_version
    claim.payer = decision.payer
    claim.save(update_fields=["decision_date", "rule_version", "payer", "updated_at"])
    CashInstalment.objects.bulk_create(
        CashInstalment(
            claim=claim,
            month=item.month,
            due_date=item.due_date,
            percent=item.percent,
            amount=item.amount,
            rule_version=item.rule_version,
        )
        for item in decision.cash_schedule
    )
    workflow.apply_transition(
        claim,
        to=S.APPROVED,
        actor=acting_user,
        action="approve",
        note=note,
        data={"decision_id": record.pk, "cash_total": decision.cash_total},
    )
    if claim.appeal_count:
        # An appeal decided in the worker's favour: the case is reassessed (claims.reassessment).
        _owe_reassessment(claim, trigger="appeal", key=f"reassess-appeal:{record.pk}")
    return claim


def _owe_reassessment(claim: Claim, *, trigger: str, key: str, note: str = "") -> None:
    enqueue(REASSESS_TASK, args=[claim.pk, trigger, note], key=key)


@transaction.atomic
def reject_claim(*, claim_id: int, acting_user: User, reason_code: str, note: str = "") -> Claim:
    """Awaiting approval -> rejected, with a coded reason, under the same four-eyes rule."""
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.REJECTED, actor=acting_user, reason_code=reason_code)
    workflow.check_decider(claim, acting_user)
    record = Decision.objects.create(
        claim=claim,
        outcome=Decision.Outcome.REJECT,
        decided_by=acting_user,
        reason_code=reason_code,
        note=note,
        eligibility_result=_latest_result(claim),
    )
    claim.decision_date = timezone.localdate()
    claim.save(update_fields=["decision_date", "updated_at"])
    workflow.apply_transition(
        claim,
        to=S.REJECTED,
        actor=acting_user,
        action="reject",
        reason_code=reason_code,
        note=note,
        data={"decision_id": record.pk},
    )
    return claim


@transaction.atomic
def appeal_claim(*, claim_id: int, acting_user: User, note: str) -> Claim:
    """Rejected -> appealed (keberatan), once per claim; the worker's grounds are mandatory.

    A supervisor then reopens it (``reopen_claim``) for a decision by someone other than the
    supervisor who rejected it.
    """
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.APPEALED, actor=acting_user)
    workflow.check_appeal(claim)
    if not note.strip():
        raise ApplicationError(gettext("Give the grounds of the appeal."), field="note")
    claim.appeal_count += 1
    claim.save(update_fields=["appeal_count", "updated_at"])
    workflow.apply_transition(claim, to=S.APPEALED, actor=acting_user, action="appeal", note=note)
    return claim


@transaction.atomic
def reopen_claim(*, claim_id: int, acting_user: User, note: str = "") -> Claim:
    """Appealed -> awaiting approval, for a new decision by a different supervisor."""
    claim = _lock(claim_id)
    workflow.apply_transition(
        claim, to=S.AWAITING_APPROVAL, actor=acting_user, action="reopen", note=note
    )
    return claim


@transaction.atomic
def return_claim(*, claim_id: int, acting_user: User, reason_code: str, note: str = "") -> Claim:
    """Send a claim back a step, with a coded reason.

    Under verification, back to draft for the worker's missing or faulty documents; awaiting
    approval, back to verification for the officer (the recommendation is cleared).
    """
    claim = _lock(claim_id)
    targets: dict[str, ClaimState] = {S.VERIFYING: S.DRAFT, S.AWAITING_APPROVAL: S.VERIFYING}
    target = targets.get(claim.state)
    if target is None:
        raise InvalidTransition(gettext("This claim cannot be returned now."), code="wrong_state")
    workflow.check_transition(claim, to=target, actor=acting_user, reason_code=reason_code)
    if target == S.VERIFYING:
        claim.recommendation = ""
        claim.recommended_by = None
        claim.recommendation_note = ""
        claim.save(
            update_fields=["recommendation", "recommended_by", "recommendation_note", "updated_at"]
        )
    workflow.apply_transition(
        claim, to=target, actor=acting_user, action="return", reason_code=reason_code, note=note
    )
    return claim


# --- benefits --------------------------------------------------------------------------------


@transaction.atomic
def activate_benefit(*, claim_id: int, acting_user: User | None = None) -> Claim:
    """Approved -> benefit active (month 1's self-assessment is done). None: the system."""
    claim = _lock(claim_id)
    workflow.apply_transition(
        claim, to=S.BENEFIT_ACTIVE, actor=acting_user, action="activate_benefit"
    )
    return claim


@transaction.atomic
def stop_benefit(
    *, claim_id: int, acting_user: User | None, reason_code: str, note: str = ""
) -> Claim:
    """Approved or benefit active -> stopped (re-employment, death, fraud, request).

    Instalments not yet paid and not in a payment batch (scheduled, payable) are cancelled;
    those already in a batch or paid are left for the payment run to settle.
    """
    claim = _lock(claim_id)
    workflow.check_transition(claim, to=S.STOPPED, actor=acting_user, reason_code=reason_code)
    cancelled = CashInstalment.objects.filter(
        claim=claim,
        status__in=[CashInstalment.Status.SCHEDULED, CashInstalment.Status.PAYABLE],
    ).update(
        status=CashInstalment.Status.CANCELLED,
        status_reason=reason_label(reason_code)[:255],
        offset_debt=None,
        offset_amount=0,
        updated_at=timezone.now(),
    )
    workflow.apply_transition(
        claim,
        to=S.STOPPED,
        actor=acting_user,
        action="stop_benefit",
        reason_code=reason_code,
        note=note,
        data={"cancelled_instalments": cancelled},
    )
    # A debt being set off against the months now cancelled is repaid by the worker instead.
    recovery.cover_lost_offsets(claim_ids=[claim.pk], acting_user=acting_user)
    if acting_user is not None:
        # A stop or death reported by a person: months paid after it are found by the
        # reassessment (claims.reassessment). The system's stops come with their own trigger.
        _owe_reassessment(claim, trigger="stop", key=f"reassess-stop:{claim.pk}", note=note)
    return claim


@transaction.atomic
def complete_benefit(*, claim_id: int, acting_user: User | None = None) -> Claim:
    """Benefit active -> completed (the benefit period is over)."""
    claim = _lock(claim_id)
    workflow.apply_transition(claim, to=S.COMPLETED, actor=acting_user, action="complete_benefit")
    return claim


# --- assignment ------------------------------------------------------------------------------


@transaction.atomic
def reassign_claim(*, claim_id: int, acting_user: User, officer: User) -> Claim:
    """Give the claim to another officer of its branch (supervisors). Recorded as an event."""
    claim = _lock(claim_id)
    _require_staff(acting_user, claim, ClaimPerm.REASSIGN)
    if claim.state in S.TERMINAL:
        raise InvalidTransition(gettext("This claim is closed."), code="wrong_state")
    if not (
        officer.is_active
        and officer.branch_id is not None
        and officer.has_perm(ClaimPerm.INTAKE)
        and workflow.in_claim_branch(officer, claim)
    ):
        raise ApplicationError(
            gettext("%(name)s is not an officer of this claim's branch.")
            % {"name": officer.get_full_name() or officer.username},
            field="officer",
        )
    previous = claim.assigned_officer_id
    if previous == officer.pk:
        return claim
    claim.assigned_officer = officer
    claim.save(update_fields=["assigned_officer", "updated_at"])
    workflow.record_event(
        claim, actor=acting_user, action="reassign", data={"from": previous, "to": officer.pk}
    )
    return claim


@transaction.atomic
def take_next_claim(*, acting_user: User) -> Claim | None:
    """Assign the longest-waiting unassigned claim of the officer's branch to them.

    ``skip_locked``: two officers pressing the button at once get two different claims.
    Returns None when the queue is empty.
    """
    if not (acting_user.is_active and acting_user.has_perm(ClaimPerm.VERIFY)):
        raise PermissionDeniedError(gettext("You are not allowed to take claims."))
    if acting_user.branch_id is None:
        return None
    claim = (
        Claim.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            branch_q(acting_user.branch_id),
            state__in=S.TAKEABLE,
            assigned_officer__isnull=True,
        )
        .order_by("state_changed_at", "pk")
        .first()
    )
    if claim is None:
        return None
    claim.assigned_officer = acting_user
    claim.save(update_fields=["assigned_officer", "updated_at"])
    workflow.record_event(claim, actor=acting_user, action="take")
    return claim
