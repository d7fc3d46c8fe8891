from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jkp_site.core.scoping import branch_scope_q
from participants.models import (
    ContributionMonth,
    Employer,
    Employment,
    Participant,
    ProgramEnrollment,
)


class BranchScopedAdmin(admin.ModelAdmin):
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


@admin.register(Participant)
class ParticipantAdmin(BranchScopedAdmin):
    branch_prefix = "employments__employer__"

    list_display = ["name", "masked_nik", "kpj_number", "birth_date", "gender", "citizen"]
    list_filter = ["gender", "citizen"]
    search_fields = ["name", "kpj_number"]
    readonly_fields = ["created_at", "updated_at"]
    exclude = ["user"]
    inlines = [EmploymentInline, EnrollmentInline]

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Participant) -> str:
        return obj.nik_masked

    def get_search_results(self, request, queryset, search_term):
        digits = "".join(search_term.split())
        if digits.isdigit() and len(digits) == 16:
            return queryset.filter(nik_index=Participant.index_for(digits)), False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        # A worker employed twice at the branch's employers would otherwise be listed twice.
        return super().get_queryset(request).distinct()


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
