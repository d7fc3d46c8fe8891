from django.contrib import admin

from jkp_site.core.admin_scope import OutOfScopeIs404
from jkp_site.core.scoping import branch_scope_q
from training.models import (
    JobSeekingActivity,
    TrainingAttendance,
    TrainingProgram,
    TrainingProvider,
    TrainingReferral,
)


class BranchScopedAdmin(OutOfScopeIs404, admin.ModelAdmin):
    """Rows of another branch's claims stay out of a non-superuser's admin, as on the screens."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = branch_scope_q(request.user, prefix="claim__")
        return qs if scope is None else qs.filter(scope)


@admin.register(TrainingProvider)
class TrainingProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ownership", "city"]
    list_filter = ["kind", "ownership"]
    search_fields = ["name", "city"]


@admin.register(TrainingProgram)
class TrainingProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "competency", "duration_hours", "cost", "start_date"]
    list_filter = ["provider__kind"]
    search_fields = ["title", "competency", "provider__name"]
    list_select_related = ["provider"]


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0


@admin.register(TrainingReferral)
class TrainingReferralAdmin(BranchScopedAdmin):
    list_display = ["claim", "program", "state", "enrolled_on", "completed_on", "cost"]
    list_filter = ["state"]
    search_fields = ["claim__number", "certificate_number"]
    list_select_related = ["claim", "program"]
    raw_id_fields = ["claim", "program", "referred_by"]
    inlines = [AttendanceInline]


@admin.register(JobSeekingActivity)
class JobSeekingActivityAdmin(BranchScopedAdmin):
    list_display = ["claim", "kind", "status", "occurred_on", "employer_name", "recorded_by"]
    list_filter = ["kind", "status"]
    search_fields = ["claim__number", "employer_name"]
    list_select_related = ["claim", "recorded_by"]
    raw_id_fields = ["claim", "recorded_by"]
    date_hierarchy = "occurred_on"
