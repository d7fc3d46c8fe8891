"""Reads of the worker portal. Every one starts from the signed-in worker's own participant.

A worker sees nothing but their own data: each object lookup is scoped through
`claims_of(participant)`, so another worker's claim, document, instalment or referral answers
404 exactly like one that does not exist.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_lazy

from benefits.conditions import conditions_for
from claims.documents import PHK_PROOF_COMBINATIONS, has_phk_proof
from claims.models import (
    CaseEvent,
    CashInstalment,
    Claim,
    Decision,
    Document,
    EligibilityCheck,
    Termination,
)
from claims.notifications import WorkerMessage, message_for, reason_words
from claims.rules import (
    Instalment,
    MonthlyCashConditions,
    ScenarioError,
    evaluate,
    parse_scenario,
)
from claims.services import build_scenario
from jkp_site.core.models import User
from jkp_site.core.money import format_rupiah
from participants.models import ContributionMonth, Employer, Employment, Participant
from training.models import JobSeekingActivity, TrainingReferral


def participant_for(user: User) -> Participant:
    """The participant record behind a portal account; staff without one are refused (403)."""
    participant = Participant.objects.filter(user_id=user.pk).first()
    if participant is None:
        raise PermissionDenied
    return participant


def claims_of(participant: Participant) -> QuerySet[Claim]:
    return Claim.objects.filter(participant=participant).select_related(
        "termination", "termination__employer", "branch"
    )


def get_claim_for_worker(*, participant: Participant, pk: int) -> Claim:
    return get_object_or_404(claims_of(participant), pk=pk)


def get_document_for_worker(*, participant: Participant, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.filter(
            claim__participant=participant, file_removed_at__isnull=True
        ).select_related("claim"),
        pk=pk,
    )


def get_instalment_for_worker(*, participant: Participant, pk: int) -> CashInstalment:
    return get_object_or_404(
        CashInstalment.objects.filter(claim__participant=participant).select_related("claim"),
        pk=pk,
    )


def get_referral_for_worker(*, participant: Participant, pk: int) -> TrainingReferral:
    """A training referral on one of the worker's own claims; anyone else's answers 404."""
    return get_object_or_404(
        TrainingReferral.objects.filter(claim__participant=participant).select_related("claim"),
        pk=pk,
    )


def open_draft(participant: Participant) -> Claim | None:
    """The worker's draft claim filed in the portal, if any (one at a time)."""
    return (
        claims_of(participant)
        .filter(state=Claim.State.DRAFT, channel=Claim.Channel.PORTAL)
        .order_by("-created_at")
        .first()
    )


def last_employment(participant: Participant) -> Employment | None:
    """The most recent employment: its employer's branch receives the worker's claim."""
    return (
        Employment.objects.filter(participant=participant)
        .select_related("employer", "employer__branch")
        .order_by("-start_date", "-pk")
        .first()
    )


def last_employer(participant: Participant) -> Employer | None:
    """The worker's last employer: of the latest employment, else of the latest contribution."""
    employment = last_employment(participant)
    if employment is not None:
        return employment.employer
    contribution = (
        ContributionMonth.objects.filter(participant=participant)
        .select_related("employer", "employer__branch")
        .order_by("-period")
        .first()
    )
    return contribution.employer if contribution is not None else None


def case_events_of(claim: Claim) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(claim=claim).order_by("created_at", "id")


# --- Eligibility pre-check ---------------------------------------------------------------------

CHECK_TITLES = {
    "citizenship": gettext_lazy("Indonesian citizen"),
    "age_at_registration": gettext_lazy("Your age when you were registered"),
    "program_enrollment": gettext_lazy("Enrolled in the BPJS programmes required"),
    "termination_reason": gettext_lazy("The reason your work ended"),
    "claim_deadline": gettext_lazy("Claim made in time"),
    "contribution_months": gettext_lazy("Months of contributions paid"),
    "consecutive_months": gettext_lazy("Months paid in a row before the PHK"),
    "prior_claims": gettext_lazy("Earlier JKP claims"),
}


@dataclass(frozen=True)
class CheckLine:
    code: str
    title: str
    passed: bool
    explanation: str
    article: str


@dataclass(frozen=True)
class Precheck:
    eligible: bool
    rule_version: str
    checks: tuple[CheckLine, ...]
    schedule: tuple[Instalment, ...]
    total: int
    wage_basis: int
    claim_deadline: dt.date | None
    employer_name: str


def precheck(
    *,
    participant: Participant,
    phk_date: dt.date,
    reason: str,
    contract_type: str,
    contract_end_date: dt.date | None,
) -> Precheck:
    """The officer's checks on the worker's own stored data, for a PHK the worker describes.

    The scenario comes from the workflow's own builder (claims.services.build_scenario), fed
    an unsaved claim as the worker would file it today with their last employer, so the
    pre-check and the officer's eligibility run read exactly the same data. Nothing is saved;
    the claim and decision dates are today ("if I claim now"). Raises
    claims.rules.ScenarioError (or NoRuleVersionError) for inputs the engine refuses.
    """
    employer = last_employer(participant)
    if employer is None:
        raise ScenarioError("employer", gettext("No employer is recorded for you yet."))
    probe = Claim(
        participant=participant,
        termination=Termination(
            participant=participant,
            employer=employer,
            phk_date=phk_date,
            reason=reason,
            contract_type=contract_type,
            contract_end_date=contract_end_date,
        ),
    )
    decision = evaluate(parse_scenario(build_scenario(probe, on=timezone.localdate())))
    english = (get_language() or "").startswith("en")
    return Precheck(
        eligible=decision.eligible,
        rule_version=decision.rule_version,
        checks=tuple(
            CheckLine(
                code=check.code,
                title=str(CHECK_TITLES.get(check.code, check.code)),
                passed=check.passed,
                explanation=check.message_en if english else check.message,
                article=check.source,
            )
            for check in decision.checks
        ),
        schedule=decision.cash_schedule,
        total=decision.cash_total,
        wage_basis=decision.wage_basis,
        claim_deadline=decision.claim_deadline,
        employer_name=employer.name if employer is not None else "",
    )


# --- Documents -------------------------------------------------------------------------------


def documents_of(claim: Claim) -> list[Document]:
    return list(Document.objects.filter(claim=claim).order_by("uploaded_at", "pk"))


def has_usable_phk_proof(claim: Claim) -> bool:
    """Whether the documents not asked again form an accepted PHK proof (jkp-rules.md §3.4)."""
    usable = set(
        Document.objects.filter(claim=claim)
        .exclude(status=Document.Status.REQUESTED_AGAIN)
        .values_list("doc_type", flat=True)
    )
    return has_phk_proof(usable)


def proof_combinations() -> list[list[str]]:
    """The accepted PHK-proof combinations, as document labels, for the worker to read."""
    return [
        [str(Document.Type(code).label) for code in sorted(combination)]
        for combination in PHK_PROOF_COMBINATIONS
    ]


# --- Following the case ----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    message: WorkerMessage


def instalment_message(instalment: CashInstalment) -> WorkerMessage:
    """One instalment told to the worker: due, paid, or not paid and why."""
    values = {
        "month": instalment.month,
        "amount": format_rupiah(instalment.amount),
        "day": date_format(instalment.due_date),
        "reason": instalment.status_reason or gettext("no reason recorded"),
    }
    status = instalment.status
    if status == CashInstalment.Status.PAID:
        return WorkerMessage(
            gettext("Month %(month)s: %(amount)s was paid into your account.") % values,
            tone="success",
        )
    if status == CashInstalment.Status.NOT_PAID:
        return WorkerMessage(
            gettext("Month %(month)s: not paid, because %(reason)s.") % values, tone="warning"
        )
    if status == CashInstalment.Status.REJECTED:
        return WorkerMessage(
            gettext(
                "Month %(month)s: the bank returned the transfer of %(amount)s (%(reason)s). "
                "Ask your branch to correct the account; it is paid again after that."
            )
            % values,
            tone="danger",
        )
    if status == CashInstalment.Status.CANCELLED:
        return WorkerMessage(
            gettext("Month %(month)s: cancelled, because %(reason)s.") % values, tone="warning"
        )
    if status == CashInstalment.Status.IN_BATCH:
        return WorkerMessage(
            gettext("Month %(month)s: %(amount)s is being transferred to your bank.") % values
        )
    if status == CashInstalment.Status.PAYABLE:
        return WorkerMessage(
            gettext("Month %(month)s: %(amount)s will be paid in the next payment run.") % values
        )
    return WorkerMessage(
        gettext("Month %(month)s: %(amount)s due on %(day)s, when the month's condition is met.")
        % values
    )


def instalments_of(claim: Claim) -> list[CashInstalment]:
    return list(CashInstalment.objects.filter(claim=claim).order_by("month"))


INSTALMENT_EVENT_PREFIX = "instalment_"


def timeline(claim: Claim) -> list[TimelineEntry]:
    """What happened to the case, in the worker's words, oldest first.

    Internal steps (reassignment, drafts saved) are left out, and so are the instalments: the
    schedule is told once, month by month, by `schedule`.
    """
    entries = []
    for event in case_events_of(claim).exclude(action__startswith=INSTALMENT_EVENT_PREFIX):
        event.claim = claim  # the claim is at hand: no query per event
        message = message_for(event)
        if message is not None:
            entries.append(TimelineEntry(when=event.created_at, message=message))
    return entries


@dataclass(frozen=True)
class ScheduleLine:
    instalment: CashInstalment
    message: WorkerMessage


def schedule(instalments: list[CashInstalment]) -> list[ScheduleLine]:
    """The six months of cash, each in the worker's words: due, paid, or not paid and why."""
    return [ScheduleLine(instalment, instalment_message(instalment)) for instalment in instalments]


@dataclass(frozen=True)
class Rejection:
    reason: str
    note: str
    failed_checks: tuple[CheckLine, ...]


def rejection_of(claim: Claim) -> Rejection | None:
    """The reason and the articles behind the latest rejection of a rejected or appealed claim."""
    if claim.state not in (Claim.State.REJECTED, Claim.State.APPEALED):
        return None
    decision = (
        Decision.objects.filter(claim=claim, outcome=Decision.Outcome.REJECT)
        .order_by("-created_at", "-pk")
        .first()
    )
    if decision is None:
        return None
    failed: tuple[CheckLine, ...] = ()
    if decision.eligibility_result_id is not None:
        failed = tuple(
            CheckLine(
                code=check.code,
                title=str(CHECK_TITLES.get(check.code, check.code)),
                passed=False,
                explanation=check.message,
                article=check.source,
            )
            for check in EligibilityCheck.objects.filter(
                result_id=decision.eligibility_result_id, passed=False
            ).order_by("position")
        )
    return Rejection(
        reason=reason_words(decision.reason_code), note=decision.note, failed_checks=failed
    )


def was_returned(claim: Claim) -> bool:
    return claim.state == Claim.State.DRAFT and claim.events.filter(action="return").exists()


@dataclass(frozen=True)
class Notification:
    when: dt.datetime
    claim: Claim
    message: WorkerMessage


def notifications(participant: Participant, *, limit: int = 50) -> list[Notification]:
    """The steps of the worker's cases that concern them (the same ones that are e-mailed)."""
    events = (
        CaseEvent.objects.filter(claim__participant=participant)
        .select_related("claim", "claim__participant")
        .order_by("-created_at", "-id")
    )
    found = []
    for event in events.iterator():
        message = message_for(event)
        if message is not None and message.notify:
            found.append(Notification(when=event.created_at, claim=event.claim, message=message))
            if len(found) >= limit:
                break
    return found


# --- During the benefit ----------------------------------------------------------------------


@dataclass(frozen=True)
class Benefit:
    """The worker's side of a running (or finished) benefit: this month's activity and training."""

    applications_this_month: int
    interviews_this_month: int
    activities: list[JobSeekingActivity]
    referrals: list[TrainingReferral]
    employment_status_done: bool
    running: bool
    conditions: MonthlyCashConditions


def benefit_of(claim: Claim) -> Benefit | None:
    if claim.state not in Claim.State.BENEFIT:
        return None
    today = timezone.localdate()
    month_start = today.replace(day=1)
    activities = list(
        JobSeekingActivity.objects.filter(claim=claim).order_by("-occurred_on", "-pk")
    )
    this_month = [a for a in activities if a.occurred_on >= month_start]
    kinds = JobSeekingActivity.Kind
    return Benefit(
        applications_this_month=sum(1 for a in this_month if a.kind == kinds.JOB_APPLICATION),
        interviews_this_month=sum(1 for a in this_month if a.kind == kinds.INTERVIEW),
        activities=activities,
        referrals=list(
            TrainingReferral.objects.filter(claim=claim)
            .select_related("program", "program__provider")
            .order_by("-created_at")
        ),
        employment_status_done=any(a.kind == kinds.EMPLOYMENT_STATUS for a in activities),
        running=claim.state in Claim.State.RUNNING,
        conditions=conditions_for(claim.rule_version),
    )
