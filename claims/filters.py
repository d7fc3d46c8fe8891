"""The queue filters (django-filter): state, reason, officer, PHK dates, overdue, search, sort."""

from __future__ import annotations

from typing import cast

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q, Value
from django.utils.translation import gettext_lazy as _

from claims.clocks import overdue_q
from claims.models import Claim, ClaimState, TerminationReason
from jkp_site.core.roles import Role
from jkp_site.core.scoping import branch_q
from participants.models import Participant

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
# A search matching at most this many people (or claim numbers) is read by their keys.
SEARCH_KEYS = 1000


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Claim number, KPJ or name"), method="filter_search", max_length=100
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=ClaimState.choices)
    reason = django_filters.ChoiceFilter(
        label=_("PHK reason"), field_name="termination__reason", choices=TerminationReason.choices
    )
    officer = django_filters.ModelChoiceFilter(
        label=_("Officer"), field_name="assigned_officer", queryset=None
    )
    mine = django_filters.BooleanFilter(
        label=_("Only my claims"), method="filter_mine", widget=forms.CheckboxInput
    )
    phk_from = django_filters.DateFilter(
        label=_("PHK from"),
        field_name="termination__phk_date",
        lookup_expr="gte",
        widget=DATE_INPUT,
    )
    phk_to = django_filters.DateFilter(
        label=_("PHK until"),
        field_name="termination__phk_date",
        lookup_expr="lte",
        widget=DATE_INPUT,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Only overdue"), method="filter_overdue", widget=forms.CheckboxInput
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("state_changed_at", "waiting"),
            ("termination__phk_date", "phk_date"),
            ("claim_date", "claim_date"),
            ("number", "number"),
        ),
        # django-filter looks an ascending label up by the model field, a descending one by
        # "-" and the parameter.
        field_labels={
            "state_changed_at": _("Waiting longest"),
            "-waiting": _("Waiting shortest"),
            "termination__phk_date": _("PHK date (oldest)"),
            "-phk_date": _("PHK date (newest)"),
            "claim_date": _("Claim date (oldest)"),
            "-claim_date": _("Claim date (newest)"),
            "number": _("Claim number"),
            "-number": _("Claim number (descending)"),
        },
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        from jkp_site.core.models import User

        officers = User.objects.filter(groups__name=Role.PETUGAS.value, is_active=True)
        if user.branch_id is not None:
            officers = officers.filter(branch_q(user.branch_id))
        officer_filter = cast(django_filters.ModelChoiceFilter, self.filters["officer"])
        officer_filter.queryset = officers.distinct().order_by("first_name", "username")

    @property
    def order_name(self) -> str | None:
        """The chosen order ("number", "-waiting"...), or None for the default; the page
        applies it with its keyset (claims.keyset), not this filter's order_by."""
        chosen = self.form.cleaned_data.get("ordering") if self.is_valid() else None
        return chosen[0] if chosen else None

    @property
    def narrows(self) -> bool:
        """Whether any filter beyond the state is applied (then the page counts its rows)."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return any(data.get(name) for name in self.filters if name not in ("state", "ordering"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        digits = "".join(value.split())
        if digits.isdigit() and len(digits) == 16:
            # A NIK is looked up by POST (claims:find_by_nik), never from the address bar.
            return queryset.none()
        # Each alternative is served by an index: the claim number by its prefix, the KPJ
        # number exactly, the name by the trigram index on PostgreSQL (claims.0008). The
        # participants are found apart from the claims, so no OR spans the two tables.
        people = Participant.objects.filter(Q(name__icontains=value) | Q(kpj_number=digits))
        numbered = Claim.objects.filter(number__startswith=value.upper())
        if not connection.features.supports_slicing_ordering_in_compound:
            return queryset.filter(
                Q(pk__in=numbered.values("pk")) | Q(participant_id__in=people.values("pk"))
            )
        # A narrow search (the usual: one person) is resolved to its keys first, in one
        # query, so the page reads those rows by key; a broad one stays a subquery, which the
        # queue's order index meets soon enough.
        found = (
            people.annotate(kind=Value("p"))
            .values_list("kind", "pk")[: SEARCH_KEYS + 1]
            .union(
                numbered.annotate(kind=Value("c")).values_list("kind", "pk")[: SEARCH_KEYS + 1],
                all=True,
            )
        )
        keys: dict[str, list[int]] = {"p": [], "c": []}
        for kind, pk in found:
            keys[kind].append(pk)
        by_person = (
            Q(participant_id__in=keys["p"])
            if len(keys["p"]) <= SEARCH_KEYS
            else Q(participant_id__in=people.values("pk"))
        )
        by_number = (
            Q(pk__in=keys["c"])
            if len(keys["c"]) <= SEARCH_KEYS
            else Q(number__startswith=value.upper())
        )
        return queryset.filter(by_person | by_number)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_officer=self.user) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset
