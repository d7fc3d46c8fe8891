from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from jkp_site.core.scoping import branch_scope_q
from participants.models import (
    ContributionMonth,
    Employer,
    Employment,
    ImportJob,
    Participant,
    ProgramEnrollment,
)
from participants.tasks import run_import_job_task


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


class ImportJobAddForm(forms.ModelForm):
    class Meta:
        model = ImportJob
        fields = ["file", "apply_valid_rows"]
        help_texts = {
            "file": _("CSV with the header nik,npp,period,wage,paid_date (UTF-8)."),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Upload a contribution file; the import runs in the background (Celery) and the page
    shows its progress, the counts and the error report when it ends."""

    list_display = [
        "original_name",
        "status",
        "total_rows",
        "error_rows",
        "inserted_rows",
        "skipped_rows",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "original_name",
        "status",
        "apply_valid_rows",
        "total_rows",
        "processed_rows",
        "error_rows",
        "inserted_rows",
        "skipped_rows",
        "stopped_claims",
        "message",
        "created_by",
        "started_at",
        "finished_at",
    ]
    actions = ["apply_valid_rows_action"]
    change_form_template = "admin/participants/importjob/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImportJobAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["file", "apply_valid_rows"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        # A job is a record of what happened: its page is read-only (view permission).
        return False

    def save_model(self, request, obj, form, change):
        obj.original_name = form.cleaned_data["file"].name[:200]
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: run_import_job_task.delay(obj.pk))

    def get_urls(self):
        urls = super().get_urls()
        own = [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="participants_importjob_progress",
            ),
            path(
                "<int:pk>/errors/",
                self.admin_site.admin_view(self.errors_view),
                name="participants_importjob_errors",
            ),
        ]
        return own + urls

    def _job_or_404(self, request, pk: int) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def progress_view(self, request, pk: int) -> JsonResponse:
        job = self._job_or_404(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "percent": job.progress_percent,
                "total_rows": job.total_rows,
                "processed_rows": job.processed_rows,
                "error_rows": job.error_rows,
                "inserted_rows": job.inserted_rows,
                "skipped_rows": job.skipped_rows,
                "finished": job.finished_at is not None,
            }
        )

    def errors_view(self, request, pk: int) -> FileResponse:
        job = self._job_or_404(request, pk)
        if not job.errors_file:
            raise Http404
        return FileResponse(
            job.errors_file.open("rb"),
            as_attachment=True,
            filename=f"errors-{job.original_name}",
            content_type="text/csv",
        )

    @admin.action(description=_("Apply the valid rows of the selected imports"))
    def apply_valid_rows_action(self, request, queryset):
        jobs = list(queryset.filter(status=ImportJob.Status.NEEDS_DECISION))
        for job in jobs:
            ImportJob.objects.filter(pk=job.pk).update(
                apply_valid_rows=True, status=ImportJob.Status.PENDING
            )
            transaction.on_commit(lambda pk=job.pk: run_import_job_task.delay(pk))
        self.message_user(
            request,
            _("%(count)d import(s) queued to apply their valid rows.") % {"count": len(jobs)},
        )
