"""Which branches a staff member sees: one rule for every screen, selector, admin page, API
client and export.

Staff see their branch and its sub-offices (KCP); head office (``claims.view_all_branches``)
and superusers see every branch; a user with no branch sees none. An integration client
limited to a branch sees the same set as that branch's staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from jkp_site.core.models import KantorCabang
from jkp_site.core.permissions import ClaimPerm

if TYPE_CHECKING:
    from jkp_site.core.models import User


def sees_every_branch(user: User) -> bool:
    return user.is_superuser or user.has_perm(ClaimPerm.VIEW_ALL_BRANCHES)


def branches_under(branch_id: int) -> QuerySet[KantorCabang, int]:
    """The branch and its sub-offices, as a subquery (no query of its own)."""
    return KantorCabang.objects.filter(Q(pk=branch_id) | Q(parent_id=branch_id)).values_list(
        "pk", flat=True
    )


def branch_q(branch_id: int, prefix: str = "") -> Q:
    """Rows of ``branch_id`` and its sub-offices, on a path ending at a model with a
    ``branch``. ``branch_id IN (subquery)`` rather than an OR across a join, so the index
    on the branch column serves it."""
    return Q(**{f"{prefix}branch_id__in": branches_under(branch_id)})


def branch_scope_q(user: User, prefix: str = "") -> Q | None:
    """The branch filter for ``user`` (None: every branch), on a path ending at a model with a
    ``branch`` (a Claim, an Employer...): ``prefix`` is the lookup path to that model."""
    if sees_every_branch(user):
        return None
    if user.branch_id is None:
        return Q(pk__in=[])
    return branch_q(user.branch_id, prefix)


def covers_branch(user: User, branch: KantorCabang) -> bool:
    """The same rule for one object already in hand: ``branch_scope_q`` without a query."""
    if sees_every_branch(user):
        return True
    if user.branch_id is None:
        return False
    return user.branch_id in (branch.pk, branch.parent_id)
