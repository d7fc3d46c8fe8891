"""The one transition table of the claim workflow, and the only code that assigns Claim.state.

Each row says which state a claim may move to from which state, who may move it (any of a set
of permissions, the worker who owns the claim, or the system) and whether a coded reason is
mandatory. ``apply_transition`` checks a move against the table, saves the new state, writes the
append-only ``CaseEvent`` and queues the notifications for after the commit. Callers (the
services) hold the claim's row lock inside ``transaction.atomic``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from claims import delivery
from claims.models import CaseEvent, Claim, ClaimState, Decision
from claims.notifications import worker_hears_of
from claims.vocabulary import RejectReason, ReturnReason, StopReason, WithdrawReason
from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.scoping import covers_branch

if TYPE_CHECKING:
    from jkp_site.core.models import User

S = ClaimState


class InvalidTransition(ApplicationError):  # noqa: N818 (name fixed by the shared API)
    """The table does not allow this move, for this actor, from the claim's current state."""

    def __init__(self, message: str, *, code: str = "invalid_transition"):
        super().__init__(message, code=code)


# --- The table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``perms``: any one suffices. ``owner``: the worker whose claim it is.
    ``system``: allowed with no actor (scheduled tasks). ``reasons``: mandatory coded reason."""

    source: str
    target: str
    action: str
    perms: tuple[str, ...] = ()
    owner: bool = False
    system: bool = False
    reasons: type[models.TextChoices] | None = None

    @property
    def reason_required(self) -> bool:
        return self.reasons is not None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SUBMITTED, "submit", perms=(ClaimPerm.INTAKE,), owner=True),
    Transition(
        S.DRAFT,
        S.WITHDRAWN,
        "withdraw",
        perms=(ClaimPerm.INTAKE,),
        owner=True,
        reasons=WithdrawReason,
    ),
    Transition(
        S.SUBMITTED,
        S.WITHDRAWN,
        "withdraw",
        perms=(ClaimPerm.INTAKE,),
        owner=True,
        reasons=WithdrawReason,
    ),
    Transition(S.SUBMITTED, S.VERIFYING, "start_verification", perms=(ClaimPerm.VERIFY,)),
    Transition(S.VERIFYING, S.DRAFT, "return", perms=(ClaimPerm.VERIFY,), reasons=ReturnReason),
    Transition(S.VERIFYING, S.ELIGIBILITY_CHECKED, "run_eligibility", perms=(ClaimPerm.VERIFY,)),
    Transition(
        S.ELIGIBILITY_CHECKED, S.AWAITING_APPROVAL, "recommend", perms=(ClaimPerm.RECOMMEND,)
    ),
    Transition(
        S.AWAITING_APPROVAL, S.VERIFYING, "return", perms=(ClaimPerm.DECIDE,), reasons=ReturnReason
    ),
    Transition(S.AWAITING_APPROVAL, S.APPROVED, "approve", perms=(ClaimPerm.DECIDE,)),
    Transition(
        S.AWAITING_APPROVAL, S.REJECTED, "reject", perms=(ClaimPerm.DECIDE,), reasons=RejectReason
    ),
    Transition(S.REJECTED, S.APPEALED, "appeal", perms=(ClaimPerm.INTAKE,), owner=True),
    Transition(S.APPEALED, S.AWAITING_APPROVAL, "reopen", perms=(ClaimPerm.DECIDE,)),
    Transition(
        S.APPROVED,
        S.BENEFIT_ACTIVE,
        "activate_benefit",
        perms=(ClaimPerm.VERIFY, ClaimPerm.DECIDE),
        system=True,
    ),
    Transition(
        S.APPROVED,
        S.STOPPED,
        "stop_benefit",
        perms=(ClaimPerm.STOP_BENEFIT,),
        system=True,
        reasons=StopReason,
    ),
    Transition(
        S.BENEFIT_ACTIVE,
        S.STOPPED,
        "stop_benefit",
        perms=(ClaimPerm.STOP_BENEFIT,),
        system=True,
        reasons=StopReason,
    ),
    Transition(
        S.BENEFIT_ACTIVE,
        S.COMPLETED,
        "complete_benefit",
        perms=(ClaimPerm.STOP_BENEFIT,),
        system=True,
    ),
)

_BY_EDGE: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in TRANSITIONS}


def allowed_targets(state: str) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == state]


def get_transition(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((source, target))


def in_claim_branch(user: User, claim: Claim) -> bool:
    """Staff act on their own branch and its sub-offices; head office on every branch."""
    return covers_branch(user, claim.branch)


def is_owner(user: User, claim: Claim) -> bool:
    return user.is_authenticated and claim.participant.user_id == user.pk


def actor_may(transition: Transition, claim: Claim, actor: User | None) -> bool:
    """Whether ``actor`` (None: the system) may make this move on this claim."""
    if actor is None:
        return transition.system
    if not actor.is_active:
        return False
    if transition.owner and is_owner(actor, claim):
        return True
    return any(actor.has_perm(perm) for perm in transition.perms) and in_claim_branch(actor, claim)


def check_transition(
    claim: Claim, *, to: str, actor: User | None, reason_code: str = ""
) -> Transition:
    """The table's row for this move, or ``InvalidTransition`` saying why it is refused."""
    transition = get_transition(claim.state, to)
    if transition is None:
        raise InvalidTransition(
            gettext(
                "This claim is now %(state)s: it cannot be moved to %(target)s. "
                "Someone else may have acted on it first; reload the page."
            )
            % {"state": claim.get_state_display(), "target": S(to).label},
            code="wrong_state",
        )
    if not actor_may(transition, claim, actor):
        raise InvalidTransition(
            gettext("You are not allowed to move this claim to %(target)s.")
            % {"target": S(to).label},
            code="forbidden",
        )
    if transition.reasons is not None and reason_code not in transition.reasons.values:
        raise InvalidTransition(gettext("Choose a reason from the list."), code="reason_required")
    return transition


def apply_transition(
    claim: Claim,
    *,
    to: str,
    actor: User | None,
    action: str,
    reason_code: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Move ``claim`` to ``to`` and write its CaseEvent; notifications go out after the commit.

    The caller holds the row lock (``select_for_update``) inside ``transaction.atomic`` and has
    already checked its own preconditions. Raises ``InvalidTransition`` when the table refuses.
    """
    check_transition(claim, to=to, actor=actor, reason_code=reason_code)
    source = claim.state
    claim.state = to
    claim.state_changed_at = timezone.now()
    claim.save(update_fields=["state", "state_changed_at", "updated_at"])
    event = CaseEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_state=source,
        to_state=to,
        reason_code=reason_code,
        note=note,
        data=data or {},
    )
    _owe_notification(event)
    return event


def _owe_notification(event: CaseEvent) -> None:
    """The worker's e-mail about ``event``, recorded and owed in the same transaction."""
    if worker_hears_of(event):
        delivery.owe(event)


def record_event(
    claim: Claim,
    *,
    actor: User | None,
    action: str,
    reason_code: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An audited action that leaves the state as it is (document checked, reassigned...).

    If the worker should hear of it (``claims.notifications``), the e-mail is owed too.
    """
    event = CaseEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_state=claim.state,
        to_state=claim.state,
        reason_code=reason_code,
        note=note,
        data=data or {},
    )
    _owe_notification(event)
    return event


# --- Rules beyond the table: four eyes, the one appeal, and what a user may do -------------


def decider_conflict(claim: Claim, user: User) -> PermissionDeniedError | None:
    """Why ``user`` may not decide ``claim`` though the table lets a supervisor decide, or None.

    Four eyes: the decider is neither the verifier nor the recommender; after an appeal, not
    the supervisor who rejected the claim either.
    """
    if user.pk in (claim.recommended_by_id, claim.verified_by_id):
        return PermissionDeniedError(
            gettext(
                "Four eyes: you verified or recommended this claim, so another supervisor "
                "must decide it."
            ),
            code="four_eyes",
        )
    if claim.appeal_count and (
        claim.decisions.filter(outcome=Decision.Outcome.REJECT, decided_by=user).exists()
    ):
        return PermissionDeniedError(
            gettext("You rejected this claim before; its appeal goes to another supervisor."),
            code="appeal_decider",
        )
    return None


def check_decider(claim: Claim, user: User) -> None:
    """Raise ``PermissionDeniedError`` when ``decider_conflict`` finds one."""
    if (conflict := decider_conflict(claim, user)) is not None:
        raise conflict


def check_appeal(claim: Claim) -> None:
    """A rejected claim may be appealed once (``claims.models.MAX_APPEALS``)."""
    if not claim.may_still_appeal:
        raise ApplicationError(gettext("A claim can be appealed only once."), code="appealed")


def _may(claim: Claim, user: User, target: str) -> bool:
    transition = get_transition(claim.state, target)
    return transition is not None and actor_may(transition, claim, user)


def available_actions(claim: Claim, user: User) -> dict[str, bool]:
    """What ``user`` may do on ``claim`` now: the one answer every screen shows and every
    service enforces (the table, the branch, four eyes, the one appeal).

    ``four_eyes_conflict`` is not an action: it says the user would decide but must not, so
    the screen can tell them why the buttons are missing.
    """
    staff_here = user.is_active and in_claim_branch(user, claim)
    intake = user.has_perm(ClaimPerm.INTAKE)
    verify = user.has_perm(ClaimPerm.VERIFY)
    would_decide = _may(claim, user, S.APPROVED)
    conflict = would_decide and decider_conflict(claim, user) is not None
    return {
        "edit": claim.state == S.DRAFT and intake and staff_here,
        "upload": claim.state in S.DOCUMENTS_OPEN and (intake or verify) and staff_here,
        "check_documents": claim.state == S.VERIFYING and verify and staff_here,
        "submit": _may(claim, user, S.SUBMITTED),
        "withdraw": _may(claim, user, S.WITHDRAWN),
        "start_verification": claim.state == S.SUBMITTED and _may(claim, user, S.VERIFYING),
        "run_eligibility": claim.state in S.ELIGIBILITY_RUNNABLE and verify and staff_here,
        "recommend": claim.state == S.ELIGIBILITY_CHECKED
        and _may(claim, user, S.AWAITING_APPROVAL),
        "decide": would_decide and not conflict,
        "four_eyes_conflict": conflict,
        "return": (claim.state == S.VERIFYING and _may(claim, user, S.DRAFT))
        or (claim.state == S.AWAITING_APPROVAL and _may(claim, user, S.VERIFYING)),
        "appeal": _may(claim, user, S.APPEALED) and claim.may_still_appeal,
        "reopen": claim.state == S.APPEALED and _may(claim, user, S.AWAITING_APPROVAL),
        "stop": _may(claim, user, S.STOPPED),
        "reassign": user.has_perm(ClaimPerm.REASSIGN)
        and staff_here
        and claim.state not in S.TERMINAL,
    }
