"""Which branches a staff member sees: one rule for every screen, selector and admin page.

Staff see their branch and its sub-offices (KCP); head office (``claims.view_all_branches``)
and superusers see every branch; a user with no branch sees none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from jkp_site.core.permissions import ClaimPerm

if TYPE_CHECKING:
    from jkp_site.core.models import User


def sees_every_branch(user: User) -> bool:
    return user.is_superuser or user.has_perm(ClaimPerm.VIEW_ALL_BRANCHES)


def branch_scope_q(user: User, prefix: str = "") -> Q | None:
    """The branch filter for ``user`` (None: every branch), on a path ending at a model with a
    ``branch`` (a Claim, an Employer...): ``prefix`` is the lookup path to that model."""
    if sees_every_branch(user):
        return None
    if user.branch_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}branch_id": user.branch_id}) | Q(
        **{f"{prefix}branch__parent_id": user.branch_id}
    )
