"""Reassessment: a decided claim evaluated again when its facts change, and the money follows.

A reassessment runs the rules engine on the claim's current facts under the version that
governed it (the stored decision date picks it, D5; each month's version follows D6), cut by
what happened since: a contribution month from another employer on or after the PHK month
(re-employment, PP 37/2021 Pasal 40 huruf b) ends the right from the instalment due in that
month; a stop ends it after the day it was recorded. Each benefit month is compared with what
the case already accounts for it: the instalment if it was paid or is still to be paid, plus
the underpayments and less the overpayments of earlier reassessments. Then:

- a month paid too little becomes an ``Underpayment``, paid once by the next payment batch;
- months paid too much become one ``Debt`` on the case (claims.recovery recovers it);
- a month not paid yet takes its new amount, or is cancelled when nothing is due for it.

Past records are never changed: the reassessment, its months and the case event are new rows.
Running it again on the same facts changes nothing (every difference was settled by the first
run) and records nothing: the facts' digest equals the latest one, and a run that finds no
difference is recorded only when a supervisor asked for it. ``(claim, sequence)`` is unique, so
two runs at once cannot record the same reassessment twice.

Many claims are reassessed a chunk at a time (``reassess_many``): the chunk's rows are locked
and every fact is read in a handful of queries for the whole chunk, and what it finds is written
in bulk. One claim is a chunk of one (``reassess_claim``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from claims import delivery, recovery, workflow
from claims.models import (
    MAX_INSTALMENT_AMOUNT,
    CaseEvent,
    CashInstalment,
    Claim,
    ClaimState,
    Debt,
    InstalmentStatus,
    Reassessment,
    ReassessmentLine,
    ReassessmentTrigger,
    Underpayment,
    claim_participant_among,
)
from claims.notifications import worker_hears_of
from claims.rules import VERSIONS, NoRuleVersionError, ScenarioError, evaluate, parse_scenario
from claims.rules.versions import jsonable
from claims.services import scenario_of, stop_benefit
from claims.vocabulary import StopReason
from jkp_site.core.exceptions import PermissionDeniedError
from jkp_site.core.permissions import ClaimPerm
from participants.models import ContributionMonth, Employer, ProgramEnrollment

if TYPE_CHECKING:
    from claims.models import ReassessmentJob
    from jkp_site.core.models import User

logger = logging.getLogger(__name__)
S = ClaimState
I = InstalmentStatus  # noqa: E741
Outcome = ReassessmentLine.Outcome

# Money that went (or is on its way) to the worker for the month.
PAID_LIKE = frozenset({I.PAID, I.IN_BATCH, I.OFFSET})
# Not paid yet: takes the new amount, or is cancelled.
OPEN_LIKE = frozenset({I.SCHEDULED, I.PAYABLE, I.REJECTED})
# Claims a reassessment looks at: decided and approved at some point.
DECIDED = S.BENEFIT
CHUNK = 500
PUBLISH_AT_ONCE = 50
PARTICIPANTS_AT_ONCE = 5000


def rules_fingerprint() -> str:
    """The digest of every rule version's figures: a ruling that changes one changes it."""
    figures = [
        [version.code, {name: jsonable(param.value) for name, param in version.params.items()}]
        for version in VERSIONS
    ]
    return hashlib.sha256(json.dumps(figures, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class _Month:
    month: int
    due_date: dt.date
    status: str
    amount: int
    accounted: int
    entitled: int
    percent: int
    rule_version: str
    reason: str
    instalment: CashInstalment


@dataclass
class Found:
    """What one claim's reassessment found, before anything is written."""

    claim: Claim
    digest: str
    inputs: dict[str, Any]
    rule_version: str
    eligible: bool
    wage_basis: int
    months: list[_Month] = field(default_factory=list)
    stop_reason: str = ""
    stop_note: str = ""

    def outcome(self, item: _Month) -> str:
        difference = item.entitled - item.accounted
        if difference == 0:
            return Outcome.UNCHANGED
        if item.status in OPEN_LIKE:
            return Outcome.REPRICED if item.amount + difference > 0 else Outcome.CANCELLED
        return Outcome.UNDERPAID if difference > 0 else Outcome.OVERPAID

    @property
    def changes(self) -> bool:
        return any(self.outcome(item) != Outcome.UNCHANGED for item in self.months)


@dataclass
class Chunk:
    """The facts of a chunk of claims, read in a few queries."""

    enrollments: dict[int, list[tuple[str, dt.date, dt.date | None]]]
    contributions: dict[int, list[tuple[dt.date, int, int]]]
    prior: dict[int, list[tuple[int, dt.date]]]
    stops: dict[int, CaseEvent]
    instalments: dict[int, dict[int, CashInstalment]]
    corrections: dict[tuple[int, int], int]
    latest: dict[int, tuple[int, str]]
    employers: dict[int, str]


def _read_chunk(claims: list[Claim]) -> Chunk:
    claim_ids = [claim.pk for claim in claims]
    people = {claim.participant_id for claim in claims}
    enrollments: dict[int, list[tuple[str, dt.date, dt.date | None]]] = defaultdict(list)
    for pid, program, since, until in ProgramEnrollment.objects.filter(
        participant_id__in=people
    ).values_list("participant_id", "program", "since", "until"):
        enrollments[pid].append((program, since, until))
    contributions: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for pid, period, wage, employer_id in (
        ContributionMonth.objects.filter(participant_id__in=people)
        .order_by("participant_id", "period")
        .values_list("participant_id", "period", "wage", "employer_id")
    ):
        contributions[pid].append((period, wage, employer_id))
    prior: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for pid, pk, phk in (
        Claim.objects.filter(participant_id__in=people, state__in=S.BENEFIT)
        .order_by("termination__phk_date")
        .values_list("participant_id", "pk", "termination__phk_date")
    ):
        prior[pid].append((pk, phk))
    stops: dict[int, CaseEvent] = {}
    for event in CaseEvent.objects.filter(claim_id__in=claim_ids, action="stop_benefit").order_by(
        "created_at", "pk"
    ):
        stops[event.claim_id] = event
    instalments: dict[int, dict[int, CashInstalment]] = defaultdict(dict)
    for item in CashInstalment.objects.filter(claim_id__in=claim_ids):
        instalments[item.claim_id][item.month] = item
    corrections: dict[tuple[int, int], int] = defaultdict(int)
    for claim_id, month, total in (
        Underpayment.objects.filter(claim_id__in=claim_ids)
        .values("claim_id", "month")
        .annotate(total=Sum("amount"))
        .values_list("claim_id", "month", "total")
    ):
        corrections[(claim_id, month)] += total
    for claim_id, month, total in (
        ReassessmentLine.objects.filter(
            reassessment__claim_id__in=claim_ids, outcome=Outcome.OVERPAID
        )
        .exclude(reassessment__debt__state=Debt.State.WITHDRAWN)
        .values("reassessment__claim_id", "month")
        .annotate(total=Sum(F("was_amount") - F("now_amount")))
        .values_list("reassessment__claim_id", "month", "total")
    ):
        corrections[(claim_id, month)] -= total
    latest: dict[int, tuple[int, str]] = {}
    for claim_id, sequence, digest in (
        Reassessment.objects.filter(claim_id__in=claim_ids)
        .order_by("claim_id", "sequence")
        .values_list("claim_id", "sequence", "facts_digest")
    ):
        latest[claim_id] = (sequence, digest)
    employer_ids = {e for rows in contributions.values() for _p, _w, e in rows}
    employers = dict(Employer.objects.filter(pk__in=employer_ids).values_list("pk", "name"))
    return Chunk(
        enrollments, contributions, prior, stops, instalments, corrections, latest, employers
    )


def _facts(claim: Claim, chunk: Chunk, fingerprint: str) -> tuple[dict[str, Any], str]:
    """The claim's scenario under its own decision date, with what ended the right since."""
    termination = claim.termination
    phk = termination.phk_date
    phk_month = phk.replace(day=1)
    decided = claim.decision_date or phk
    rows = chunk.contributions.get(claim.participant_id, [])
    scenario = scenario_of(
        claim,
        on=decided,
        enrollments=[
            program
            for program, since, until in chunk.enrollments.get(claim.participant_id, [])
            if since <= phk and (until is None or until >= phk)
        ],
        contributions=[(period, wage) for period, wage, _e in rows if period <= phk_month],
        prior_phk_dates=[
            day for pk, day in chunk.prior.get(claim.participant_id, []) if pk != claim.pk
        ],
    )
    scenario["decision_date"] = decided.isoformat()
    later = [
        (period, employer_id)
        for period, _w, employer_id in rows
        if period >= phk_month and employer_id != termination.employer_id
    ]
    stop = chunk.stops.get(claim.pk)
    inputs = {
        "scenario": scenario,
        "reemployed_from": later[0][0].isoformat() if later else None,
        "reemployer": chunk.employers.get(later[0][1], "") if later else "",
        "stopped_on": timezone.localdate(stop.created_at).isoformat() if stop else None,
        "stop_reason": stop.reason_code if stop else "",
        "rules": fingerprint,
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return inputs, digest


def _find(claim: Claim, chunk: Chunk, fingerprint: str) -> Found | None:
    inputs, digest = _facts(claim, chunk, fingerprint)
    try:
        decision = evaluate(parse_scenario(inputs["scenario"]))
    except (ScenarioError, NoRuleVersionError):
        logger.warning("reassessment: claim %s cannot be evaluated", claim.pk)
        return None
    found = Found(
        claim=claim,
        digest=digest,
        inputs=inputs,
        rule_version=decision.rule_version,
        eligible=decision.eligible,
        wage_basis=decision.wage_basis,
    )
    reemployed = inputs["reemployed_from"] and dt.date.fromisoformat(inputs["reemployed_from"])
    stopped = inputs["stopped_on"] and dt.date.fromisoformat(inputs["stopped_on"])
    schedule = {item.month: item for item in decision.cash_schedule}
    existing = chunk.instalments.get(claim.pk, {})
    # The claim's months are its instalments (the schedule made when it was approved).
    for month, instalment in sorted(existing.items()):
        item = schedule.get(month)
        due, status, amount = instalment.due_date, instalment.status, instalment.amount
        base = amount if status in PAID_LIKE or status in OPEN_LIKE else 0
        entitled, reason = (item.amount if item else 0), ""
        if not decision.eligible:
            entitled, reason = 0, gettext("the rules now find the claim not eligible")
        elif reemployed and due >= reemployed:
            entitled = 0
            reason = gettext("work from %(month)s (%(employer)s)") % {
                "month": f"{reemployed:%m/%Y}",
                "employer": inputs["reemployer"],
            }
        elif stopped and due > stopped:
            entitled, reason = 0, gettext("the benefit was stopped")
        elif status == I.NOT_PAID:
            entitled, reason = 0, gettext("the month's condition was not met")
        found.months.append(
            _Month(
                month=month,
                due_date=due,
                status=status,
                amount=amount,
                accounted=base + chunk.corrections.get((claim.pk, month), 0),
                entitled=entitled,
                percent=item.percent if item else instalment.percent,
                rule_version=item.rule_version if item else found.rule_version,
                reason=reason,
                instalment=instalment,
            )
        )
    if claim.state in S.RUNNING and found.changes:
        if reemployed and any(m.due_date >= reemployed for m in found.months):
            found.stop_reason = StopReason.REEMPLOYED
            found.stop_note = gettext("Reassessment: %(reason)s.") % {
                "reason": next(m.reason for m in found.months if m.due_date >= reemployed)
            }
        elif not decision.eligible:
            found.stop_reason = StopReason.OTHER
            found.stop_note = gettext("Reassessment: the rules now find the claim not eligible.")
    return found


def _old_result(found: Found) -> dict[str, Any]:
    return {
        "rule_version": found.claim.rule_version,
        "months": [
            {
                "month": m.month,
                "due_date": m.due_date.isoformat(),
                "status": m.status,
                "amount": m.amount,
                "accounted": m.accounted,
            }
            for m in found.months
        ],
        "total": sum(m.accounted for m in found.months),
    }


def _new_result(found: Found) -> dict[str, Any]:
    return {
        "rule_version": found.rule_version,
        "eligible": found.eligible,
        "wage_basis": found.wage_basis,
        "months": [
            {
                "month": m.month,
                "due_date": m.due_date.isoformat(),
                "due": m.entitled,
                "reason": m.reason,
            }
            for m in found.months
        ],
        "total": sum(m.entitled for m in found.months),
    }


def _write(
    found_all: list[Found],
    *,
    trigger: str,
    note: str,
    acting_user: User | None,
    job: ReassessmentJob | None,
    chunk: Chunk,
) -> list[Reassessment]:
    """Record what was found, in bulk: reassessments, months, underpayments, debts, the new
    amounts of the months not paid yet, the case events and the worker's notices."""
    if not found_all:
        return []
    now = timezone.now()
    records = Reassessment.objects.bulk_create(
        Reassessment(
            claim=found.claim,
            sequence=chunk.latest.get(found.claim.pk, (0, ""))[0] + 1,
            trigger=trigger,
            trigger_note=note[:255],
            job=job,
            rule_version=found.rule_version,
            facts_digest=found.digest,
            inputs=found.inputs,
            old_result=_old_result(found),
            new_result=_new_result(found),
            underpaid_total=sum(
                m.entitled - m.accounted
                for m in found.months
                if found.outcome(m) == Outcome.UNDERPAID
            ),
            overpaid_total=sum(
                m.accounted - m.entitled
                for m in found.months
                if found.outcome(m) == Outcome.OVERPAID
            ),
            created_by=acting_user,
        )
        for found in found_all
    )
    lines = ReassessmentLine.objects.bulk_create(
        ReassessmentLine(
            reassessment=record,
            month=m.month,
            due_date=m.due_date,
            status_before=m.status,
            was_amount=m.accounted,
            now_amount=m.entitled,
            outcome=found.outcome(m),
            reason=m.reason[:255],
        )
        for record, found in zip(records, found_all, strict=True)
        for m in found.months
    )
    by_record: dict[int, list[ReassessmentLine]] = defaultdict(list)
    for line in lines:
        by_record[line.reassessment_id].append(line)
    Underpayment.objects.bulk_create(
        Underpayment(
            claim_id=record.claim_id,
            line=line,
            month=line.month,
            amount=line.now_amount - line.was_amount,
        )
        for record in records
        for line in by_record[record.pk]
        if line.outcome == Outcome.UNDERPAID
    )
    Debt.objects.bulk_create(
        Debt(claim_id=record.claim_id, reassessment=record, amount=record.overpaid_total)
        for record in records
        if record.overpaid_total
    )
    # The months not paid yet, by what they become: one UPDATE per kind of change (a ruling
    # gives most of a chunk the same new amount), not one per row.
    changes: dict[tuple, list[int]] = defaultdict(list)
    for found in found_all:
        for m in found.months:
            outcome, item = found.outcome(m), m.instalment
            if outcome == Outcome.CANCELLED:
                reason = (gettext("Reassessment: %(r)s") % {"r": m.reason})[:255]
                key: tuple = ("cancel", reason)
            elif outcome == Outcome.REPRICED:
                amount = min(m.amount + m.entitled - m.accounted, MAX_INSTALMENT_AMOUNT)
                key = ("reprice", amount, m.percent, m.rule_version, item.offset_amount > amount)
            else:
                continue
            changes[key].append(item.pk)
    for key, ids in changes.items():
        instalments = CashInstalment.objects.filter(pk__in=ids)
        if key[0] == "cancel":
            instalments.update(
                status=I.CANCELLED,
                status_reason=key[1],
                offset_amount=0,
                offset_debt=None,
                updated_at=now,
            )
            continue
        _kind, amount, percent, version, clip = key
        extra = {"offset_amount": amount} if clip else {}
        instalments.update(
            amount=amount, percent=percent, rule_version=version, updated_at=now, **extra
        )
    # Offsets lost with a cancelled month, or clipped to a lower amount, become repayments.
    recovery.cover_lost_offsets(
        claim_ids=[found.claim.pk for found in found_all], acting_user=acting_user
    )
    events = CaseEvent.objects.bulk_create(
        CaseEvent(
            claim=found.claim,
            actor=acting_user,
            action="reassessed",
            from_state=found.claim.state,
            to_state=found.claim.state,
            note=note,
            data={
                "reassessment_id": record.pk,
                "sequence": record.sequence,
                "trigger": trigger,
                "underpaid": record.underpaid_total,
                "overpaid": record.overpaid_total,
                "months": [
                    {"month": m.month, "was": m.accounted, "now": m.entitled}
                    for m in found.months
                    if found.outcome(m) != Outcome.UNCHANGED
                ],
            },
        )
        for record, found in zip(records, found_all, strict=True)
    )
    told = [event for event in events if worker_hears_of(event)]
    # A few notices go out at the commit; the outbox relay sends the rest of a large job.
    for message_id in delivery.owe_many(told)[:PUBLISH_AT_ONCE]:
        transaction.on_commit(_publisher(message_id))
    for found in found_all:
        if found.stop_reason:
            stop_benefit(
                claim_id=found.claim.pk,
                acting_user=None,
                reason_code=found.stop_reason,
                note=found.stop_note,
            )
    return list(records)


def _publisher(message_id: int):
    from jkp_site.outbox.services import publish

    return lambda: publish(message_id)


def reassess_many(
    claim_ids: list[int],
    *,
    trigger: str,
    note: str = "",
    acting_user: User | None = None,
    job: ReassessmentJob | None = None,
    fingerprint: str | None = None,
) -> list[Reassessment]:
    """Reassess a chunk of claims in the caller's transaction (their rows locked, in order).

    Claims not decided, or decided but never approved, are passed over. Returns the
    reassessments recorded (none for a claim whose facts gave nothing new).
    """
    if trigger not in ReassessmentTrigger.values:
        raise ValueError(trigger)
    fingerprint = fingerprint or rules_fingerprint()
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=claim_ids, state__in=DECIDED, decision_date__isnull=False)
        .select_related("participant", "termination__employer")
        .order_by("pk")
    )
    if not claims:
        return []
    chunk = _read_chunk(claims)
    keep: list[Found] = []
    for claim in claims:
        found = _find(claim, chunk, fingerprint)
        if found is None:
            continue
        if chunk.latest.get(claim.pk, (0, ""))[1] == found.digest:
            continue  # the same facts as the latest reassessment: nothing new
        if found.changes or trigger == ReassessmentTrigger.SUPERVISOR:
            keep.append(found)
    return _write(keep, trigger=trigger, note=note, acting_user=acting_user, job=job, chunk=chunk)


@transaction.atomic
def reassess_claim(
    *,
    claim_id: int,
    trigger: str,
    acting_user: User | None = None,
    note: str = "",
) -> Reassessment | None:
    """Reassess one decided claim (see the module). A supervisor (the decide permission at the
    claim's branch) may ask for it by hand; the system's triggers pass no user. Returns the
    reassessment recorded, or None when the facts gave nothing new."""
    if acting_user is not None:
        claim = Claim.objects.select_related("branch").filter(pk=claim_id).first()
        if claim is None or not (
            acting_user.is_active
            and acting_user.has_perm(ClaimPerm.DECIDE)
            and workflow.in_claim_branch(acting_user, claim)
        ):
            raise PermissionDeniedError(gettext("You are not allowed to reassess this claim."))
    found = reassess_many([claim_id], trigger=trigger, note=note, acting_user=acting_user)
    return found[0] if found else None


def affected_claims(
    *, participant_ids: list[int] | None = None, rule_version: str = ""
) -> list[int]:
    """The decided claims a change touches: those of the given participants, or those any of
    whose instalments a rule version priced (one query). The participants are one array
    parameter on PostgreSQL (one query for a national import's millions); SQLite reads a few
    thousand at a time, under its parameter limit."""
    claims = Claim.objects.filter(state__in=DECIDED, decision_date__isnull=False)
    if rule_version:
        claims = claims.filter(instalments__rule_version=rule_version)
    if participant_ids is None:
        return list(claims.order_by("pk").values_list("pk", flat=True).distinct())
    at_once = (
        max(len(participant_ids), 1) if connection.vendor == "postgresql" else PARTICIPANTS_AT_ONCE
    )
    found: set[int] = set()
    for start in range(0, len(participant_ids), at_once):
        part = participant_ids[start : start + at_once]
        found.update(claims.filter(claim_participant_among(part)).values_list("pk", flat=True))
    return sorted(found)
