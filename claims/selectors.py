"""Reads of claims. Visibility is decided here, once: what a user may not see answers 404.

Staff see their branch and its sub-offices; head office (``claims.view_all_branches``) and
superusers see every branch; a worker sees their own claims; anyone else sees nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from claims.filters import ClaimFilter
from claims.models import (
    BankAccountChange,
    CaseEvent,
    CashInstalment,
    Claim,
    ClaimState,
    ClaimStateCount,
    Decision,
    Document,
    EligibilityResult,
    IdentityFlag,
    InstalmentStatus,
)
from claims.rules import NoRuleVersionError, ScenarioError, evaluate, parse_scenario
from claims.services import build_scenario
from jkp_site.core.permissions import ClaimPerm
from jkp_site.core.scoping import branch_scope_q, branches_under, sees_every_branch
from participants.models import Participant

if TYPE_CHECKING:
    from jkp_site.core.models import User

# Counts on the queue beyond which the page says "more than" instead of counting on.
COUNT_LIMIT = 1000
BRANCH_LIST_SECONDS = 60


def claims_visible_to(user: User) -> QuerySet[Claim]:
    qs = Claim.objects.select_related(
        "participant", "branch", "termination__employer", "assigned_officer"
    )
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_perm(ClaimPerm.VIEW):
        scope = branch_scope_q(user)
        return qs if scope is None else qs.filter(scope)
    return qs.filter(participant__user=user)


def claims_with_nik(*, user: User, nik: str) -> QuerySet[Claim]:
    """The user's visible claims of the participant with this NIK (through the blind index)."""
    return claims_visible_to(user).filter(participant__nik_index=Participant.index_for(nik))


def get_claim_for_user(*, user: User, pk: int) -> Claim:
    return get_object_or_404(claims_visible_to(user), pk=pk)


def require_visible_claim(*, user: User, pk: int) -> None:
    """Http404 unless the user sees that claim, without reading the claim and what it joins:
    for an action whose service reads it under its row lock."""
    if not claims_visible_to(user).filter(pk=pk).exists():
        raise Http404


def documents_visible_to(user: User) -> QuerySet[Document]:
    """Documents of the user's visible claims whose file is still kept (claims.retention)."""
    return Document.objects.filter(
        claim__in=claims_visible_to(user).values("pk"), file_removed_at__isnull=True
    )


def get_document_for_user(*, user: User, pk: int) -> Document:
    return get_object_or_404(documents_visible_to(user).select_related("claim"), pk=pk)


def claim_queue(*, user: User, params: Any) -> ClaimFilter:
    """The work list: the user's visible claims through the queue filters (state, reason,
    officer, PHK date range, overdue, sort). ``.qs`` is the filtered queryset."""
    open_flag = IdentityFlag.objects.filter(claim_id=OuterRef("pk"), cleared_at__isnull=True)
    queryset = claims_visible_to(user).annotate(has_open_flag=Exists(open_flag))
    return ClaimFilter(params, queryset=queryset, user=user)


def queue_branch_ids(user: User) -> list[int] | None:
    """The offices a staff member's queue is limited to (None: every branch): the queue reads
    each office's claims from its own index range (claims.keyset). Kept in the cache for a
    minute; the queue's own filter is still the branch scope, so a stale list can only leave
    out, for that minute, a sub-office opened just now."""
    if sees_every_branch(user):
        return None
    if user.branch_id is None:
        return []
    key = f"claims:queue-branches:{user.branch_id}"
    found = cache.get(key)
    if found is None:
        found = sorted(branches_under(user.branch_id))
        cache.set(key, found, BRANCH_LIST_SECONDS)
    return list(found)


def state_counts(user: User) -> dict[str, int]:
    """The user's visible claims per state, every state present (0 when none), from the
    counts the database keeps per branch and state (ClaimStateCount, claims.0008): a few
    rows per office, whatever the number of claims."""
    counts = dict.fromkeys(ClaimState.values, 0)
    if not user.has_perm(ClaimPerm.VIEW):
        return counts
    rows = ClaimStateCount.objects.all()
    scope = branch_scope_q(user)
    if scope is not None:
        rows = rows.filter(scope)
    for state, n in rows.order_by().values_list("state").annotate(n=Sum("total")):
        counts[state] = n or 0
    return counts


def in_progress_count(counts: dict[str, int]) -> int:
    """Claims in progress (submitted up to the decision, ClaimState.IN_PROGRESS) among the
    per-state counts: the figure the report calls "in progress"."""
    return sum(counts.get(state, 0) for state in ClaimState.IN_PROGRESS)


def paid_instalments(start: dt.datetime, after: dt.datetime) -> QuerySet[CashInstalment]:
    """Instalments paid in [start, after): the bank confirmed the transfer then (the report's
    and the dashboard's "paid")."""
    return CashInstalment.objects.filter(
        status=InstalmentStatus.PAID, paid_at__gte=start, paid_at__lt=after
    )


def count_up_to(queryset: QuerySet[Claim]) -> int:
    """The number of rows, counted no further than COUNT_LIMIT + 1 (the page then says
    "more than COUNT_LIMIT"): a bounded read however many match."""
    return queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()


# The people a case names, read in one query after the claim: four more joins of the user
# table in the claim's own query cost PostgreSQL more to plan (about 3 ms) than to run.
CASE_PEOPLE = ("assigned_officer", "created_by", "verified_by", "recommended_by")


def claim_detail(*, user: User, pk: int) -> Claim:
    """A visible claim with everything its page shows, in a fixed number of queries."""
    qs = (
        claims_visible_to(user)
        .select_related(None)
        .select_related("participant", "branch", "termination__employer", "termination__employment")
    )
    qs = qs.prefetch_related(
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("actor").prefetch_related("notifications"),
        ),
        Prefetch(
            "documents",
            queryset=Document.objects.select_related("uploaded_by", "checked_by"),
        ),
        Prefetch("decisions", queryset=Decision.objects.select_related("decided_by")),
        Prefetch(
            "eligibility_results",
            queryset=EligibilityResult.objects.select_related("run_by").order_by("-run_at", "-id"),
        ),
        "instalments",
        Prefetch(
            "identity_flags",
            queryset=IdentityFlag.objects.filter(cleared_at__isnull=True).select_related(
                "other_participant"
            ),
            to_attr="open_flags",
        ),
        Prefetch(
            "bank_changes",
            queryset=BankAccountChange.objects.filter(
                state=BankAccountChange.State.PENDING
            ).select_related("requested_by"),
            to_attr="pending_bank_changes",
        ),
    )
    claim = get_object_or_404(qs, pk=pk)
    _attach_people(claim)
    return claim


def _attach_people(claim: Claim) -> None:
    """The claim's CASE_PEOPLE, in one query (none when the claim names nobody)."""
    from jkp_site.core.models import User

    ids = {getattr(claim, f"{field}_id") for field in CASE_PEOPLE} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for field in CASE_PEOPLE:
        person_id = getattr(claim, f"{field}_id")
        if person_id is not None:
            setattr(claim, field, people[person_id])


def get_bank_change_for_user(*, user: User, pk: int) -> BankAccountChange:
    return get_object_or_404(
        BankAccountChange.objects.select_related("claim").filter(
            claim__in=claims_visible_to(user).values("pk")
        ),
        pk=pk,
    )


def get_identity_flag_for_user(*, user: User, pk: int) -> IdentityFlag:
    return get_object_or_404(
        IdentityFlag.objects.select_related("claim").filter(
            claim__in=claims_visible_to(user).values("pk")
        ),
        pk=pk,
    )


def officers_of_branch(claim: Claim) -> QuerySet:
    """Active officers who may be given this claim (its branch or the parent branch)."""
    from jkp_site.core.models import User
    from jkp_site.core.roles import Role

    branches = [claim.branch_id]
    if claim.branch.parent_id is not None:
        branches.append(claim.branch.parent_id)
    return (
        User.objects.filter(is_active=True, groups__name=Role.PETUGAS.value, branch_id__in=branches)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# States with a frozen eligibility result and no decision yet: a re-run is still possible.
UNDECIDED_CHECKED = frozenset({"eligibility_checked", "awaiting_approval", "appealed"})


def _verdict(result: dict[str, Any]) -> tuple[Any, ...]:
    return (
        result.get("eligible"),
        result.get("rule_version"),
        tuple((check.get("code"), check.get("passed")) for check in result.get("checks", [])),
        result.get("cash_total"),
    )


def result_is_stale(claim: Claim, result: EligibilityResult | None) -> bool:
    """Whether an undecided claim's frozen result would come out differently if the check ran
    today: a ruling changed the engine, or an import changed the contribution history. Decided
    claims are never re-judged here (reassessment is its own act)."""
    if result is None or claim.state not in UNDECIDED_CHECKED:
        return False
    inputs = build_scenario(claim, on=timezone.localdate())
    try:
        fresh = evaluate(parse_scenario(inputs)).to_dict(language="id")
    except (ScenarioError, NoRuleVersionError):
        return True
    return _verdict(fresh) != _verdict(result.result)
