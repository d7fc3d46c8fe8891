from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jkp_site.core.admin_scope import OutOfScopeIs404
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.scoping import branch_scope_q
from participants.models import (
    ContributionMonth,
    Employer,
    Employment,
    Participant,
    PersonalDataReveal,
    ProgramEnrollment,
)
from participants.selectors import participants_visible_to
from participants.services import reveal_personal_data


class BranchScopedAdmin(OutOfScopeIs404, admin.ModelAdmin):
    """Supervisors see their branch and its sub-offices; head office and superusers see all.

    ``branch_prefix`` is the lookup path to the model that carries the branch (the employer).
    """

    branch_prefix = ""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = branch_scope_q(request.user, prefix=self.branch_prefix)
        return qs if scope is None else qs.filter(scope)


@admin.register(Employer)
class EmployerAdmin(BranchScopedAdmin):
    list_display = ["npp", "name", "size_class", "branch", "arrears_months", "bankrupt_or_closed"]
    list_filter = ["size_class", "branch", "bankrupt_or_closed"]
    search_fields = ["npp", "name"]
    list_select_related = ["branch"]


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    autocomplete_fields = ["employer"]


class EnrollmentInline(admin.TabularInline):
    model = ProgramEnrollment
    extra = 0


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Show the whole"), choices=PersonalDataReveal.Field.choices)
    reason = forms.CharField(
        label=_("Why you need it"),
        max_length=255,
        help_text=_("Recorded with your name and the time; your supervisor can read it."),
    )


@admin.register(Participant)
class ParticipantAdmin(OutOfScopeIs404, admin.ModelAdmin):
    """Masked by default (UU PDP 27/2022): the whole NIK or account number is shown only on
    "show", which records who asked, when and why (``PersonalDataReveal``)."""

    list_display = ["name", "masked_nik", "kpj_number", "birth_date", "gender", "citizen"]
    list_filter = ["gender", "citizen"]
    search_fields = ["name", "kpj_number"]
    exclude = ["user", "nik", "bank_account"]
    readonly_fields = ["masked_nik", "masked_account", "reveal", "created_at", "updated_at"]
    inlines = [EmploymentInline, EnrollmentInline]

    def get_queryset(self, request):
        # The same rule as the staff screens; a subquery, so nobody is listed twice.
        qs = super().get_queryset(request)
        return qs.filter(pk__in=participants_visible_to(request.user).values("pk"))

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Participant) -> str:
        return obj.nik_masked

    @admin.display(description=_("bank account number"))
    def masked_account(self, obj: Participant) -> str:
        return obj.bank_account_masked

    @admin.display(description=_("whole number"))
    def reveal(self, obj: Participant) -> str:
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:participants_participant_reveal", args=[obj.pk]),
            _("Show (recorded)"),
        )

    search_help_text = _("Name or KPJ number (never a NIK: the search travels in the address).")

    def get_search_results(self, request, queryset, search_term):
        digits = "".join(search_term.split())
        if digits.isdigit() and len(digits) == 16:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="participants_participant_reveal",
            )
        ]
        return urls + super().get_urls()

    def reveal_view(self, request, pk: int):
        participant = get_object_or_404(self.get_queryset(request), pk=pk)
        form = RevealForm(request.POST or None)
        shown = None
        if request.method == "POST" and form.is_valid():
            try:
                shown = reveal_personal_data(
                    participant_id=participant.pk, acting_user=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
        response = render(
            request,
            "admin/participants/reveal.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Show a whole number"),
                "participant": participant,
                "form": form,
                "shown": shown,
                "shown_field": form.cleaned_data.get("field") if shown is not None else "",
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(OutOfScopeIs404, admin.ModelAdmin):
    """Supervisors read who was shown whole numbers at their branch; nobody edits the log."""

    list_display = ["revealed_at", "participant", "field", "revealed_to", "reason"]
    list_filter = ["field"]
    list_select_related = ["participant", "revealed_to"]
    date_hierarchy = "revealed_at"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = branch_scope_q(request.user, prefix="revealed_to__")
        return qs if scope is None else qs.filter(scope)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContributionMonth)
class ContributionMonthAdmin(BranchScopedAdmin):
    branch_prefix = "employer__"

    list_display = ["participant", "employer", "period", "wage", "paid_on"]
    list_filter = [("period", admin.DateFieldListFilter)]
    search_fields = ["employer__npp", "participant__kpj_number"]
    list_select_related = ["participant", "employer"]
    raw_id_fields = ["participant", "employer"]
    date_hierarchy = "period"
    show_full_result_count = False
