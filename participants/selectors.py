"""Reads about participants. Lookups by NIK go through the blind index."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from jkp_site.core.scoping import branch_scope_q
from participants.models import ContributionMonth, Employment, Participant

if TYPE_CHECKING:
    from jkp_site.core.models import User


def participants_visible_to(user: User) -> QuerySet[Participant]:
    """Participants employed at an employer of the user's branch scope (every one for head
    office): the staff screens' and the admin's one rule."""
    scope = branch_scope_q(user, prefix="employer__")
    if scope is None:
        return Participant.objects.all()
    employed = Employment.objects.filter(scope, participant_id=OuterRef("pk"))
    return Participant.objects.filter(Exists(employed))


def participant_by_nik(nik: str) -> Participant | None:
    return Participant.objects.filter(nik_index=Participant.index_for(nik)).first()


def search_participants(query: str, *, base: QuerySet[Participant] | None = None):
    """A 16-digit query is a NIK (exact, via the index); anything else searches names and KPJ."""
    qs = base if base is not None else Participant.objects.all()
    query = query.strip()
    digits = "".join(query.split())
    if digits.isdigit() and len(digits) == 16:
        return qs.filter(nik_index=Participant.index_for(digits))
    if digits.isdigit() and len(digits) == 11:
        return qs.filter(kpj_number=digits)
    return qs.filter(name__icontains=query)


def contribution_months(
    participant_id: int, *, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[ContributionMonth]:
    qs = ContributionMonth.objects.filter(participant_id=participant_id)
    if start:
        qs = qs.filter(period__gte=start)
    if end:
        qs = qs.filter(period__lte=end)
    return qs.order_by("period")
