"""Reads for labour-market information and training, scoped through the claims selector.

An activity or referral is visible exactly when its claim is (claims.selectors), so a guessed
URL of another branch answers 404 like the claim itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from claims.models import CashInstalment, Claim, ClaimState
from claims.selectors import claims_visible_to
from training.models import (
    JobSeekingActivity,
    TrainingAttendance,
    TrainingProgram,
    TrainingProvider,
    TrainingReferral,
)

if TYPE_CHECKING:
    from jkp_site.core.models import User


def benefit_claims_visible_to(user: User) -> QuerySet[Claim]:
    """Claims with a benefit (approved and after) the user may see, newest decision first."""
    return (
        claims_visible_to(user)
        .filter(state__in=ClaimState.BENEFIT)
        .order_by("-decision_date", "-pk")
    )


def get_benefit_claim_for_user(*, user: User, pk: int) -> Claim:
    return get_object_or_404(benefit_claims_visible_to(user), pk=pk)


def _count(model, **filters) -> Coalesce:
    """A correlated COUNT per claim (no join fan-out between activities and instalments)."""
    rows = (
        model.objects.filter(claim=OuterRef("pk"), **filters)
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def caseload(*, user: User, state: str = "") -> QuerySet[Claim]:
    """The counsellor's and officer's list, with activity and paid-month counts."""
    qs = benefit_claims_visible_to(user)
    if state in ClaimState.BENEFIT:
        qs = qs.filter(state=state)
    return qs.annotate(
        activity_count=_count(JobSeekingActivity),
        paid_count=_count(CashInstalment, status=CashInstalment.Status.PAID),
    )


def referrals_prefetch() -> Prefetch:
    return Prefetch(
        "training_referrals",
        queryset=TrainingReferral.objects.select_related("program__provider")
        .prefetch_related(
            Prefetch("attendance", queryset=TrainingAttendance.objects.order_by("period"))
        )
        .order_by("-created_at"),
    )


def benefit_detail(*, user: User, pk: int) -> Claim:
    """A visible benefit claim with its three tracks, in a fixed number of queries."""
    qs = benefit_claims_visible_to(user).prefetch_related(
        Prefetch("instalments", queryset=CashInstalment.objects.order_by("month")),
        Prefetch(
            "activities",
            queryset=JobSeekingActivity.objects.select_related("recorded_by").order_by(
                "-occurred_on", "-pk"
            ),
        ),
        referrals_prefetch(),
    )
    return get_object_or_404(qs, pk=pk)


def activities_visible_to(user: User) -> QuerySet[JobSeekingActivity]:
    return JobSeekingActivity.objects.filter(claim__in=claims_visible_to(user).values("pk"))


def get_activity_for_user(*, user: User, pk: int) -> JobSeekingActivity:
    return get_object_or_404(activities_visible_to(user).select_related("claim"), pk=pk)


def referrals_visible_to(user: User) -> QuerySet[TrainingReferral]:
    return TrainingReferral.objects.filter(claim__in=claims_visible_to(user).values("pk"))


def get_referral_for_user(*, user: User, pk: int) -> TrainingReferral:
    return get_object_or_404(
        referrals_visible_to(user).select_related("claim", "program__provider"), pk=pk
    )


def list_providers() -> QuerySet[TrainingProvider]:
    """Providers with their programmes and the training cost recorded for BPJS to pay.

    The catalogue is national (not branch-scoped); the cost totals count every branch.
    """
    return (
        TrainingProvider.objects.select_related("region")
        .annotate(
            program_count=Count("programs", distinct=True),
            enrolled_cost=Sum(
                "programs__referrals__cost",
                filter=Q(
                    programs__referrals__state__in=[
                        TrainingReferral.State.ENROLLED,
                        TrainingReferral.State.COMPLETED,
                        TrainingReferral.State.DROPPED,
                    ]
                ),
            ),
        )
        .order_by("name")
    )


def list_programs() -> QuerySet[TrainingProgram]:
    return TrainingProgram.objects.select_related("provider__region").order_by("title")


# How near a programme is held to the claim's branch: its city, its region, elsewhere.
SAME_CITY, SAME_REGION, ELSEWHERE = 0, 1, 2


def programs_near(claim: Claim, *, everywhere: bool = False) -> QuerySet[TrainingProgram]:
    """The programmes to offer the claim's worker, nearest first: held in the city of the
    claim's branch, then in its region (the branch's Kanwil), then (``everywhere``) the rest.
    Each carries ``nearness``. The worker's own address is free text; the branch is where the
    worker's employer is, so it stands for the worker's area."""
    branch = claim.branch
    whens = [When(provider__region_id=branch.kanwil_id, then=Value(SAME_REGION))]
    if branch.city:
        whens.insert(0, When(provider__city__iexact=branch.city, then=Value(SAME_CITY)))
    nearness = Case(*whens, default=Value(ELSEWHERE), output_field=IntegerField())
    programs = list_programs().annotate(nearness=nearness)
    if not everywhere:
        programs = programs.filter(nearness__lt=ELSEWHERE)
    return programs.order_by("nearness", "title", "pk")
