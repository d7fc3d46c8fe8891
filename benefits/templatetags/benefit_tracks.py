"""The three benefit tracks of a claim side by side, in a fixed number of queries."""

from django import template
from django.db.models import Count, Prefetch

from claims.models import CashInstalment, ClaimState, InstalmentStatus
from jkp_site.core.permissions import TrainingPerm
from training.models import JobSeekingActivity, TrainingAttendance, TrainingReferral

register = template.Library()

_BADGES: dict[str, str] = {
    InstalmentStatus.SCHEDULED: "secondary",
    InstalmentStatus.PAYABLE: "info",
    InstalmentStatus.IN_BATCH: "primary",
    InstalmentStatus.PAID: "success",
    InstalmentStatus.NOT_PAID: "warning",
    InstalmentStatus.REJECTED: "danger",
    InstalmentStatus.CANCELLED: "dark",
}


@register.filter
def instalment_badge(status: str) -> str:
    return _BADGES.get(status, "secondary")


@register.inclusion_tag("training/includes/benefit_tracks.html", takes_context=True)
def benefit_tracks(context, claim):
    """Cash instalments, labour-market information and training of ``claim``.

    Four queries whatever the claim holds: instalments, activity counts grouped by kind and
    status, referrals (with programme and provider), their attendance.
    """
    instalments = list(CashInstalment.objects.filter(claim=claim).order_by("month"))
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in JobSeekingActivity.objects.filter(claim=claim)
        .order_by()
        .values("kind", "status")
        .annotate(n=Count("pk"))
    }
    kinds = []
    for kind in JobSeekingActivity.Kind:
        done = counts.get((kind.value, JobSeekingActivity.Status.DONE), 0)
        scheduled = counts.get((kind.value, JobSeekingActivity.Status.SCHEDULED), 0)
        no_show = counts.get((kind.value, JobSeekingActivity.Status.NO_SHOW), 0)
        kinds.append(
            {"label": kind.label, "done": done, "scheduled": scheduled, "no_show": no_show}
        )
    referrals = list(
        TrainingReferral.objects.filter(claim=claim)
        .select_related("program__provider")
        .prefetch_related(
            Prefetch("attendance", queryset=TrainingAttendance.objects.order_by("period"))
        )
        .order_by("-created_at")
    )
    totals = {"paid": 0, "total": 0}
    for instalment in instalments:
        totals["total"] += instalment.amount
        if instalment.status == InstalmentStatus.PAID:
            totals["paid"] += instalment.amount
    user = context.get("user")
    can_manage = (
        user is not None
        and user.has_perm(TrainingPerm.MANAGE_ACTIVITY)
        and claim.state in ClaimState.BENEFIT
    )
    return {
        "claim": claim,
        "instalments": instalments,
        "totals": totals,
        "kinds": kinds,
        "referrals": referrals,
        "can_manage": can_manage,
    }
