"""The monthly cash condition of each instalment, and stopping a benefit on re-employment.

Permenaker 15/2021 Pasal 13 as amended by Permenaker 2/2025 (jkp-rules.md §4.1, §4.4):

- month 1 is paid once the beneficiary has done the self-assessment (asesmen diri);
- months 2-6 are paid when, in the month, the beneficiary made at least 5 job applications or
  had at least 1 selection test or interview, or attended at least 80% of training in the
  previous month;
- month 6 also needs the employment-status form (formulir status kebekerjaan).

A month whose condition is not met by its closing date is marked ``not_paid`` with the reason
and is not moved later (D12); later months are judged on their own activity.

The month of instalment k (the "tanggal acuan" windows of D7) runs from the due date of
instalment k-1 up to, not including, the due date of instalment k. Instalment k is judged from
its due date; months 2-5 stay open for the 5 days after it (the monthly application window of
the JKP help desk), month 1 until the end of the first benefit month and month 6 until the end
of the benefit period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import DateField, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from claims.models import (
    CashInstalment,
    Claim,
    ClaimState,
    InstalmentStatus,
    claim_participant_among,
)
from claims.rules import (
    MonthlyCashConditions,
    add_months,
    monthly_cash_conditions,
    version_by_code,
    version_on,
)
from claims.services import complete_benefit, stop_benefit
from claims.vocabulary import StopReason
from claims.workflow import record_event
from participants.models import ContributionMonth
from training.models import JobSeekingActivity, TrainingAttendance

if TYPE_CHECKING:
    from jkp_site.core.models import User

APPLICATION_GRACE_DAYS = 5
LAST_MONTH = 6

# States in which instalments are still judged month by month.
# Instalment states that will not change any more (the benefit can complete).
FINAL_STATUSES = (
    InstalmentStatus.PAID,
    InstalmentStatus.NOT_PAID,
    InstalmentStatus.CANCELLED,
    InstalmentStatus.OFFSET,
)


@dataclass(frozen=True)
class MonthWindow:
    """When instalment ``month`` is judged and on which activity."""

    month: int
    activity_from: dt.date
    activity_until: dt.date  # exclusive
    judged_from: dt.date
    closes_on: dt.date
    training_period: dt.date  # first day of the "previous month" for the 80% attendance rule


def month_window(*, month: int, anchor: dt.date) -> MonthWindow:
    """The window of instalment ``month`` for a benefit whose month 1 is due on ``anchor`` (D7)."""
    due = add_months(anchor, month - 1)
    if month == 1:
        return MonthWindow(
            month=1,
            activity_from=dt.date.min,
            activity_until=add_months(anchor, 1),
            judged_from=anchor,
            closes_on=add_months(anchor, 1),
            training_period=due.replace(day=1),
        )
    previous_calendar_month = add_months(due.replace(day=1), -1)
    closes_on = (
        add_months(anchor, LAST_MONTH)
        if month == LAST_MONTH
        else due + dt.timedelta(days=APPLICATION_GRACE_DAYS)
    )
    return MonthWindow(
        month=month,
        activity_from=add_months(anchor, month - 2),
        activity_until=due,
        judged_from=due,
        closes_on=closes_on,
        training_period=previous_calendar_month,
    )


@dataclass(frozen=True)
class MonthFacts:
    """What the beneficiary did, counted for one instalment's window."""

    self_assessment_on: dt.date | None = None
    applications: int = 0
    interviews: int = 0
    attendance_percent: int | None = None
    employment_status_on: dt.date | None = None


@dataclass(frozen=True)
class MonthOutcome:
    met: bool
    reason: str
    figures: dict = field(default_factory=dict)


def conditions_for(rule_version: str) -> MonthlyCashConditions:
    """The monthly cash conditions of the version that priced the instalment (D6)."""
    try:
        return monthly_cash_conditions(version_by_code(rule_version))
    except KeyError:
        return monthly_cash_conditions(version_on(timezone.localdate()))


def judge_month(month: int, facts: MonthFacts, conditions: MonthlyCashConditions) -> MonthOutcome:
    """Pure: whether ``facts`` meet the condition of instalment ``month``, and why.

    The thresholds are the rule version's parameters (``claims.rules``, Permenaker 15/2021
    Pasal 13 as amended by Permenaker 2/2025): month 1 after the self-assessment (ayat 2);
    months 2-6 after enough applications or interviews in the month, or enough training
    attendance in the month before (ayat 3); month 6 also after the employment-status form.
    """
    source = conditions.source
    figures = {
        "applications": facts.applications,
        "interviews": facts.interviews,
        "attendance_percent": facts.attendance_percent,
        "self_assessment_on": facts.self_assessment_on.isoformat()
        if facts.self_assessment_on
        else None,
        "employment_status_on": facts.employment_status_on.isoformat()
        if facts.employment_status_on
        else None,
        "source": source,
    }
    if month == 1:
        if facts.self_assessment_on is None:
            return MonthOutcome(
                False,
                gettext("No self-assessment in the first month (%(src)s ayat 2).")
                % {"src": source},
                figures,
            )
        return MonthOutcome(
            True,
            gettext("Self-assessment done on %(day)s (%(src)s ayat 2).")
            % {"day": date_format(facts.self_assessment_on), "src": source},
            figures,
        )
    job_seeking = (
        facts.applications >= conditions.min_job_applications
        or facts.interviews >= conditions.min_tests_or_interviews
    )
    training = (facts.attendance_percent or 0) >= conditions.min_training_attendance_percent
    activity = gettext(
        "%(apps)s job applications, %(interviews)s tests/interviews, training attendance "
        "%(att)s in the previous month"
    ) % {
        "apps": facts.applications,
        "interviews": facts.interviews,
        "att": "-" if facts.attendance_percent is None else f"{facts.attendance_percent}%",
    }
    if not (job_seeking or training):
        return MonthOutcome(
            False,
            gettext(
                "Condition not met: %(activity)s; needs %(apps)s applications, %(interviews)s "
                "test/interview or %(att)s%% training attendance (%(src)s ayat 3)."
            )
            % {
                "activity": activity,
                "apps": conditions.min_job_applications,
                "interviews": conditions.min_tests_or_interviews,
                "att": conditions.min_training_attendance_percent,
                "src": source,
            },
            figures,
        )
    if (
        month == LAST_MONTH
        and conditions.month6_employment_status_form_required
        and facts.employment_status_on is None
    ):
        return MonthOutcome(
            False,
            gettext("Employment-status form not filled in for month 6 (%(src)s ayat 4).")
            % {"src": source},
            figures,
        )
    return MonthOutcome(
        True,
        gettext("Condition met: %(activity)s (%(src)s ayat 3).")
        % {"activity": activity, "src": source},
        figures,
    )


def _anchor(claim: Claim) -> dt.date:
    """Due date of month 1: the decision date (D7), or month 1's stored due date."""
    first = claim.instalments.filter(month=1).values_list("due_date", flat=True).first()
    anchor = first or claim.decision_date
    if anchor is None:
        raise ValueError(f"Claim {claim.pk} has neither a decision date nor a month-1 instalment.")
    return anchor


def facts_for(*, claim: Claim, window: MonthWindow) -> MonthFacts:
    """Count the claim's recorded activity in ``window`` (a few indexed queries)."""
    kind = JobSeekingActivity.Kind
    status = JobSeekingActivity.Status
    activities = JobSeekingActivity.objects.filter(claim=claim)
    self_assessment = (
        activities.filter(
            kind=kind.SELF_ASSESSMENT, status=status.DONE, occurred_on__lt=window.activity_until
        )
        .order_by("occurred_on")
        .values_list("occurred_on", flat=True)
        .first()
    )
    in_month = activities.filter(
        occurred_on__gte=window.activity_from, occurred_on__lt=window.activity_until
    )
    applications = in_month.filter(kind=kind.JOB_APPLICATION, status=status.DONE).count()
    interviews = (
        in_month.filter(kind=kind.INTERVIEW)
        .exclude(status__in=[status.CANCELLED, status.NO_SHOW])
        .count()
    )
    attendance = (
        (
            TrainingAttendance.objects.filter(
                referral__claim=claim, period=window.training_period
            ).order_by("-percent")
        )
        .values_list("percent", flat=True)
        .first()
    )
    employment_status = None
    if window.month == LAST_MONTH:
        employment_status = (
            activities.filter(
                kind=kind.EMPLOYMENT_STATUS,
                status=status.DONE,
                occurred_on__gte=window.activity_from,
                occurred_on__lte=window.closes_on,
            )
            .values_list("occurred_on", flat=True)
            .first()
        )
    return MonthFacts(
        self_assessment_on=self_assessment,
        applications=applications,
        interviews=interviews,
        attendance_percent=attendance,
        employment_status_on=employment_status,
    )


@transaction.atomic
def evaluate_instalment(
    *, instalment_id: int, on: dt.date | None = None, acting_user: User | None = None
) -> CashInstalment:
    """Mark one scheduled instalment payable or not_paid if its month can be judged ``on``.

    Safe to run any number of times: only a ``scheduled`` instalment of a running benefit is
    looked at; once it is judged it is never judged again. A month whose condition is already
    met becomes payable as soon as its due date arrives; one whose condition is not met waits
    until its window closes, then is marked not_paid with the reason (D12). Writes a CaseEvent
    for each judgement.
    """
    on = on or timezone.localdate()
    instalment = (
        CashInstalment.objects.select_for_update(of=("self",))
        .select_related("claim")
        .get(pk=instalment_id)
    )
    claim = instalment.claim
    if instalment.status != InstalmentStatus.SCHEDULED or claim.state not in ClaimState.RUNNING:
        return instalment
    window = month_window(month=instalment.month, anchor=_anchor(claim))
    if on < window.judged_from:
        return instalment
    outcome = judge_month(
        instalment.month,
        facts_for(claim=claim, window=window),
        conditions_for(instalment.rule_version),
    )
    if not outcome.met and on < window.closes_on:
        return instalment
    new_status = InstalmentStatus.PAYABLE if outcome.met else InstalmentStatus.NOT_PAID
    # Conditional on the state read under the lock: a concurrent judge cannot flip it twice.
    CashInstalment.objects.filter(pk=instalment.pk, status=InstalmentStatus.SCHEDULED).update(
        status=new_status,
        status_reason=outcome.reason[:255],
        evaluated_at=timezone.now(),
        updated_at=timezone.now(),
    )
    instalment.refresh_from_db()
    record_event(
        claim,
        actor=acting_user,
        action="instalment_payable" if outcome.met else "instalment_not_paid",
        note=outcome.reason,
        data={"month": instalment.month, "amount": instalment.amount, **outcome.figures},
    )
    if not outcome.met:
        transaction.on_commit(lambda: complete_if_finished(claim_id=claim.pk))
    return instalment


def evaluate_claim_instalments(*, claim_id: int, on: dt.date | None = None) -> list[CashInstalment]:
    """Judge every scheduled instalment of one claim (after new activity was recorded)."""
    ids = CashInstalment.objects.filter(
        claim_id=claim_id, status=InstalmentStatus.SCHEDULED
    ).values_list("pk", flat=True)
    return [evaluate_instalment(instalment_id=pk, on=on) for pk in list(ids)]


def due_unjudged(on: dt.date) -> QuerySet[CashInstalment]:
    """The scheduled instalments of running benefits due by ``on``: what a run judges first."""
    return CashInstalment.objects.filter(
        status=InstalmentStatus.SCHEDULED, due_date__lte=on, claim__state__in=ClaimState.RUNNING
    )


def evaluate_due_instalments(*, on: dt.date | None = None) -> int:
    """Judge every scheduled instalment due by ``on``; returns how many changed state.

    Each instalment is judged in its own transaction, so a worker that dies halfway leaves
    the ones already judged as they are and a rerun carries on with the rest.
    """
    on = on or timezone.localdate()
    ids = list(due_unjudged(on).order_by("due_date", "pk").values_list("pk", flat=True))
    changed = 0
    for pk in ids:
        if evaluate_instalment(instalment_id=pk, on=on).status != InstalmentStatus.SCHEDULED:
            changed += 1
    return changed


def complete_if_finished(*, claim_id: int) -> Claim | None:
    """Complete an active benefit once all six instalments are paid, not paid or cancelled."""
    claim = Claim.objects.filter(pk=claim_id, state=ClaimState.BENEFIT_ACTIVE).first()
    if claim is None:
        return None
    open_left = claim.instalments.exclude(status__in=FINAL_STATUSES).exists()
    if open_left or not claim.instalments.exists():
        return None
    return complete_benefit(claim_id=claim.pk, acting_user=None)


def stop_on_reemployment(*, participant_ids) -> list[Claim]:
    """Stop the running benefit of each participant who has a contribution from a new employer.

    Re-employment ends the right to JKP (PP 37/2021 Pasal 40 huruf b). The import of
    contribution months calls this with the participants it touched: a contribution month on
    or after the PHK month paid by an employer other than the one that terminated the worker
    means a new job. The stop goes through the workflow (``stop_benefit``, reason
    ``reemployed``), which cancels the instalments not yet paid or in a batch; paid stays paid.
    Returns the claims stopped. One query finds them; on PostgreSQL the ids are one array
    parameter, so an import passes every worker of a monthly file at once.
    """
    new_job = ContributionMonth.objects.filter(
        participant_id=OuterRef("participant_id"),
        period__gte=OuterRef("phk_month"),
    ).exclude(employer_id=OuterRef("termination__employer_id"))
    # One query finds the re-employed among every running benefit the import touched; only
    # those (few) are then read in detail and stopped.
    reemployed = (
        Claim.objects.filter(
            claim_participant_among(list(participant_ids)), state__in=ClaimState.RUNNING
        )
        .annotate(phk_month=TruncMonth("termination__phk_date", output_field=DateField()))
        .filter(Exists(new_job))
        .select_related("termination")
        .order_by("pk")
    )
    stopped = []
    for claim in reemployed:
        phk_month = claim.termination.phk_date.replace(day=1)
        found = (
            ContributionMonth.objects.filter(
                participant_id=claim.participant_id, period__gte=phk_month
            )
            .exclude(employer_id=claim.termination.employer_id)
            .select_related("employer")
            .order_by("period")
            .first()
        )
        if found is None:  # the Exists() above found this month; it cannot have gone since
            continue
        note = gettext(
            "Contribution for %(period)s paid by %(employer)s (PP 37/2021 Pasal 40)."
        ) % {
            "period": f"{found.period:%Y-%m}",
            "employer": found.employer,
        }
        stopped.append(
            stop_benefit(
                claim_id=claim.pk, acting_user=None, reason_code=StopReason.REEMPLOYED, note=note
            )
        )
    return stopped
