"""The queue filters (django-filter): state, reason, officer, PHK dates, overdue, search, sort."""

from __future__ import annotations

from typing import cast

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.clocks import overdue_q
from claims.models import Claim, ClaimState, TerminationReason
from jkp_site.core.roles import Role
from jkp_site.core.scoping import branch_q

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


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
        field_labels={
            "waiting": _("Waiting longest"),
            "-waiting": _("Waiting shortest"),
            "phk_date": _("PHK date (oldest)"),
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
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("state_changed_at", "pk")
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        digits = "".join(value.split())
        if digits.isdigit() and len(digits) == 16:
            # A NIK is looked up by POST (claims:find_by_nik), never from the address bar.
            return queryset.none()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(participant__name__icontains=value)
            | Q(participant__kpj_number=digits)
        )

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_officer=self.user) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset
