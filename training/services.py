"""Writes for labour-market information and training (the two non-cash benefits of a claim).

Every activity is tied to a claim whose benefit is running. It counts toward that claim's
monthly cash condition, which the cash benefit judges (``benefits``, a layer above this one:
``benefits.services`` records an activity and re-judges the instalments in one act).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from claims.models import Claim, ClaimState
from claims.rules import NoRuleVersionError, training_cost_cap_on
from claims.services import activate_benefit, stop_benefit
from claims.vocabulary import StopReason
from claims.workflow import in_claim_branch, is_owner, record_event
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import TrainingPerm
from training.models import (
    JobSeekingActivity,
    TrainingAttendance,
    TrainingProgram,
    TrainingProvider,
    TrainingReferral,
)

if TYPE_CHECKING:
    from jkp_site.core.models import Kanwil, User

Kind = JobSeekingActivity.Kind
Status = JobSeekingActivity.Status
# Kinds a counsellor or officer records as already done (counselling is scheduled first).
DONE_KINDS = (
    Kind.SELF_ASSESSMENT,
    Kind.VACANCY_SHARED,
    Kind.JOB_APPLICATION,
    Kind.INTERVIEW,
    Kind.EMPLOYMENT_STATUS,
)
LIVE_REFERRAL = (
    TrainingReferral.State.REFERRED,
    TrainingReferral.State.ACCEPTED,
    TrainingReferral.State.ENROLLED,
)


def _require(user: User, perm: str, claim: Claim | None = None, *, owner_ok: bool = False) -> None:
    """Staff with ``perm`` at the claim's branch; with ``owner_ok``, also the worker whose
    claim it is (reporting their own job seeking from the portal)."""
    if owner_ok and claim is not None and user.is_active and is_owner(user, claim):
        return
    if not (user.is_active and user.has_perm(perm)):
        raise PermissionDeniedError(gettext("You are not allowed to do this."))
    if claim is not None and not in_claim_branch(user, claim):
        raise PermissionDeniedError(gettext("This claim belongs to another branch."))


def _running_claim(claim_id: int, user: User, perm: str, *, owner_ok: bool = False) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("branch", "participant")
        .get(pk=claim_id)
    )
    _require(user, perm, claim, owner_ok=owner_ok)
    if claim.state not in ClaimState.RUNNING:
        raise ApplicationError(
            gettext("This claim has no running benefit (it is %(state)s).")
            % {"state": claim.get_state_display()},
            code="wrong_state",
        )
    return claim


def _not_future(day: dt.date, field: str = "occurred_on") -> None:
    if day > timezone.localdate():
        raise ApplicationError(gettext("The date cannot be in the future."), field=field)


# --- Labour-market information -----------------------------------------------------------------


@transaction.atomic
def record_activity(
    *,
    claim_id: int,
    acting_user: User,
    kind: str,
    occurred_on: dt.date,
    employer_name: str = "",
    position: str = "",
    notes: str = "",
) -> JobSeekingActivity:
    """Record a self-assessment, vacancy shared, job application, test/interview or the
    employment-status form for a running benefit (by staff of the branch, or by the worker
    from the portal).

    The first self-assessment of an approved claim starts the benefit (approved ->
    benefit_active, Permenaker 15/2021 Pasal 13(2) jo. Permenaker 2/2025). Vacancies,
    applications and interviews need the employer and position. Raises ApplicationError or
    PermissionDeniedError.
    """
    claim = _running_claim(claim_id, acting_user, TrainingPerm.MANAGE_ACTIVITY, owner_ok=True)
    if kind not in DONE_KINDS:
        raise ApplicationError(gettext("Choose a kind of activity."), field="kind")
    _not_future(occurred_on)
    if kind in (Kind.VACANCY_SHARED, Kind.JOB_APPLICATION, Kind.INTERVIEW) and not (
        employer_name.strip() and position.strip()
    ):
        raise ApplicationError(
            gettext("Give the employer and the position."), field="employer_name"
        )
    activity = JobSeekingActivity.objects.create(
        claim=claim,
        kind=kind,
        status=Status.DONE,
        occurred_on=occurred_on,
        employer_name=employer_name.strip(),
        position=position.strip(),
        notes=notes,
        recorded_by=acting_user,
    )
    record_event(
        claim,
        actor=acting_user,
        action=f"activity_{kind}",
        note=notes,
        data={"activity": activity.pk, "on": occurred_on.isoformat()},
    )
    if kind == Kind.SELF_ASSESSMENT and claim.state == ClaimState.APPROVED:
        # The system starts the benefit: the counsellor records the fact, the rule acts on it.
        activate_benefit(claim_id=claim.pk, acting_user=None)
    return activity


@transaction.atomic
def schedule_counselling(
    *, claim_id: int, acting_user: User, occurred_on: dt.date, notes: str = ""
) -> JobSeekingActivity:
    """Book a career-counselling session (bimbingan jabatan) for a running benefit."""
    claim = _running_claim(claim_id, acting_user, TrainingPerm.MANAGE_ACTIVITY)
    activity = JobSeekingActivity.objects.create(
        claim=claim,
        kind=Kind.COUNSELLING,
        status=Status.SCHEDULED,
        occurred_on=occurred_on,
        notes=notes,
        recorded_by=acting_user,
    )
    record_event(
        claim,
        actor=acting_user,
        action="counselling_scheduled",
        data={"activity": activity.pk, "on": occurred_on.isoformat()},
    )
    return activity


@transaction.atomic
def record_counselling_outcome(
    *, activity_id: int, acting_user: User, status: str, notes: str = ""
) -> JobSeekingActivity:
    """A scheduled session was held (done), missed (no_show) or cancelled, with notes."""
    activity = (
        JobSeekingActivity.objects.select_for_update(of=("self",))
        .select_related("claim__branch")
        .get(pk=activity_id)
    )
    _require(acting_user, TrainingPerm.MANAGE_ACTIVITY, activity.claim)
    if activity.kind != Kind.COUNSELLING or activity.status != Status.SCHEDULED:
        raise ApplicationError(gettext("Only a scheduled counselling session can be updated."))
    if status not in (Status.DONE, Status.NO_SHOW, Status.CANCELLED):
        raise ApplicationError(gettext("Choose held, no-show or cancelled."), field="status")
    if status != Status.CANCELLED:
        _not_future(activity.occurred_on)
    activity.status = status
    if notes:
        activity.notes = f"{activity.notes}\n{notes}".strip()
    activity.save(update_fields=["status", "notes", "updated_at"])
    record_event(
        activity.claim,
        actor=acting_user,
        action=f"counselling_{status}",
        note=notes,
        data={"activity": activity.pk},
    )
    return activity


@transaction.atomic
def report_reemployment(
    *, claim_id: int, acting_user: User, employer_name: str, started_on: dt.date, note: str = ""
) -> Claim:
    """The worker reports a new job: the right to JKP ends (PP 37/2021 Pasal 40 huruf b).

    Recorded as the employment-status form, then the benefit is stopped by the system through
    the workflow (reason ``reemployed``); instalments already paid or in a batch stay as they
    are.
    """
    claim = _running_claim(claim_id, acting_user, TrainingPerm.MANAGE_ACTIVITY, owner_ok=True)
    _not_future(started_on, "started_on")
    if not employer_name.strip():
        raise ApplicationError(gettext("Give the new employer."), field="employer_name")
    JobSeekingActivity.objects.create(
        claim=claim,
        kind=Kind.EMPLOYMENT_STATUS,
        status=Status.DONE,
        occurred_on=started_on,
        employer_name=employer_name.strip(),
        notes=note,
        recorded_by=acting_user,
    )
    record_event(
        claim,
        actor=acting_user,
        action="reemployment_reported",
        note=note,
        data={"employer": employer_name.strip(), "started_on": started_on.isoformat()},
    )
    return stop_benefit(
        claim_id=claim.pk,
        acting_user=None,
        reason_code=StopReason.REEMPLOYED,
        note=gettext("Reported by the worker: employed at %(employer)s since %(day)s.")
        % {"employer": employer_name.strip(), "day": started_on.isoformat()},
    )


# --- Training ----------------------------------------------------------------------------------


def training_cost_cap(*, on: dt.date) -> tuple[int, str]:
    """The per-participant training cost cap in force on ``on`` and its source: its own dated
    parameter (D15: PMK 26/2025 from 14 April 2025), not the PP version of the claim."""
    cap = training_cost_cap_on(on)
    return cap.amount, cap.source


def _check_cost(cost: int, cap: int, source: str) -> None:
    if cost > cap:
        raise ApplicationError(
            gettext(
                "The cost Rp %(cost)s is above the cap of Rp %(cap)s per participant (%(src)s)."
            )
            % {
                "cost": f"{cost:,}".replace(",", "."),
                "cap": f"{cap:,}".replace(",", "."),
                "src": source,
            },
            field="cost",
        )


@transaction.atomic
def create_training_provider(
    *,
    acting_user: User,
    name: str,
    kind: str,
    ownership: str,
    city: str = "",
    region: Kanwil | None = None,
) -> TrainingProvider:
    """Register a training institution: LPK or BLK, government, private or company."""
    _require(acting_user, TrainingPerm.MANAGE_ACTIVITY)
    if kind not in TrainingProvider.Kind.values:
        raise ApplicationError(gettext("Choose LPK or BLK."), field="kind")
    if ownership not in TrainingProvider.Ownership.values:
        raise ApplicationError(gettext("Choose the ownership."), field="ownership")
    return TrainingProvider.objects.create(
        name=name.strip(), kind=kind, ownership=ownership, city=city.strip(), region=region
    )


@transaction.atomic
def create_training_program(
    *,
    acting_user: User,
    provider_id: int,
    title: str,
    competency: str,
    duration_hours: int,
    cost: int,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> TrainingProgram:
    """Add a competency-based programme; its cost must be within the per-participant cap of
    the rule version in force when it starts (PMK 148/2021 Pasal 31, as amended by PMK
    26/2025: Rp1,000,000, then Rp2,400,000)."""
    _require(acting_user, TrainingPerm.MANAGE_ACTIVITY)
    provider = TrainingProvider.objects.get(pk=provider_id)
    if start_date and end_date and end_date < start_date:
        raise ApplicationError(gettext("The end is before the start."), field="end_date")
    if duration_hours <= 0:
        raise ApplicationError(gettext("Give the duration in hours."), field="duration_hours")
    try:
        cap, source = training_cost_cap(on=start_date or timezone.localdate())
    except (NoRuleVersionError, LookupError) as exc:
        raise ApplicationError(str(exc), field="start_date") from exc
    _check_cost(cost, cap, source)
    return TrainingProgram.objects.create(
        provider=provider,
        title=title.strip(),
        competency=competency.strip(),
        duration_hours=duration_hours,
        cost=cost,
        start_date=start_date,
        end_date=end_date,
    )


@transaction.atomic
def refer_to_training(*, claim_id: int, program_id: int, acting_user: User) -> TrainingReferral:
    """Refer a beneficiary to a programme (one live referral per claim; cost within the cap in
    force on the day of the referral, D15)."""
    claim = _running_claim(claim_id, acting_user, TrainingPerm.REFER)
    program = TrainingProgram.objects.select_related("provider").get(pk=program_id)
    cap, source = training_cost_cap(on=timezone.localdate())
    _check_cost(program.cost, cap, source)
    try:
        with transaction.atomic():
            referral = TrainingReferral.objects.create(
                claim=claim, program=program, referred_by=acting_user
            )
    except IntegrityError:
        raise ApplicationError(
            gettext("This beneficiary already has a training referral in progress.")
        ) from None
    record_event(
        claim,
        actor=acting_user,
        action="training_referred",
        data={"referral": referral.pk, "program": program.title, "provider": program.provider.name},
    )
    return referral


def _lock_referral(referral_id: int, user: User) -> TrainingReferral:
    referral = (
        TrainingReferral.objects.select_for_update(of=("self",))
        .select_related("claim__branch", "program__provider")
        .get(pk=referral_id)
    )
    _require(user, TrainingPerm.MANAGE_ACTIVITY, referral.claim)
    return referral


_REFERRAL_MOVES: dict[str, tuple[str, ...]] = {
    TrainingReferral.State.ENROLLED: (
        TrainingReferral.State.REFERRED,
        TrainingReferral.State.ACCEPTED,
    ),
    TrainingReferral.State.COMPLETED: (TrainingReferral.State.ENROLLED,),
    TrainingReferral.State.DROPPED: (TrainingReferral.State.ENROLLED,),
    TrainingReferral.State.DECLINED: (
        TrainingReferral.State.REFERRED,
        TrainingReferral.State.ACCEPTED,
    ),
}


def _move(referral: TrainingReferral, to: str) -> None:
    if referral.state not in _REFERRAL_MOVES[to]:
        raise ApplicationError(
            gettext("This referral is %(state)s; it cannot be moved to %(to)s.")
            % {"state": referral.get_state_display(), "to": TrainingReferral.State(to).label},
            code="wrong_state",
        )
    referral.state = to


@transaction.atomic
def enrol_in_training(
    *, referral_id: int, acting_user: User, enrolled_on: dt.date
) -> TrainingReferral:
    """The provider took the beneficiary in. The provider's cost (paid by BPJS, not the
    worker) is recorded now at the programme's price, checked against the claim's cap."""
    referral = _lock_referral(referral_id, acting_user)
    _not_future(enrolled_on, "enrolled_on")
    _move(referral, TrainingReferral.State.ENROLLED)
    cap, source = training_cost_cap(on=referral.created_at.date())
    _check_cost(referral.program.cost, cap, source)
    referral.enrolled_on = enrolled_on
    referral.cost = referral.program.cost
    referral.save(update_fields=["state", "enrolled_on", "cost", "updated_at"])
    record_event(
        referral.claim,
        actor=acting_user,
        action="training_enrolled",
        data={
            "referral": referral.pk,
            "cost": referral.cost,
            "provider": referral.program.provider.name,
        },
    )
    return referral


@transaction.atomic
def record_attendance(
    *, referral_id: int, acting_user: User, period: dt.date, percent: int
) -> TrainingAttendance:
    """Monthly attendance (0-100%) of an enrolled beneficiary; >=80% in the previous month
    meets the cash condition (Permenaker 15/2021 Pasal 13(3) jo. Permenaker 2/2025). A second
    entry for the same month corrects the first."""
    referral = _lock_referral(referral_id, acting_user)
    if referral.state not in (TrainingReferral.State.ENROLLED, TrainingReferral.State.COMPLETED):
        raise ApplicationError(gettext("Attendance is recorded for an enrolled beneficiary."))
    if not 0 <= percent <= 100:
        raise ApplicationError(
            gettext("Attendance is a percentage from 0 to 100."), field="percent"
        )
    month = period.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ApplicationError(gettext("The month cannot be in the future."), field="period")
    attendance, _created = TrainingAttendance.objects.update_or_create(
        referral=referral, period=month, defaults={"percent": percent}
    )
    record_event(
        referral.claim,
        actor=acting_user,
        action="training_attendance",
        data={"referral": referral.pk, "period": f"{month:%Y-%m}", "percent": percent},
    )
    return attendance


@transaction.atomic
def complete_training(
    *, referral_id: int, acting_user: User, completed_on: dt.date, certificate_number: str = ""
) -> TrainingReferral:
    """The beneficiary finished the programme, with the competency certificate if issued."""
    referral = _lock_referral(referral_id, acting_user)
    _not_future(completed_on, "completed_on")
    _move(referral, TrainingReferral.State.COMPLETED)
    if referral.enrolled_on and completed_on < referral.enrolled_on:
        raise ApplicationError(gettext("Completion is before enrolment."), field="completed_on")
    referral.completed_on = completed_on
    referral.certificate_number = certificate_number.strip()
    referral.save(update_fields=["state", "completed_on", "certificate_number", "updated_at"])
    record_event(
        referral.claim,
        actor=acting_user,
        action="training_completed",
        data={"referral": referral.pk, "certificate": referral.certificate_number},
    )
    return referral


@transaction.atomic
def end_training_referral(
    *, referral_id: int, acting_user: User, outcome: str, note: str = ""
) -> TrainingReferral:
    """The beneficiary declined the referral or dropped out of the programme."""
    referral = _lock_referral(referral_id, acting_user)
    if outcome not in (TrainingReferral.State.DECLINED, TrainingReferral.State.DROPPED):
        raise ApplicationError(gettext("Choose declined or dropped out."), field="outcome")
    _move(referral, outcome)
    referral.save(update_fields=["state", "updated_at"])
    record_event(
        referral.claim,
        actor=acting_user,
        action=f"training_{outcome}",
        note=note,
        data={"referral": referral.pk},
    )
    return referral


@transaction.atomic
def accept_training_referral(*, referral_id: int, acting_user: User) -> TrainingReferral:
    """The worker accepts the training offered to them, from the portal (referred -> accepted).

    Only the worker whose claim it is may accept, and only while the benefit runs: staff
    record enrolment, attendance and the end of a referral, but the acceptance is the
    worker's own word. Raises PermissionDeniedError for anyone else, ApplicationError when
    the referral is no longer an open offer.
    """
    referral = (
        TrainingReferral.objects.select_for_update(of=("self",))
        .select_related("claim__participant", "program__provider")
        .get(pk=referral_id)
    )
    claim = referral.claim
    if not (acting_user.is_active and is_owner(acting_user, claim)):
        raise PermissionDeniedError(gettext("Only the worker can accept this training."))
    if claim.state not in ClaimState.RUNNING:
        raise ApplicationError(
            gettext("This claim has no running benefit (it is %(state)s).")
            % {"state": claim.get_state_display()},
            code="wrong_state",
        )
    if referral.state != TrainingReferral.State.REFERRED:
        raise ApplicationError(
            gettext("This training offer is %(state)s; it can no longer be accepted.")
            % {"state": referral.get_state_display()},
            code="wrong_state",
        )
    referral.state = TrainingReferral.State.ACCEPTED
    referral.save(update_fields=["state", "updated_at"])
    record_event(
        claim,
        actor=acting_user,
        action="training_accepted",
        data={
            "referral": referral.pk,
            "program": referral.program.title,
            "provider": referral.program.provider.name,
        },
    )
    return referral
