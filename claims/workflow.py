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

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from claims.models import CaseEvent, Claim, ClaimState
from claims.tasks import notify_case_event_task
from claims.vocabulary import RejectReason, ReturnReason, StopReason, WithdrawReason
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.scoping import sees_every_branch

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

# States in which nothing more happens to a case.
TERMINAL_STATES = frozenset({S.COMPLETED, S.STOPPED, S.WITHDRAWN})
# States in which the case waits on branch staff (the queues and the service-level clocks).
OPEN_STATES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.VERIFYING, S.ELIGIBILITY_CHECKED, S.AWAITING_APPROVAL, S.APPEALED}
)


def allowed_targets(state: str) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == state]


def get_transition(source: str, target: str) -> Transition | None:
    return _BY_EDGE.get((source, target))


def in_claim_branch(user: User, claim: Claim) -> bool:
    """Staff act on their own branch and its sub-offices; head office on every branch."""
    if sees_every_branch(user):
        return True
    if user.branch_id is None:
        return False
    return user.branch_id in (claim.branch_id, claim.branch.parent_id)


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
    transaction.on_commit(lambda: notify_case_event_task.delay(event.pk))
    return event


def record_event(
    claim: Claim,
    *,
    actor: User | None,
    action: str,
    reason_code: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An audited action that leaves the state as it is (document checked, reassigned...)."""
    return CaseEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_state=claim.state,
        to_state=claim.state,
        reason_code=reason_code,
        note=note,
        data=data or {},
    )
