from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from participants.models import (
    ContributionMonth,
    Employer,
    Employment,
    Participant,
    ProgramEnrollment,
)


class BranchScopedAdmin(admin.ModelAdmin):
    """Supervisors see their own branch only; head office and superusers see all."""

    branch_path = "branch"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser or user.has_perm("claims.view_all_branches"):
            return qs
        return qs.filter(**{self.branch_path: user.branch_id})


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
class ParticipantAdmin(admin.ModelAdmin):
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
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser or user.has_perm("claims.view_all_branches"):
            return qs
        return qs.filter(employments__employer__branch=user.branch_id).distinct()


@admin.register(ContributionMonth)
class ContributionMonthAdmin(admin.ModelAdmin):
    list_display = ["participant", "employer", "period", "wage", "paid_on"]
    list_filter = [("period", admin.DateFieldListFilter)]
    search_fields = ["employer__npp", "participant__kpj_number"]
    list_select_related = ["participant", "employer"]
    raw_id_fields = ["participant", "employer"]
    date_hierarchy = "period"
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser or user.has_perm("claims.view_all_branches"):
            return qs
        return qs.filter(employer__branch=user.branch_id)
